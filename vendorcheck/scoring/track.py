"""The public record as the engine sees it: confirmed list matches, turned into knock-outs and findings. Pure.

:mod:`vendorcheck.screening` confirms matches against the OIG LEIE, SAM.gov exclusions and the HHS OCR breach
portal; what a person confirmed reaches the engine as :class:`PublicRecord` (plain data, no database):

* a confirmed exclusion still in force (no reinstatement or termination date passed) of the company or of a
  principal fails ``company_excluded`` as a *disqualifying* knock-out, whatever the vendor answered;
* a confirmed breach is a track-record finding rated by its size and date like an answered one
  (:func:`~vendorcheck.scoring.findings.breach_severity`), at least high when the vendor answered that it had
  no breach in five years (a contradiction: the claim is false, and hiding a breach is worse than having one);
* each mismatch with the vendor's own answer is listed as a contradiction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from vendorcheck.scoring.findings import HIGH, Finding, KnockOut, breach_severity

FIVE_YEARS_DAYS = 5 * 365 + 1
EXCLUSION_CONTROLS = ("OIG LEIE", "HHS 42 CFR 1001.1901", "HHS 42 CFR 1003.200", "GSA SAM exclusions")
BREACH_CONTROLS = ("HIPAA 164.408", "HHS breach portal")
ASK_BREACH = "Ask the vendor what happened and what it fixed; ask for the forensic summary."
ASK_HIDDEN = "Ask the vendor what happened, what it fixed, and why its answer left it out."


@dataclass(frozen=True)
class Exclusion:
    """A confirmed exclusion of the company or a principal."""

    list_label: str  # "OIG LEIE 2026-11-01"
    who: str  # "the company" or "Dana Whitlock (principal)"
    listed_on: date | None
    ends_on: date | None  # reinstatement or termination
    record_active: bool = True
    type: str | None = None

    def in_force(self, today: date) -> bool:
        """Still excluded on ``today``."""
        return self.record_active and (self.ends_on is None or self.ends_on > today)


@dataclass(frozen=True)
class Breach:
    """A confirmed breach report on the HHS OCR portal."""

    list_label: str
    entity: str  # the covered entity that reported it
    submitted_on: date
    affected: int | None
    type: str | None = None


@dataclass(frozen=True)
class PublicRecord:
    """What screening confirmed about a vendor (empty: nothing confirmed, or never screened)."""

    exclusions: tuple[Exclusion, ...] = ()
    breaches: tuple[Breach, ...] = ()


NO_RECORD = PublicRecord()


def exclusion_knockout(record: PublicRecord, answers: Mapping[str, Any], today: date) -> KnockOut | None:
    """The disqualifying knock-out a confirmed exclusion in force makes (None without one)."""
    active = [e for e in record.exclusions if e.in_force(today)]
    if not active:
        return None
    first = active[0]
    since = f" since {first.listed_on.isoformat()}" if first.listed_on else ""
    answer = f"Confirmed on {first.list_label}: {first.who} excluded{since}"
    if len(active) > 1:
        answer += f" (and {len(active) - 1} more)"
    return KnockOut(
        "company_excluded",
        "Is the company, or an owner, officer or managing employee, excluded from federal health care programs?",
        answer,
        "A confirmed public-list match: the company or a principal is excluded, so the practice would risk civil "
        "money penalties on every claim it handles.",
        EXCLUSION_CONTROLS,
        "disqualifying",
    )


def breach_findings(record: PublicRecord, answers: Mapping[str, Any], today: date) -> list[Finding]:
    """A track-record finding per confirmed breach, worst first."""
    denied = answers.get("breaches_last_5_years") == "no"
    found = []
    for breach in record.breaches:
        level = breach_severity(
            {"breach_individuals": breach.affected, "breach_date": breach.submitted_on.isoformat()}, {}, today
        )
        recent = (today - breach.submitted_on).days <= FIVE_YEARS_DAYS
        contradiction = denied and recent
        if contradiction:
            level = max(level, HIGH)
        size = f"{breach.affected:,} individuals" if breach.affected is not None else "size not reported"
        kind = breach.type or "type not given"
        why = f"Reported by {breach.entity} on {breach.submitted_on.isoformat()} ({size}; {kind})."
        if contradiction:
            why += " The vendor answered that it had no breach in the last five years: a contradiction."
        found.append(
            Finding(
                "breaches_last_5_years", f"Breach on the {breach.list_label}.", "track_record", level,
                "Confirmed public record", why, ASK_HIDDEN if contradiction else ASK_BREACH,
                BREACH_CONTROLS, 0.0, True,
            )
        )  # fmt: skip
    return sorted(found, key=lambda f: -f.level)


def contradictions(record: PublicRecord, answers: Mapping[str, Any], today: date) -> tuple[str, ...]:
    """Where the public record contradicts the vendor's own answers, in plain words."""
    out = []
    if answers.get("company_excluded") == "no" and any(e.in_force(today) for e in record.exclusions):
        out.append(
            "The vendor answered that neither it nor its principals are excluded; a confirmed list match says"
            " otherwise."
        )
    if answers.get("breaches_last_5_years") == "no" and any(
        (today - b.submitted_on).days <= FIVE_YEARS_DAYS for b in record.breaches
    ):
        out.append("The vendor answered that it had no breach in five years; the HHS breach portal shows one.")
    return tuple(out)
