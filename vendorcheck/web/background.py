"""The work each app process does by itself, started by the first request it serves.

Audit checkpoints (signed when entries wait, ``VENDORCHECK_CHECKPOINT_MINUTES``), the housekeeping sweep
of interrupted uploads, the monthly re-screening against public lists, and reminders with mail delivery
(every five minutes), each a ``periodic.PeriodicTask``.
Started on a request rather than at import to stay out of a gunicorn master that forks its workers, and out
of the test suite's apps (``CHECKPOINT_SCHEDULER``, ``HOUSEKEEPING_SCHEDULER``, ``SCREENING_SCHEDULER`` and
``MAIL_SCHEDULER`` are False under test; tests call ``run_once``).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from vendorcheck import db, signing
from vendorcheck.audit.scheduler import CheckpointScheduler
from vendorcheck.config import Settings, mail_server
from vendorcheck.evidence.housekeeping import HousekeepingScheduler
from vendorcheck.lifecycle.due import DueItem
from vendorcheck.periodic import on_first_request
from vendorcheck.reminders.scheduler import MailScheduler
from vendorcheck.screening.scheduler import ScreeningScheduler
from vendorcheck.web import database


def init_app(app: Flask) -> None:
    """Create the tasks over the app's database, signing key and vault; each starts with the first request."""
    settings = app.config["VENDORCHECK_SETTINGS"]
    engine = database.engine(app)

    def transaction() -> AbstractContextManager[Session]:
        return db.transaction(engine)

    housekeeping = HousekeepingScheduler(transaction, app.extensions["vendorcheck.vault"])
    on_first_request(app, housekeeping, "HOUSEKEEPING_SCHEDULER", "vendorcheck.housekeeping")
    on_first_request(app, ScreeningScheduler(transaction), "SCREENING_SCHEDULER", "vendorcheck.screening")
    server = app.extensions["vendorcheck.mail_server"] = mail_server(settings)
    mail = MailScheduler(transaction, server, link_builder(app, settings), days_before=settings.reminder_days)
    on_first_request(app, mail, "MAIL_SCHEDULER", "vendorcheck.mail")
    try:
        signer = signing.load_signer(settings.home)
    except signing.SigningKeyError:
        if app.config.setdefault("CHECKPOINT_SCHEDULER", not app.testing):
            app.logger.warning("no signing key in %s, so no audit checkpoints: run `vendorcheck init`", settings.home)
        return
    checkpoints = CheckpointScheduler(transaction, signer, timedelta(minutes=settings.checkpoint_minutes))
    on_first_request(app, checkpoints, "CHECKPOINT_SCHEDULER", "vendorcheck.checkpoints")


DEVELOPMENT_URL = "http://127.0.0.1:5000"  # `vendorcheck serve`'s address, when no VENDORCHECK_PUBLIC_URL is set


def link_builder(app: Flask, settings: Settings) -> Callable[[DueItem], str]:
    """Absolute links to an item's page on VENDORCHECK_PUBLIC_URL, built from the app's routes (no request
    needed: reminders are written by a background thread or the CLI)."""
    base = settings.public_url or DEVELOPMENT_URL
    adapter = app.url_map.bind("localhost")

    def link_for(item: DueItem) -> str:
        try:
            return base + adapter.build(item.endpoint, dict(item.endpoint_args))
        except BuildError:  # an endpoint this version does not have: the home page still helps
            return base + "/"

    return link_for
