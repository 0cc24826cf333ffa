"""HTML to an accessible PDF with WeasyPrint, offline.

The decision memo is printed from the same HTML template the web page shows, so there is one layout, not a
second copy in code. The PDF is tagged (PDF/UA-1: headings, lists and tables reach a screen reader) and printed
with fonts installed from Debian through fontconfig (``scripts/setup-system``), never a web font.

Nothing is fetched over the network while printing: WeasyPrint asks its URL fetcher for every stylesheet, image
and font a document names, and :func:`bundled_file` lets through only files shipped in ``vendorcheck/static``.
Anything else (http, https, ftp, data, or a file elsewhere on the server such as ``/etc/passwd``) is refused, so
text from a vendor can never make the server reach out or read a local file, even if the template were to put it
into a URL.

WeasyPrint (with Pango and its ~40 MiB of resident memory) is imported when the first PDF is printed, never
when the app starts: web processes that print nothing do not carry it.
"""

from __future__ import annotations

import mimetypes
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

STATIC = Path(__file__).resolve().parent / "static"
PDF_VARIANT = "pdf/ua-1"  # tagged, with the title and language a screen reader announces


class RefusedFetch(ValueError):
    """A URL the printer will not fetch: anything but a file bundled with vendorcheck."""


def bundled_file(url: str, root: Path = STATIC) -> Path:
    """The file under ``root`` that a ``file:`` URL names; :class:`RefusedFetch` for any other URL."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query:
        raise RefusedFetch(f"printing is offline: {url[:200]!r} is not a file bundled with vendorcheck")
    path = Path(url2pathname(parts.path)).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        raise RefusedFetch(f"printing is offline: {url[:200]!r} is not a file bundled with vendorcheck")
    return path


@cache
def _fetcher_class() -> type:
    """WeasyPrint's URL fetcher narrowed to :func:`bundled_file` (built on first use: WeasyPrint loads lazily)."""
    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetcherResponse

    class BundledOnly(URLFetcher):  # type: ignore[misc]
        """Serves files from vendorcheck/static and refuses every other URL (no network, no other files)."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = bundled_file(url)
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})

    return BundledOnly


def url_fetcher() -> Any:
    """A fresh fetcher that serves bundled files only (also what tests call to check the refusals)."""
    return _fetcher_class()()


def html_to_pdf(html: str) -> bytes:
    """``html`` (a whole document with ``lang`` and ``<title>``) as a tagged PDF; relative URLs name static files."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=url_fetcher())
    return bytes(document.write_pdf(pdf_variant=PDF_VARIANT))
