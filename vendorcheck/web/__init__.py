"""The web layer: thin blueprints over the services, with security set up in one place."""

from __future__ import annotations

from flask import Flask

from vendorcheck.web import access, background, errors, ids, labels, pagecache, ratelimit, security
from vendorcheck.web.account import bp as account_bp
from vendorcheck.web.admin import bp as admin_bp
from vendorcheck.web.assessments import bp as assessments_bp
from vendorcheck.web.auditing import bp as audit_bp
from vendorcheck.web.auth import bp as auth_bp
from vendorcheck.web.contracts import bp as contracts_bp
from vendorcheck.web.evidence import bp as evidence_bp
from vendorcheck.web.home import bp as home_bp
from vendorcheck.web.outbox import bp as outbox_bp
from vendorcheck.web.portal import bp as portal_bp
from vendorcheck.web.scores import bp as scores_bp
from vendorcheck.web.screening import bp as screening_bp
from vendorcheck.web.vendors import bp as vendors_bp


def init_app(app: Flask) -> None:
    """Register security, sign-in, throttling, error pages, the background tasks and the blueprints."""
    ids.init_app(app)  # before the blueprints: their <int:...> rules use the bounded converter
    security.init_app(app)
    access.init_app(app)
    pagecache.init_app(app)
    ratelimit.init_app(app)
    errors.init_app(app)
    labels.init_app(app)
    background.init_app(app)
    for blueprint in (
        auth_bp,
        account_bp,
        admin_bp,
        audit_bp,
        vendors_bp,
        evidence_bp,
        assessments_bp,
        portal_bp,
        scores_bp,
        screening_bp,
        outbox_bp,
        home_bp,
        contracts_bp,
    ):
        app.register_blueprint(blueprint)
