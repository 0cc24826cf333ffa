"""Web hardening in one module: CSRF, response headers, local-only redirects, links for outside the app."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer

csrf = CSRFProtect()
CSRF_FIELD = "csrf_token"  # Flask-WTF's name for the session's CSRF secret and this request's token in g

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    """Turn on CSRF for every form and the security headers for every response."""
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the session
    csrf.init_app(app)
    app.after_request(_security_headers)
    app.session_interface = CookieSessions()


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie sessions, with the signing serializer built once per key rather than per request."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:  # type: ignore[override]
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        built = app.extensions.get("vendorcheck.session_serializer")
        if built is None or built[0] != keys:
            built = app.extensions["vendorcheck.session_serializer"] = (keys, super().get_signing_serializer(app))
        return built[1]


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static":
        # Pages show vendors' security posture: keep them out of shared caches and the back button.
        headers["Cache-Control"] = "no-store"
    return response


def is_local_path(target: str | None) -> bool:
    """True only for a path on this site: '/x'; never '//host', '/\\host', 'https:host', control characters."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    return "\\" not in target and not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target)


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link to hand to someone (invitation, password reset, vendor link), on VENDORCHECK_PUBLIC_URL.

    Never built from the request's Host header, which the sender of a request chooses. Without a public URL
    (development and tests only: production refuses to start) the host is one of the loopback names that
    TRUSTED_HOSTS lets through.
    """
    base = current_app.config["VENDORCHECK_SETTINGS"].public_url or request.host_url.rstrip("/")
    return base + url_for(endpoint, **values)
