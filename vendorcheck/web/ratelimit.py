"""Throttling of guessable secrets (passwords, MFA codes, one-time links) with Flask-Limiter.

Only failures count (``deduct_when``): a person who signs in correctly is never slowed down. Storage is in
memory by default (one process) and Redis when VENDORCHECK_RATELIMIT_STORAGE_URI points at one, so limits
hold across several app processes.

Every endpoint with a secret token in its URL (vendor links, invitations, password resets) is wrapped in
``guards_link``: one budget of wrong links per client address, shared by all of them, so guessing cannot
spread over several kinds of link. A test fails on any ``<token>`` route without it.

The vendor portal's autosave is the one budget that counts successes: a page saves at most every second or so
while someone types, so ``AUTOSAVE`` per link is far above any person and stops only a runaway script.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, jsonify, make_response, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address

from vendorcheck.accounts import normalize_email
from vendorcheck.web.errors import render_error

limiter = Limiter(key_func=get_remote_address, headers_enabled=False)

PER_ACCOUNT = "5 per 15 minutes"  # the sixth quick wrong password waits
PER_ADDRESS = "30 per 15 minutes"  # one address trying many accounts
PER_LINK_ADDRESS = "20 per hour"  # wrong vendor, invitation or reset links from one address
AUTOSAVE = "120 per minute"  # saves of one vendor link: typing saves after a 1.5 s pause, so ~40 a minute at most
LINK_SCOPE = "links"
# Password guesses against one account share one bucket, whether made at sign-in or at re-authentication.
ACCOUNT_SCOPE = "account"


MIDDLEWARE_LIMITS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")


def init_app(app: Flask) -> None:
    """Attach the limiter to ``app`` (storage from RATELIMIT_STORAGE_URI).

    Every limit is declared on the view it guards, and the view's decorator checks it when the view runs.
    Flask-Limiter's before-request hook adds only default, application and meta limits, of which vendorcheck
    sets none, yet it costs about a sixth of a kept page's time (``web.pagecache``) on every request: it is
    dropped unless such limits are configured.
    """
    limiter.init_app(app)
    if not any(app.config.get(name) for name in MIDDLEWARE_LIMITS):
        app.before_request_funcs[None].remove(limiter._check_request_limit)


def failed(response: Response) -> bool:
    """Count the attempt against the limit only when it failed."""
    return response.status_code in (401, 404, 410)


def submitted_account() -> str:
    """The account a sign-in attempt names, as the throttling key."""
    return "account:" + normalize_email(request.form.get("email", ""))


def minutes_until_reset(limit: RequestLimit) -> int:
    """Whole minutes, at least one, until ``limit`` lets the next attempt through."""
    return max(1, math.ceil((limit.window.reset_time - time.time()) / 60))


def _throttled_link(limit: RequestLimit) -> Response:
    minutes = minutes_until_reset(limit)
    detail = (
        "Too many links that do not work were opened from your address. "
        f"Try again in {minutes} minute{'s' if minutes > 1 else ''}, or ask whoever sent you the link for a new one."
    )
    return make_response(render_error(429, detail))


def guards_link(view: Callable[..., Any]) -> Callable[..., Any]:
    """Throttle a view keyed by a secret token in its URL: wrong (404), spent or expired (410) links count."""
    guarded = limiter.shared_limit(PER_LINK_ADDRESS, scope=LINK_SCOPE, deduct_when=failed, on_breach=_throttled_link)(
        view
    )
    guarded.guards_link = True  # type: ignore[attr-defined]
    return guarded


def _link_key() -> str:
    """The autosave's key: the link (hashed: the raw token is a credential and stays out of the storage)."""
    token = (request.view_args or {}).get("token", "")
    return "autosave:" + hashlib.sha256(str(token).encode("utf-8")).hexdigest()


def _autosave_throttled(limit: RequestLimit) -> Response:
    response = jsonify(saved=False, message="Saving too often; the page tries again in a moment.", retry=30)
    response.status_code = 429
    return response


def autosave_budget(view: Callable[..., Any]) -> Callable[..., Any]:
    """Bound the saves one vendor link makes per minute; the page's script waits and retries on a 429."""
    return limiter.limit(AUTOSAVE, key_func=_link_key, on_breach=_autosave_throttled)(view)
