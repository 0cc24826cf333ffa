"""The work each app process does by itself, started by the first request it serves.

Audit checkpoints (signed when entries wait, ``VENDORCHECK_CHECKPOINT_MINUTES``), the housekeeping sweep
of interrupted uploads and the monthly re-screening against public lists, each a ``periodic.PeriodicTask``.
Started on a request rather than at import to stay out of a gunicorn master that forks its workers, and out
of the test suite's apps (``CHECKPOINT_SCHEDULER``,
``HOUSEKEEPING_SCHEDULER`` and ``SCREENING_SCHEDULER`` are False under test; tests call ``run_once``).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import timedelta

from flask import Flask
from sqlalchemy.orm import Session

from vendorcheck import db, signing
from vendorcheck.audit.scheduler import CheckpointScheduler
from vendorcheck.evidence.housekeeping import HousekeepingScheduler
from vendorcheck.periodic import on_first_request
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
    try:
        signer = signing.load_signer(settings.home)
    except signing.SigningKeyError:
        if app.config.setdefault("CHECKPOINT_SCHEDULER", not app.testing):
            app.logger.warning("no signing key in %s, so no audit checkpoints: run `vendorcheck init`", settings.home)
        return
    checkpoints = CheckpointScheduler(transaction, signer, timedelta(minutes=settings.checkpoint_minutes))
    on_first_request(app, checkpoints, "CHECKPOINT_SCHEDULER", "vendorcheck.checkpoints")
