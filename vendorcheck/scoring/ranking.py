"""Ranking scored vendors, and whether the ranking survives a change of domain weights."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vendorcheck.scoring.engine import Score, rated
from vendorcheck.scoring.profile import DOMAIN_LABELS, ScoringProfile
from vendorcheck.scoring.risk import ResidualRating

SWING = 0.25  # how far each domain weight moves in the stability check


@dataclass(frozen=True)
class Flip:
    """One weight change that would reorder the ranking."""

    domain: str
    factor: float  # 0.75 or 1.25
    order: tuple[str, ...]  # the ranking it would give

    @property
    def sentence(self) -> str:
        label = DOMAIN_LABELS.get(self.domain, self.domain)
        change = "more" if self.factor > 1 else "less"
        return f"If {label} counted {round(abs(self.factor - 1) * 100)}% {change}, the order would be: " + ", ".join(
            self.order
        )


@dataclass(frozen=True)
class Stability:
    holds: bool
    flips: tuple[Flip, ...]
    checked: int  # weight changes tried


def rerate(score: Score, weights: Mapping[str, float], profile: ScoringProfile) -> tuple[float, ResidualRating]:
    """The rated score and rating ``score`` would get under other domain weights (domain scores unchanged).

    Method 2 rates from findings, which weights do not touch: only the score that orders vendors within a
    level moves.
    """
    domains = [d for d in score.domains if weights.get(d.domain, d.weight) > 0]
    total = sum(weights.get(d.domain, d.weight) for d in domains)
    if total <= 0 or score.rating is None:
        return 0.0, ResidualRating.of(4, 0.0, True, 4)
    points = sum(weights.get(d.domain, d.weight) * rated(d.claimed, d.proven, score.rating_basis) for d in domains)
    return points / total, score.rating


def order_key(name: str, score: Score | None, points: float | None = None, rating: ResidualRating | None = None):
    """Best first: assessed before not assessed, "do not use" last among them, lower rating, fewer knock-outs,
    higher rated score, then name."""
    if score is None or not score.assessed or score.rating is None:
        return (1, 1, 9, 0, 0.0, name.lower())
    rating = rating or score.rating
    points = score.basis if points is None else points
    return (0, int(rating.disqualified), rating.level, len(score.knockouts), -round(points, 6), name.lower())


def rank(scores: Mapping[str, Score | None]) -> list[str]:
    """Vendor names, best first (see :func:`order_key`)."""
    return sorted(scores, key=lambda name: order_key(name, scores[name]))


def stability(scores: Mapping[str, Score | None], profile: ScoringProfile) -> Stability:
    """Move each domain weight by ±25% in turn; report every move that reorders the assessed vendors."""
    assessed = {n: s for n, s in scores.items() if s is not None and s.assessed}
    base = [n for n in rank(scores) if n in assessed]
    domains = sorted({d.domain for s in assessed.values() for d in s.domains if d.weight > 0})
    flips, checked = [], 0
    for domain in domains:
        for factor in (1 - SWING, 1 + SWING):
            checked += 1
            keys = {}
            for name, found in assessed.items():
                weights = {d.domain: d.weight for d in found.domains} | {domain: profile.weight(domain) * factor}
                points, rating = rerate(found, weights, profile)
                keys[name] = order_key(name, found, points, rating)
            order = sorted(assessed, key=lambda n: keys[n])
            if order != base:
                flips.append(Flip(domain, factor, tuple(order)))
    return Stability(not flips, tuple(flips), checked)


def leader_margin(order: Sequence[str], scores: Mapping[str, Score | None]) -> float | None:
    """Rated points between the first and second assessed vendor, or None with fewer than two."""
    assessed = [scores[n] for n in order if scores[n] is not None and scores[n].assessed]  # type: ignore[union-attr]
    if len(assessed) < 2:
        return None
    return assessed[0].basis - assessed[1].basis  # type: ignore[union-attr]
