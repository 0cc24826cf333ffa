"""The Flask application factory."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from vendorcheck import db
from vendorcheck.config import ConfigError, load_settings, require_public_url, secret_key_fallbacks, trusted_hosts
from vendorcheck.evidence import Vault
from vendorcheck.questionnaire.loader import QuestionnaireError, load_library
from vendorcheck.resources import questionnaires_dir, templates_dir
from vendorcheck.web import database


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from validated settings; ``config`` overrides them (tests pass one).

    Raises ``vendorcheck.config.ConfigError`` with a message saying what to run when the instance
    is missing, unreadable or its database is unreachable or not migrated.
    """
    settings = load_settings(config)
    require_public_url(settings)
    app = Flask(__name__, template_folder=str(templates_dir()), instance_path=str(settings.home))
    app.config.update(
        VENDORCHECK_SETTINGS=settings,
        DATABASE_URL=settings.database_url,
        SECRET_KEY=settings.secret_key or secrets.token_urlsafe(48),  # dev/test only: prod refuses above
        SECRET_KEY_FALLBACKS=secret_key_fallbacks(settings),  # sessions survive a key rotation
        TESTING=settings.env == "test",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="vendorcheck_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_lifetime_hours),
        # The cookie lives as long as the session may (set at sign-in); the server-side record decides the rest,
        # so it is not signed and sent again on every response.
        SESSION_REFRESH_EACH_REQUEST=False,
        MAX_CONTENT_LENGTH=1024 * 1024,  # forms; evidence uploads set their own, larger limit
        MAX_FORM_MEMORY_SIZE=512 * 1024,
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_uri,
        TRUSTED_HOSTS=trusted_hosts(settings),  # any other Host header is refused with 400
    )
    if settings.proxy_hops:  # trust X-Forwarded-* from exactly this many proxies (client address, https)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops)  # type: ignore[method-assign]

    database.init_app(app)
    app.extensions["vendorcheck.vault"] = Vault.for_settings(settings)
    try:
        app.extensions["vendorcheck.questionnaires"] = load_library(questionnaires_dir())
    except QuestionnaireError as error:
        raise ConfigError(f"the questionnaire library is invalid; fix these and start again:\n{error}") from None
    if settings.env != "test":  # the test suite builds its own schema
        db.require_current_schema(database.engine(app))

    from vendorcheck import web

    web.init_app(app)
    return app
