"""Scheduled audit checkpoints: a daemon thread that signs each chain's whenever it is due. No Flask.

A chain's checkpoint is due when entries were appended to it since its newest one and that one is at least
the interval old (``audit.checkpoint_due``). The thread asks once when it starts (an app restarted after a
long pause catches up at once) and then every minute, or every interval if that is shorter. Several
processes (gunicorn workers) may each run one: the question is asked again under the chain's head lock,
so they write one checkpoint per chain between them. Each chain is signed in a transaction of its own, so
the thread never holds two chains' locks at once. A failure is logged and retried at the next poll; it
never stops the thread.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

from sqlalchemy.orm import Session

from vendorcheck import audit, signing
from vendorcheck.models import AuditCheckpoint
from vendorcheck.periodic import PeriodicTask

MAX_POLL = timedelta(minutes=1)


class CheckpointScheduler(PeriodicTask):
    """Signs each chain's checkpoint when it is due, from a thread of its own (polling at most a minute apart)."""

    name = "vendorcheck-checkpoints"
    failure = "scheduled audit checkpoint failed"

    def __init__(
        self,
        transaction: Callable[[], AbstractContextManager[Session]],
        signer: signing.Signer,
        every: timedelta,
        poll: timedelta | None = None,
    ) -> None:
        super().__init__(poll or min(every, MAX_POLL))  # the period is how often it asks
        self.transaction = transaction
        self.signer = signer
        self.every = every  # how old a chain's newest checkpoint may grow while entries wait

    @property
    def poll(self) -> timedelta:
        """How often the thread asks whether a checkpoint is due."""
        return self.period

    def run_once(self) -> list[AuditCheckpoint]:
        """Write each chain's checkpoint that is due (committed on return); the ones written."""
        return audit.sign_waiting(self.transaction, self.signer, self.every)

    def describe(self, result: list[AuditCheckpoint]) -> str | None:
        """The checkpoints a round signed, for the log."""
        return "; ".join(f"chain {c.chain} signed at {c.tree_size} entries" for c in result) or None
