"""Re-screening once a month, from the running app (a ``periodic.PeriodicTask``). No Flask.

The task wakes daily and screens every vendor whose latest screening against a list is older than
``MONTH`` (or that was never screened against a list that now has a version), so a restart neither skips
nor repeats a month. Imports re-screen at once (:func:`vendorcheck.screening.import_and_screen`). Two
processes due at the same moment may both screen a vendor: the screening is recorded twice, a candidate
once (its fingerprint is unique per vendor; the losing round rolls back and is retried).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vendorcheck.audit import Actor
from vendorcheck.enums import ActorKind, ListSource
from vendorcheck.models import ListVersion, Screening, utcnow
from vendorcheck.periodic import PeriodicTask
from vendorcheck.screening.importing import newest_version
from vendorcheck.screening.matching import Matcher
from vendorcheck.screening.service import matcher_for, screen_vendor, vendors_in_scope

MONTH = timedelta(days=30)
WAKE = timedelta(days=1)
ACTOR = Actor(ActorKind.SYSTEM, "vendorcheck monthly screening")


def rescreen_due(session: Session, actor: Actor = ACTOR, now: datetime | None = None, every: timedelta = MONTH) -> int:
    """Screen what is due (no screening against that list for ``every``); the number of screenings made."""
    cutoff = (now or utcnow()) - every
    made = 0
    matchers: dict[int, Matcher] = {}
    for vendor in vendors_in_scope(session, None):
        for source in ListSource:
            version = newest_version(session, source, vendor.org_id)
            if version is None:
                continue
            last = session.scalar(
                select(func.max(Screening.screened_at))
                .join(ListVersion, Screening.version_id == ListVersion.id)
                .where(Screening.vendor_id == vendor.id, ListVersion.source == source)
            )
            if last is not None and last > cutoff:
                continue
            if version.id not in matchers:
                matchers[version.id] = matcher_for(session, version)
            screen_vendor(session, actor, vendor, version, matchers[version.id])
            made += 1
    return made


class ScreeningScheduler(PeriodicTask):
    """Wakes daily and re-screens what has gone a month without a screening."""

    name = "vendorcheck-screening"
    failure = "monthly screening failed"

    def __init__(self, transaction: Callable[[], AbstractContextManager[Session]], wake: timedelta = WAKE) -> None:
        super().__init__(wake)
        self.transaction = transaction

    def run_once(self) -> int:
        """One round (committed on return): the screenings made."""
        with self.transaction() as session:
            return rescreen_due(session)

    def describe(self, result: int) -> str | None:
        """How many screenings a round made, for the log."""
        return f"re-screened {result} vendor list(s)" if result else None
