"""Housekeeping inside the running app: a daemon thread that clears away what interrupted uploads left. No Flask.

An upload killed mid-way (a crashed or restarted worker, ``kill -9``) leaves a version row that never
completed and an encrypted ``.partial`` blob. Nothing lists or counts them (``Evidence.versions`` and
``Evidence.received`` see complete versions only), and this thread removes them once they are older than
the sweep's grace period (``evidence.SWEEP_GRACE``, far longer than any upload runs), so an upload still in
flight is never touched. It sweeps when it starts and then every ``every``. Several processes (gunicorn
workers) may each run one: the sweep locks what it removes, so two never remove, or audit, the same upload.
A failure is logged and retried at the next round; it never stops the thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

from sqlalchemy.orm import Session

from vendorcheck import evidence
from vendorcheck.audit import Actor
from vendorcheck.models import ActorKind

log = logging.getLogger(__name__)
EVERY = timedelta(hours=1)
ACTOR = Actor(ActorKind.SYSTEM, "vendorcheck housekeeping")


class HousekeepingScheduler:
    """Sweeps interrupted uploads every ``every`` from a thread of its own."""

    def __init__(
        self,
        transaction: Callable[[], AbstractContextManager[Session]],
        vault: evidence.Vault,
        every: timedelta = EVERY,
        grace: timedelta = evidence.SWEEP_GRACE,
    ) -> None:
        self.transaction, self.vault, self.every, self.grace = transaction, vault, every, grace
        self._stop = threading.Event()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def run_once(self) -> list[str]:
        """Sweep once (committed on return, with its audit event); returns what was removed."""
        with self.transaction() as session:
            return evidence.sweep(session, self.vault, ACTOR, self.grace)

    def start(self) -> None:
        """Start the thread (once: later calls do nothing)."""
        with self._start_lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="vendorcheck-housekeeping", daemon=True)
            self._thread.start()

    @property
    def started(self) -> bool:
        """True once ``start`` was called."""
        return self._thread is not None

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to finish and wait for it (a sweep under way completes first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                removed = self.run_once()
            except Exception:  # the database may be away for a moment: say so and try at the next round
                log.exception("housekeeping sweep failed; retrying in %s", self.every)
            else:
                if removed:
                    log.info("housekeeping removed %d leftover(s) of interrupted uploads", len(removed))
            self._stop.wait(self.every.total_seconds())
