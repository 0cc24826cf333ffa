"""Housekeeping: clearing away what interrupted uploads left, by ``sweep`` and a daemon thread. No Flask.

An upload killed mid-way (a crashed or restarted worker, ``kill -9``) leaves a version row that never
completed and an encrypted ``.partial`` blob. Nothing lists or counts them (``Evidence.versions`` and
``Evidence.received`` see complete versions only), and this thread removes them once they are older than
the sweep's grace period (``SWEEP_GRACE``, far longer than any upload runs), so an upload still in
flight is never touched. It sweeps when it starts and then every ``every``. Several processes (gunicorn
workers) may each run one: the sweep locks what it removes, so two never remove, or audit, the same upload.
A failure is logged and retried at the next round; it never stops the thread. ``vendorcheck evidence
sweep`` calls ``sweep`` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.audit import Actor
from vendorcheck.evidence.vault import Vault
from vendorcheck.models import ActorKind, EvidenceVersion, utcnow
from vendorcheck.periodic import PeriodicTask

EVERY = timedelta(hours=1)
ACTOR = Actor(ActorKind.SYSTEM, "vendorcheck housekeeping")
SWEEP_GRACE = timedelta(hours=6)  # an upload older than this without completing was cut off


def sweep(
    session: Session, vault: Vault, actor: Actor, grace: timedelta = SWEEP_GRACE, now: datetime | None = None
) -> list[str]:
    """Remove uploads cut off by a crash (rows never completed) and blobs no row refers to; returns what went.

    Only what is older than ``grace`` goes, so uploads still running are left alone. What went is one
    ``evidence.swept`` audit event. Several processes may sweep at once: the rows are locked (PostgreSQL
    skips rows another sweep holds; SQLite's write lock serializes) and a blob already gone is no error.
    """
    cutoff = (now or utcnow()) - grace
    stale = session.scalars(
        select(EvidenceVersion)
        .where(EvidenceVersion.complete.is_(False), EvidenceVersion.created_at < cutoff)
        .order_by(EvidenceVersion.id)
        .with_for_update(skip_locked=True)
    ).all()
    removed = []
    for version in stale:
        evidence = version.evidence
        vault.blobs.delete(version.blob_name)
        session.delete(version)
        session.flush()
        removed.append(f"unfinished upload {version.blob_name}")
        if not session.scalar(select(func.count()).where(EvidenceVersion.evidence_id == evidence.id)):
            session.delete(evidence)
    session.flush()
    referenced = session.scalars(select(EvidenceVersion.blob_name)).all()
    removed += [f"blob {name}" for name in vault.blobs.sweep(referenced, grace.total_seconds())]
    if removed:
        audit.record(session, "evidence.swept", actor, details={"removed": removed[:100], "count": len(removed)})
    return removed


class HousekeepingScheduler(PeriodicTask):
    """Sweeps interrupted uploads every ``every`` from a thread of its own."""

    name = "vendorcheck-housekeeping"
    failure = "housekeeping sweep failed"

    def __init__(
        self,
        transaction: Callable[[], AbstractContextManager[Session]],
        vault: Vault,
        every: timedelta = EVERY,
        grace: timedelta = SWEEP_GRACE,
    ) -> None:
        super().__init__(every)
        self.transaction, self.vault, self.grace = transaction, vault, grace
        self.every = every

    def run_once(self) -> list[str]:
        """Sweep once (committed on return, with its audit event); returns what was removed."""
        with self.transaction() as session:
            return sweep(session, self.vault, ACTOR, self.grace)

    def describe(self, result: list[str]) -> str | None:
        """How many leftovers a round removed, for the log."""
        return f"removed {len(result)} leftover(s) of interrupted uploads" if result else None
