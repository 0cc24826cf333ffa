"""Work the running app does by itself now and then, on a daemon thread of its own. No Flask, no database.

Signing audit checkpoints and sweeping interrupted uploads (and, later, reminders and re-screening) share
the same life: run at once when started (an app restarted after a long pause catches up), then every
``period``; a failure is logged and retried at the next round and never stops the thread; ``stop`` lets the
round under way finish. Each job is safe to run in several processes at once (its own locking says how).
"""

from __future__ import annotations

import abc
import logging
import threading
from datetime import timedelta
from typing import Any

log = logging.getLogger(__name__)


class PeriodicTask(abc.ABC):
    """Runs ``run_once`` now and every ``period`` on a daemon thread; subclasses say what a round does."""

    name = "vendorcheck-task"  # the thread's name
    failure = "background task failed"  # what the log says when a round fails

    def __init__(self, period: timedelta) -> None:
        self.period = period
        self._stop = threading.Event()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @abc.abstractmethod
    def run_once(self) -> Any:
        """One round of the work (committed on return); what it did, for the log."""

    def describe(self, result: Any) -> str | None:
        """A line for the log about what a round did, or None when there is nothing to say."""
        return None

    def start(self) -> None:
        """Start the thread (once: later calls do nothing)."""
        with self._start_lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    @property
    def started(self) -> bool:
        """True once ``start`` was called."""
        return self._thread is not None

    @property
    def running(self) -> bool:
        """True while the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to finish and wait for it (a round under way completes first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                result = self.run_once()
            except Exception:  # the database may be away for a moment: say so and try at the next round
                log.exception("%s; retrying in %s", self.failure, self.period)
            else:
                line = self.describe(result)
                if line:
                    log.info("%s: %s", self.name, line)
            self._stop.wait(self.period.total_seconds())


def on_first_request(app: Any, task: PeriodicTask, flag: str, extension: str) -> None:
    """Keep ``task`` in ``app.extensions[extension]`` and start it with the first request the process serves.

    Starting on a request rather than at import keeps the thread out of a gunicorn master that forks its
    workers; ``app.config[flag]`` (False under test, where tests call ``run_once``) can keep it from starting.
    One hook per app starts every task (each request pays for one check, not one per task).
    """
    app.config.setdefault(flag, not app.testing)
    app.extensions[extension] = task
    waiting = app.extensions.get("vendorcheck.periodic")
    if waiting is None:
        waiting = app.extensions["vendorcheck.periodic"] = []

        @app.before_request
        def _start_tasks() -> None:
            if waiting:
                for pending, pending_flag in list(waiting):
                    if app.config[pending_flag]:
                        pending.start()  # once: a second call (another thread's request) does nothing
                waiting[:] = [(t, f) for t, f in waiting if not t.started]

    waiting.append((task, flag))
