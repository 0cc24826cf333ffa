"""The contract register: agreements with a vendor (BAA, services, data processing), their dates and clause checks.

No Flask. Every change is checked here (each problem names its field) and audited in the caller's transaction
(``agreement.added``, ``agreement.updated``); the web form and the command line only call these functions.
Decisions about dates:

* an agreement may take effect up to a year ahead (a BAA is often signed before the service starts); further
  ahead is refused as a likely typo;
* the term is in months (an end date may be given instead when there is no monthly term); an auto-renewing
  agreement renews for its term, so it needs one; the notice period must be shorter than the term;
* ``ends_on`` is stored: the end of the first term. :func:`term_end` gives the end of the current term of an
  auto-renewing agreement (the date the register, the due list and the reminders use).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from vendorcheck import audit
from vendorcheck.audit import Actor, actions
from vendorcheck.contracts.clauses import Clause, catalogue
from vendorcheck.models import Agreement, AgreementKind, Evidence, EvidenceKind, Vendor, VendorStatus

AHEAD_DAYS = 366  # an agreement may take effect this far ahead
EARLIEST = date(1970, 1, 1)
MAX_TERM_MONTHS = 600
MAX_NOTICE_DAYS = 3650
MAX_REFERENCE = 200
DOCUMENT_KINDS = (EvidenceKind.BAA, EvidenceKind.CONTRACT)
# Vendors whose agreements still run: the due list and reminders read their dates.
ENDED_STATUSES = (VendorStatus.REJECTED, VendorStatus.ARCHIVED, VendorStatus.ENDED)
KIND_WORDS = {
    AgreementKind.BAA: "business associate agreement",
    AgreementKind.SERVICES: "services agreement",
    AgreementKind.DATA_PROCESSING: "data-processing terms",
}


CONTROL = frozenset(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F))


def has_control(text: str | None) -> bool:
    """True if ``text`` holds a control character (PostgreSQL refuses NUL in text; none belongs in a record)."""
    return bool(text) and not CONTROL.isdisjoint(text)  # type: ignore[arg-type]


class ContractError(ValueError):
    """Refused input: each problem names its field (``effective_on``, ``clause:return_or_destroy``...)."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.problems))


@dataclass
class AgreementInput:
    """An agreement as the officer describes it (the service checks every field)."""

    kind: str
    title: str
    effective_on: date | None
    term_months: int | None = None
    ends_on: date | None = None  # only when there is no term in months
    auto_renews: bool = False
    notice_days: int | None = None
    document_id: int | None = None
    terminated_on: date | None = None
    notes: str = ""
    clauses: Mapping[str, str] = field(default_factory=dict)  # clause id -> section or page reference


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months, on the same day or the month's last day (Jan 31 + 1 month = Feb 28/29)."""
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def term_end(agreement: Agreement, today: date) -> date | None:
    """The end of the term running on ``today``: an auto-renewing agreement rolls on by its term."""
    if agreement.ends_on is None:
        return None
    if not agreement.auto_renews or not agreement.term_months or agreement.ends_on >= today:
        return agreement.ends_on
    periods, end = 1, agreement.ends_on
    while end < today:
        periods += 1
        end = add_months(agreement.effective_on, agreement.term_months * periods)
    return end


def notice_by(agreement: Agreement, today: date) -> date | None:
    """The last day to give notice before the current term ends (None without a notice period or an end)."""
    end = term_end(agreement, today)
    if end is None or agreement.notice_days is None:
        return None
    return end - timedelta(days=agreement.notice_days)


def in_force(agreement: Agreement, today: date) -> bool:
    """Not terminated by ``today`` and not past a fixed end (an auto-renewing one keeps running)."""
    if agreement.terminated_on is not None and agreement.terminated_on <= today:
        return False
    end = term_end(agreement, today)
    return end is None or end >= today


def checklist(agreement_kind: AgreementKind) -> list[Clause]:
    """The clauses an agreement of this kind is checked against: required first."""
    return catalogue().for_kind(agreement_kind)


def missing_required(agreement: Agreement) -> list[Clause]:
    """The required clauses the officer has not confirmed on this agreement."""
    return catalogue().missing_required(agreement.kind, agreement.clauses or {})


