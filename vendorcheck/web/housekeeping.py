"""Runs the housekeeping scheduler in the app's processes, started by the first request each serves.

Started on a request, like the checkpoint scheduler (``web/checkpoints.py``), to keep the thread out of a
gunicorn master that forks its workers, and out of the test suite's apps (``HOUSEKEEPING_SCHEDULER`` is
False under test; tests call ``run_once``).
"""

from __future__ import annotations

from flask import Flask

from vendorcheck import db
from vendorcheck.housekeeping import HousekeepingScheduler


def init_app(app: Flask) -> None:
    """Create the scheduler over the app's database and vault and start it with the first request."""
    app.config.setdefault("HOUSEKEEPING_SCHEDULER", not app.testing)
    engine = db.engine(app)
    scheduler = HousekeepingScheduler(lambda: db.transaction(engine), app.extensions["vendorcheck.vault"])
    app.extensions["vendorcheck.housekeeping"] = scheduler

    @app.before_request
    def _start_housekeeping() -> None:
        if not scheduler.started and app.config["HOUSEKEEPING_SCHEDULER"]:
            scheduler.start()
