"""The practice's own billing today ("In-house today"): reading, checking and saving its figures (audited).

Every typed figure goes through :func:`vendorcheck.numbers.parse_number` within the bounds of
:data:`vendorcheck.scoring.economics.BASELINE_FIELDS`; a refused figure is reported beside its field and
nothing is saved, so the page can show the other entries as typed. The arithmetic is pure
(:mod:`vendorcheck.scoring.economics`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.audit import Actor, actions
from vendorcheck.models import Baseline
from vendorcheck.numbers import NumberError, parse_number, stored_number
from vendorcheck.scoring.economics import ANSWERS, BASELINE_FIELDS, CHECKLIST

# The vendor's answers the economics read (question ids of questionnaires/billing-vendor.yaml), with bounds.
VENDOR_FIGURES = {
    "net_collection_rate": (0.1, 100),
    "denial_rate": (0, 100),
    "days_in_ar": (0, 365),
    "collection_rate_percent": (0, 100),
    "monthly_cost_estimate": (0, 10_000_000),
    "setup_fee": (0, 10_000_000),
}


class BaselineError(ValueError):
    """Figures that cannot be saved: ``problems`` maps a field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def get_baseline(session: Session, org_id: int) -> Baseline | None:
    """The organization's baseline row, if it recorded one."""
    return session.scalar(select(Baseline).where(Baseline.org_id == org_id))


def figures(baseline: Baseline | None) -> dict[str, float | None]:
    """The baseline's figures by key (None where missing or not a valid stored number)."""
    out: dict[str, float | None] = {}
    for key, _, _, low, high in BASELINE_FIELDS:
        out[key] = stored_number(getattr(baseline, key), low, high) if baseline is not None else None
    return out


def answers(baseline: Baseline | None) -> dict[str, str]:
    """The checklist answers by key (only the known answers)."""
    raw = (baseline.checklist if baseline is not None else None) or {}
    return {k: raw[k] for k, *_ in CHECKLIST if raw.get(k) in ANSWERS}


def vendor_figures(answered: Mapping[str, Any]) -> dict[str, float | None]:
    """A vendor's answers to the economics questions as numbers (None where not answered or out of bounds)."""
    return {k: stored_number(answered.get(k), low, high) for k, (low, high) in VENDOR_FIGURES.items()}


def parse_entries(
    typed: Mapping[str, Any], checklist: Mapping[str, Any]
) -> tuple[dict[str, float | None], dict[str, str], dict[str, str]]:
    """(figures, checklist answers, problems per field) from typed text (or JSON numbers); blank means missing."""
    values: dict[str, float | None] = {}
    problems: dict[str, str] = {}
    for key, _label, _, low, high in BASELINE_FIELDS:
        raw = typed.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            values[key] = None
            continue
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            problems[key] = "Enter a number, for example 12 or 12.5."
            continue
        try:
            values[key] = float(
                parse_number(str(raw).replace(",", "") if isinstance(raw, str) else repr(raw), low, high)
            )
        except NumberError as error:
            problems[key] = str(error)
    chosen: dict[str, str] = {}
    for key, *_ in CHECKLIST:
        answer = checklist.get(key)
        if answer in (None, ""):
            continue
        if answer not in ANSWERS:
            problems[key] = "Answer yes, sometimes or no."
            continue
        chosen[key] = answer
    return values, chosen, problems


def save_baseline(
    session: Session, actor: Actor, org_id: int, typed: Mapping[str, Any], checklist: Mapping[str, Any]
) -> Baseline:
    """Check and store the practice's figures and checklist; raises BaselineError naming every refused field."""
    values, chosen, problems = parse_entries(typed, checklist)
    if problems:
        raise BaselineError(problems)
    row = get_baseline(session, org_id)
    if row is None:
        row = Baseline(org_id=org_id, checklist={})
        session.add(row)
    before = figures(row) if row.id else {}
    changed = sorted(k for k, v in values.items() if before.get(k) != v)
    changed += sorted(k for k in {*chosen, *answers(row)} if answers(row).get(k) != chosen.get(k))
    for key, value in values.items():
        setattr(row, key, value)
    row.checklist = chosen
    row.updated_by_id = actor.user_id
    session.flush()
    audit.record(
        session,
        actions.BASELINE_SAVED,
        actor,
        org_id=org_id,
        target_type="baseline",
        target_id=row.id,
        details={"changed": changed},
    )
    return row


def baseline_json(baseline: Baseline | None) -> dict[str, Any]:
    """The baseline as ``baseline show`` prints it and ``baseline set --file`` reads it (docs/cli.md)."""
    return {
        "format": "vendorcheck-baseline/1",
        "figures": figures(baseline),
        "checklist": answers(baseline),
    }
