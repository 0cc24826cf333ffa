"""Vendors side by side: scored, ranked, with whether the ranking survives changes to the weights."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import baseline as baselines
from vendorcheck.models import (
    Vendor,
    VendorStatus,
)
from vendorcheck.scores.cache import ScoreCache, combined_digest
from vendorcheck.scores.common import ScoreError
from vendorcheck.scores.vendor_scores import VendorScore, score_vendors
from vendorcheck.scoring import ScoringProfile
from vendorcheck.scoring.economics import Economics, economics, kpi_proof
from vendorcheck.scoring.ranking import Stability, leader_margin, rank, stability

# The stability check re-rates every vendor under 2 x domains weight changes (~0.1 s for 200 vendors): like the
# scores, it is kept per process, keyed by the compared scores' input digests, names and the profile.
STABILITY: ScoreCache[Stability] = ScoreCache(size=256)


@dataclass
class Comparison:
    """Vendors side by side, best first, with the ranking's stability."""

    entries: list[VendorScore]  # ranked: best first, not assessed last
    profile: ScoringProfile
    stability: Stability
    margin: float | None
    baseline: dict[str, float | None] = field(default_factory=dict)  # the practice's own figures ("In-house today")
    checklist: dict[str, str] = field(default_factory=dict)
    economics: dict[int, Economics] = field(default_factory=dict)  # per vendor id, against the baseline

    @property
    def assessed(self) -> list[VendorScore]:
        return [e for e in self.entries if e.score is not None]

    @property
    def domains(self) -> list[tuple[str, str]]:
        """(domain, label) of every domain any compared vendor was scored on, in the usual order."""
        seen: dict[str, str] = {}
        for entry in self.assessed:
            for d in entry.score.domains:  # type: ignore[union-attr]
                seen.setdefault(d.domain, d.label)
        return list(seen.items())

    @property
    def recommended(self) -> VendorScore | None:
        """The best-ranked vendor without a failed knock-out, if any (so never one rated "do not use")."""
        for entry in self.assessed:
            if not entry.score.knockouts:  # type: ignore[union-attr]
                return entry
        return None


def compare(
    session: Session, vendors: Sequence[Vendor], profile: ScoringProfile, today: date | None = None
) -> Comparison:
    """Score and rank ``vendors`` (at least two, all distinct)."""
    if len({v.id for v in vendors}) < 2:
        raise ScoreError("Choose at least two different vendors to compare.")
    entries = score_vendors(session, vendors, profile, today)
    by_name = {e.vendor.name: e for e in entries}
    scores = {e.vendor.name: e.score for e in entries}
    order = rank(scores)
    key = combined_digest(
        [profile.version, repr(profile.to_json())]
        + [part for e in entries for part in (e.vendor.name, e.digest if e.score else "-")]
    )
    holds = STABILITY.get_or_compute(key, lambda: stability(scores, profile))
    row = baselines.get_baseline(session, vendors[0].org_id)
    own = baselines.figures(row)
    money = {
        e.vendor.id: replace(
            economics(own, baselines.vendor_figures(e.answers)),
            kpis=kpi_proof(e.answers, {r.question.id: r.evidence for r in e.score.results} if e.score else {}),
        )
        for e in entries
    }
    return Comparison(
        [by_name[n] for n in order],
        profile,
        holds,
        leader_margin(order, scores),
        own,
        baselines.answers(row),
        money,
    )


def shortlisted(session: Session, org_id: int) -> list[Vendor]:
    """The organization's shortlisted (or selected) vendors, by name."""
    return list(
        session.scalars(
            select(Vendor)
            .where(Vendor.org_id == org_id, Vendor.status.in_([VendorStatus.SHORTLISTED, VendorStatus.SELECTED]))
            .order_by(Vendor.name)
        )
    )