def _checked_clauses(kind: AgreementKind, given: Mapping[str, str]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The confirmed clauses, each with its reference, and the problems of any."""
    found: dict[str, str] = {}
    problems = []
    by_id = catalogue().by_id
    for clause_id, reference in given.items():
        clause = by_id.get(clause_id)
        if clause is None:
            problems.append((f"clause:{clause_id}", f"there is no clause {clause_id!r} on the checklist"))
        elif not clause.applies(kind):
            problems.append((f"clause:{clause_id}", f"{clause.title!r} is not on the checklist of {KIND_WORDS[kind]}s"))
        elif not (reference or "").strip():
            problems.append((f"clause:{clause_id}", f"{clause.title}: give the section or page that says it"))
        elif has_control(reference):
            problems.append((f"clause:{clause_id}", f"{clause.title}: the reference holds a control character"))
        elif len(reference.strip()) > MAX_REFERENCE:
            problems.append(
                (f"clause:{clause_id}", f"{clause.title}: keep the reference under {MAX_REFERENCE} characters")
            )
        else:
            found[clause_id] = reference.strip()
    return found, problems


def check(session: Session, vendor: Vendor, data: AgreementInput, today: date) -> dict[str, Any]:
    """The agreement's stored values from ``data``; ContractError listing every problem (nothing is written)."""
    problems: list[tuple[str, str]] = []
    try:
        kind = AgreementKind(data.kind)
    except ValueError:
        problems.append(("kind", f"choose one of {', '.join(k.value for k in AgreementKind)}"))
        kind = AgreementKind.BAA
    title = " ".join((data.title or "").split())
    if has_control(title):
        problems.append(("title", "the title holds a control character: type it again"))
    elif not title:
        problems.append(("title", "give the agreement a title, such as 'Business associate agreement 2026'"))
    elif len(title) > 300:
        problems.append(("title", "keep the title under 300 characters"))
    start = data.effective_on
    if start is None:
        problems.append(("effective_on", "give the date the agreement takes effect"))
    elif start < EARLIEST:
        problems.append(("effective_on", f"{start.isoformat()} is before 1970: check the year"))
    elif start > today + timedelta(days=AHEAD_DAYS):
        problems.append(
            ("effective_on", f"{start.isoformat()} is more than a year ahead: record it once the date is known")
        )
    term, end = data.term_months, data.ends_on
    if term is not None and not 1 <= term <= MAX_TERM_MONTHS:
        problems.append(("term_months", f"give the term as a whole number of months from 1 to {MAX_TERM_MONTHS}"))
        term = None
    if start is not None and start >= EARLIEST and not any(p[0] == "effective_on" for p in problems):
        if term is not None:
            computed = add_months(start, term)
            if end is not None and end != computed:
                problems.append(
                    ("ends_on", f"a {term}-month term from {start.isoformat()} ends on {computed.isoformat()}, "
                     f"not {end.isoformat()}: give the term or the end date")
                )  # fmt: skip
            end = computed
        elif end is not None and end <= start:
            problems.append(
                ("ends_on", f"the agreement would end ({end.isoformat()}) before it starts ({start.isoformat()})")
            )
    if data.auto_renews and term is None:
        problems.append(("auto_renews", "an agreement renews for a term: give the term in months"))
    notice = data.notice_days
    if notice is not None:
        if not 0 <= notice <= MAX_NOTICE_DAYS:
            problems.append(("notice_days", f"give the notice period in days, from 0 to {MAX_NOTICE_DAYS}"))
        elif end is None:
            problems.append(("notice_days", "a notice period needs a term or an end date to count back from"))
        elif start is not None and notice >= (end - start).days:
            problems.append(
                ("notice_days", f"the notice period ({notice} days) is not shorter than the term "
                 f"({(end - start).days} days)")
            )  # fmt: skip
    if data.terminated_on is not None and start is not None and data.terminated_on < start:
        problems.append(
            ("terminated_on", f"the agreement cannot end ({data.terminated_on.isoformat()}) before it takes effect")
        )
    if data.document_id is not None:
        document = Evidence.get_for_org(session, data.document_id, vendor.org_id)
        if document is None or document.vendor_id != vendor.id:
            problems.append(("document_id", "choose one of this vendor's documents"))
        elif document.kind not in DOCUMENT_KINDS:
            problems.append(("document_id", "the signed document must be filed as a BAA or a contract"))
        elif not document.versions:
            problems.append(("document_id", "that document's upload never completed: upload it again"))
    notes = (data.notes or "").strip()
    if has_control(notes):
        problems.append(("notes", "the notes hold a control character: type them again"))
    elif len(notes) > 5000:
        problems.append(("notes", "keep the notes under 5,000 characters"))
    clauses, clause_problems = _checked_clauses(kind, data.clauses)
    problems += clause_problems
    if problems:
        raise ContractError(problems)
    return {
        "kind": kind, "title": title, "effective_on": start, "term_months": term, "ends_on": end,
        "auto_renews": bool(data.auto_renews), "notice_days": notice, "document_id": data.document_id,
        "terminated_on": data.terminated_on, "notes": notes or None, "clauses": clauses,
    }  # fmt: skip


def _plain(value: Any) -> Any:
    """A stored value as the audit trail's JSON holds it."""
    return value.isoformat() if isinstance(value, date) else getattr(value, "value", value)


def add(session: Session, actor: Actor, vendor: Vendor, data: AgreementInput, today: date | None = None) -> Agreement:
    """Record an agreement with the vendor (ContractError and nothing stored if any field is refused)."""
    values = check(session, vendor, data, today or date.today())
    agreement = Agreement(org_id=vendor.org_id, vendor_id=vendor.id, clauses_version=catalogue().version, **values)
    session.add(agreement)
    session.flush()
    details = {key: _plain(value) for key, value in values.items() if key not in ("clauses", "notes")}
    details["clauses"] = sorted(values["clauses"])
    details["missing_required"] = [c.id for c in missing_required(agreement)]
    audit.record(
        session, actions.AGREEMENT_ADDED, actor, org_id=vendor.org_id, vendor_id=vendor.id,
        target_type="agreement", target_id=agreement.id, details=details,
    )  # fmt: skip
    return agreement


def update(
    session: Session, actor: Actor, agreement: Agreement, data: AgreementInput, today: date | None = None
) -> list[str]:
    """Change an agreement; returns the fields changed (audited with before and after; none: nothing recorded)."""
    values = check(session, agreement.vendor, data, today or date.today())
    changed = {key: value for key, value in values.items() if getattr(agreement, key) != value}
    if not changed:
        return []
    details: dict[str, Any] = {
        "changes": {
            key: {"from": _plain(getattr(agreement, key)), "to": _plain(value)}
            for key, value in changed.items()
            if key != "clauses"
        }
    }
    if "clauses" in changed:
        before, after = agreement.clauses or {}, changed["clauses"]
        details["clauses_confirmed"] = sorted(set(after) - set(before))
        details["clauses_withdrawn"] = sorted(set(before) - set(after))
        details["references_changed"] = sorted(k for k in set(after) & set(before) if after[k] != before[k])
        agreement.clauses_version = catalogue().version
    for key, value in changed.items():
        setattr(agreement, key, value)
    session.flush()
    details["missing_required"] = [c.id for c in missing_required(agreement)]
    audit.record(
        session, actions.AGREEMENT_UPDATED, actor, org_id=agreement.org_id, vendor_id=agreement.vendor_id,
        target_type="agreement", target_id=agreement.id, details=details,
    )  # fmt: skip
    return list(changed)


def agreements_of(session: Session, vendor_ids: Sequence[int]) -> dict[int, list[Agreement]]:
    """The agreements of these vendors, by vendor, oldest first."""
    found: dict[int, list[Agreement]] = {}
    if not vendor_ids:
        return found
    for agreement in session.scalars(
        select(Agreement).where(Agreement.vendor_id.in_(vendor_ids)).order_by(Agreement.effective_on, Agreement.id)
    ):
        found.setdefault(agreement.vendor_id, []).append(agreement)
    return found


@dataclass(frozen=True)
class RegisterRow:
    """One agreement as the register lists it: its dates today and what its checklist lacks."""

    agreement: Agreement
    vendor: Vendor
    current_end: date | None
    notice_by: date | None
    in_force: bool
    missing_required: tuple[Clause, ...]
    missing_recommended: tuple[Clause, ...]


def register(session: Session, org_id: int | None, today: date | None = None) -> list[RegisterRow]:
    """Every agreement of the organization (None: of every organization, for the command line), by vendor name,
    with its current end, notice date and missing clauses."""
    today = today or date.today()
    query = select(Agreement).join(Vendor, Vendor.id == Agreement.vendor_id)
    if org_id is not None:
        query = query.where(Agreement.org_id == org_id)
    query = query.options(selectinload(Agreement.vendor).selectinload(Vendor.organization))
    rows = session.scalars(query.order_by(Agreement.org_id, Vendor.name, Agreement.effective_on, Agreement.id))
    return [row_of(agreement, today) for agreement in rows]


def row_of(agreement: Agreement, today: date) -> RegisterRow:
    """One agreement's register row."""
    confirmed = agreement.clauses or {}
    recommended = tuple(c for c in checklist(agreement.kind) if not c.required and c.id not in confirmed)
    return RegisterRow(
        agreement, agreement.vendor, term_end(agreement, today), notice_by(agreement, today),
        in_force(agreement, today), tuple(missing_required(agreement)), recommended,
    )  # fmt: skip


def register_json(rows: Sequence[RegisterRow], today: date) -> dict[str, Any]:
    """The register in the stable ``vendorcheck-contracts/1`` form (docs/cli.md)."""
    return {
        "format": "vendorcheck-contracts/1",
        "today": today.isoformat(),
        "agreements": [agreement_json(row) for row in rows],
    }


def agreement_json(row: RegisterRow) -> dict[str, Any]:
    """One agreement with its clause checks, as the register's JSON and the evidence packet hold it."""
    a = row.agreement
    confirmed = a.clauses or {}
    return {
        "id": a.id,
        "organization": row.vendor.organization.name,
        "vendor": {"id": row.vendor.id, "name": row.vendor.name, "status": row.vendor.status.value},
        "kind": a.kind.value,
        "title": a.title,
        "effective_on": a.effective_on.isoformat(),
        "term_months": a.term_months,
        "auto_renews": a.auto_renews,
        "notice_days": a.notice_days,
        "ends_on": _plain(a.ends_on),
        "current_term_ends_on": _plain(row.current_end),
        "notice_by": _plain(row.notice_by),
        "terminated_on": _plain(a.terminated_on),
        "in_force": row.in_force,
        "document_id": a.document_id,
        "clauses_version": a.clauses_version,
        "clauses": [
            {
                "id": c.id,
                "title": c.title,
                "required": c.required,
                "citations": list(c.citations),
                "present": c.id in confirmed,
                "reference": confirmed.get(c.id),
            }
            for c in checklist(a.kind)
        ],
        "missing_required": [c.id for c in row.missing_required],
    }
