"""Runs the audit checkpoint scheduler in the app's processes, started by the first request each serves.

Starting on a request rather than at import keeps the thread out of a gunicorn master that forks its
workers, and out of the test suite's apps (``CHECKPOINT_SCHEDULER`` is False under test).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from vendorcheck import db, signing
from vendorcheck.audit.scheduler import CheckpointScheduler


def init_app(app: Flask) -> None:
    """Create the scheduler (when the instance has a signing key) and start it with the first request."""
    settings = app.config["VENDORCHECK_SETTINGS"]
    app.config.setdefault("CHECKPOINT_SCHEDULER", not app.testing)
    try:
        signer = signing.load_signer(settings.home)
    except signing.SigningKeyError:
        if app.config["CHECKPOINT_SCHEDULER"]:
            app.logger.warning("no signing key in %s, so no audit checkpoints: run `vendorcheck init`", settings.home)
        return
    engine = db.engine(app)
    scheduler = CheckpointScheduler(
        lambda: db.transaction(engine), signer, timedelta(minutes=settings.checkpoint_minutes)
    )
    app.extensions["vendorcheck.checkpoints"] = scheduler

    @app.before_request
    def _start_scheduler() -> None:
        if not scheduler.started and app.config["CHECKPOINT_SCHEDULER"]:
            scheduler.start()
