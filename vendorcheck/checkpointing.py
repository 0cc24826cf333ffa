"""Scheduled audit checkpoints: a daemon thread that signs each chain's whenever it is due. Pure: no Flask.

A chain's checkpoint is due when entries were appended to it since its newest one and that one is at least
the interval old (``audit.checkpoint_due``). The thread asks once when it starts (an app restarted after a
long pause catches up at once) and then every minute, or every interval if that is shorter. Several
processes (gunicorn workers) may each run one: the question is asked again under the chain's head lock,
so they write one checkpoint per chain between them. Each chain is signed in a transaction of its own, so
the thread never holds two chains' locks at once. A failure is logged and retried at the next poll; it
never stops the thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

from sqlalchemy.orm import Session

from vendorcheck import audit, signing
from vendorcheck.models import AuditCheckpoint

log = logging.getLogger(__name__)
MAX_POLL = timedelta(minutes=1)


class CheckpointScheduler:
    """Signs a checkpoint every ``every`` while the log grows, from a thread of its own."""

    def __init__(
        self,
        transaction: Callable[[], AbstractContextManager[Session]],
        signer: signing.Signer,
        every: timedelta,
        poll: timedelta | None = None,
    ) -> None:
        self.transaction = transaction
        self.signer = signer
        self.every = every
        self.poll = poll or min(every, MAX_POLL)
        self._stop = threading.Event()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def run_once(self) -> list[AuditCheckpoint]:
        """Write each chain's checkpoint that is due (committed on return); the ones written."""
        with self.transaction() as session:
            waiting = audit.chains_waiting(session)
        written = []
        for chain in waiting:
            with self.transaction() as session:
                checkpoint = audit.checkpoint_if_due(session, self.signer, chain, self.every)
            if checkpoint is not None:
                written.append(checkpoint)
        return written

    def start(self) -> None:
        """Start the thread (once: later calls do nothing)."""
        with self._start_lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="vendorcheck-checkpoints", daemon=True)
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
        """Ask the thread to finish and wait for it (a checkpoint being written completes first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                written = self.run_once()
            except Exception:  # the database may be away for a moment: say so and try at the next poll
                log.exception("scheduled audit checkpoint failed; retrying in %s", self.poll)
            else:
                for checkpoint in written:
                    log.info("audit checkpoint signed: chain %s, %s entries", checkpoint.chain, checkpoint.tree_size)
            self._stop.wait(self.poll.total_seconds())
