"""Signed-in pages served from memory while nothing they show has changed.

A page such as the vendor list, a vendor or a comparison is a function of the organization's data, the signed-in
user (name, role), the browser's session (its forms carry the session's CSRF token), the address asked for and the
date. Every change to an organization's data appends to its audit chain in the same transaction (services own
their audit events), and instance-wide changes (public lists) append to the system chain; so the heads of those two
chains name the data a page was rendered from. The key is (page, address, user, role, the session's CSRF secret,
both chain heads, today's date in UTC and locally); the rendered HTML is kept per process in an LRU bounded in
bytes. A change anywhere in the organization moves its head: the next request misses and renders afresh, and the
old entry ages out. Several processes stay consistent because the key is read from the shared database, never
from memory.

The chain heads are read before the view renders (by the session check, ``accounts.sessions.peek``, in the same
statement). A change committed between that read and the render can only make a page newer than its key, never
older, so a stale page is never served to a request that began after the change.

The security headers are added after the view, on hits too. Not kept: pages that showed a flash message, responses
other than 200 HTML, anything but GET, and a browser session with no CSRF secret yet (its first page makes one). A
rule that turns on the clock within a day (a vendor link expiring) notes the moment through
``vendorcheck.horizon``, and the entry is dropped then.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import wraps
from typing import Any

from flask import Flask, Response, current_app, get_flashed_messages, request, session
from flask_login import current_user
from sqlalchemy import bindparam, select

from vendorcheck import horizon
from vendorcheck.audit.log import head_columns
from vendorcheck.db import Prepared
from vendorcheck.models import utcnow
from vendorcheck.web import database
from vendorcheck.web.security import CSRF_FIELD

# Both heads in one statement, for a request whose session check had to write (and so did not read them).
_HEADS = Prepared(select(*head_columns(bindparam("org"))))


@dataclass(frozen=True, slots=True)
class Page:
    """A rendered page."""

    body: bytes
    content_type: str
    until: datetime | None  # drop it at this moment (a rule that turns on the clock), None: never


class PageCache:
    """An LRU of rendered pages bounded by their total size; safe across threads."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[tuple[Any, ...], Page] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple[Any, ...], now: datetime) -> Page | None:
        """The page kept under ``key``, unless there is none or its moment has come."""
        with self._lock:
            page = self._pages.get(key)
            if page is not None and page.until is not None and now >= page.until:
                self._drop(key)
                page = None
            if page is None:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return page

    def put(self, key: tuple[Any, ...], page: Page) -> None:
        """Keep ``page`` under ``key``, dropping the least recently used pages beyond the size bound."""
        if len(page.body) > self.max_bytes // 8:
            return  # one huge page must not push out everything else
        with self._lock:
            if key in self._pages:
                self._drop(key)
            self._pages[key] = page
            self._bytes += len(page.body)
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._pages)))

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    def _drop(self, key: tuple[Any, ...]) -> None:
        self._bytes -= len(self._pages.pop(key).body)


def init_app(app: Flask) -> None:
    """Give the app its page cache (``VENDORCHECK_PAGE_CACHE_MIB``; 0 turns it off)."""
    size = app.config["VENDORCHECK_SETTINGS"].page_cache_mib * 1024 * 1024
    app.extensions["vendorcheck.pages"] = PageCache(size) if size else None


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve ``view`` (under ``requires``) from the page cache while the organization's data is unchanged."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        cache: PageCache | None = current_app.extensions.get("vendorcheck.pages")
        csrf_secret = session.get(CSRF_FIELD)
        if cache is None or request.method != "GET" or not current_user.is_authenticated or not csrf_secret:
            return view(*args, **kwargs)
        if "_flashes" in session:  # a message waits to be shown: this response is not the page as kept
            return view(*args, **kwargs)
        now = utcnow()
        key = _key(now, csrf_secret)
        page = cache.get(key, now)
        if page is not None:
            return Response(page.body, content_type=page.content_type)
        with horizon.watching() as moments:
            response = current_app.make_response(view(*args, **kwargs))
        if _keepable(response):
            until = min((m for m in moments if m > now), default=None)
            cache.put(key, Page(response.get_data(), response.content_type or "text/html; charset=utf-8", until))
        return response

    wrapper.page_cache = True  # type: ignore[attr-defined]  # web.ratelimit: no limits to work out
    return wrapper


def _key(now: datetime, csrf_secret: str) -> tuple[Any, ...]:
    """Everything a cached page depends on, read before the view renders (see the module's docstring)."""
    live = current_user.live  # the session check read the heads in its own statement, before this view
    if live is not None:
        org_head, system_head = live.org_head, live.system_head
    else:
        org_head, system_head = database.reader().first(_HEADS, org=current_user.org_id) or (None, None)
    return (
        request.endpoint,
        request.full_path,
        current_user.id,
        current_user.role,
        # The page's forms carry a token signed from this secret (valid for the whole session:
        # WTF_CSRF_TIME_LIMIT is None), so a page is served only to the session it was rendered for.
        hashlib.sha256(csrf_secret.encode()).digest(),
        org_head,
        system_head,
        now.date(),
        date.today(),  # some pages count days in local time
    )


def _keepable(response: Response) -> bool:
    """A plain 200 HTML page that showed no flash message and sets nothing of its own (no cookie, no header)."""
    if response.status_code != 200 or response.is_streamed or response.mimetype != "text/html":
        return False
    if set(response.headers.keys()) - {"Content-Type", "Content-Length"}:
        return False
    return not get_flashed_messages()
