"""Ending a vendor: a checklist whose steps are each done, noted and audited; the vendor ends with the last.

No Flask. Starting makes the vendor *offboarding* (``offboarding.started``); each step done is recorded
(``offboarding.step_done``); when every step is done the vendor is *ended* (``offboarding.ended``). The return or
destruction of patient information (164.504(e)(2)(ii)(J)) is done only with its certificate filed as evidence,
and the obligations of the BAA that survive termination only with a note saying what they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.audit import Actor, actions
from vendorcheck.contracts.agreements import ContractError, has_control
from vendorcheck.models import Evidence, Offboarding, OffboardingStep, Vendor, VendorStatus, utcnow

MAX_AHEAD_DAYS = 366
DEFAULT_DAYS = 30  # the form's proposed target: a month to wind down


@dataclass(frozen=True)
class Step:
    """One step of the checklist, in plain words, and what it needs to be done."""

    key: str
    title: str
    help: str
    needs_evidence: bool = False  # a document filed as evidence (the certificate)
    needs_note: bool = False
    citation: str = ""


STEPS: tuple[Step, ...] = (
    Step("access_revoked", "Access revoked",
         "The vendor's accounts, remote access, EHR logins and shared folders are closed."),
    Step("phi_returned_or_destroyed", "Patient information returned or destroyed",
         "The vendor returned or destroyed all patient information; its certificate is filed as evidence.",
         needs_evidence=True, citation="HIPAA 164.504(e)(2)(ii)(J)"),
    Step("final_export_received", "Final data export received",
         "The practice has its data back in the format the agreement names, and checked it opens."),
    Step("ar_runout_arranged", "A/R run-out arranged",
         "Claims already submitted are worked to the end: by the vendor for an agreed period, or by the practice."),
    Step("surviving_obligations_noted", "Surviving BAA obligations noted",
         "What the BAA still requires after termination (protection of anything kept, reporting), and until when.",
         needs_note=True, citation="HIPAA 164.504(e)(2)(ii)(J)"),
)  # fmt: skip
BY_KEY = {step.key: step for step in STEPS}
CANNOT_START = (VendorStatus.OFFBOARDING, VendorStatus.ENDED)


def of_vendor(session: Session, vendor_id: int) -> Offboarding | None:
    """The vendor's offboarding, if one was started."""
    return session.scalar(select(Offboarding).where(Offboarding.vendor_id == vendor_id))


def start(
    session: Session, actor: Actor, vendor: Vendor, reason: str, due_on: date | None, today: date | None = None
) -> Offboarding:
    """Open the checklist and make the vendor offboarding (ContractError naming the field if refused)."""
    today = today or date.today()
    problems = []
    if vendor.status in CANNOT_START or of_vendor(session, vendor.id) is not None:
        problems.append(("vendor", f"{vendor.name} is already {vendor.status.value}"))
    reason = (reason or "").strip()
    if has_control(reason):
        problems.append(("reason", "the reason holds a control character: type it again"))
    elif not reason:
        problems.append(("reason", "say in a sentence why the practice is ending this vendor"))
    elif len(reason) > 2000:
        problems.append(("reason", "keep the reason under 2,000 characters"))
    if due_on is None:
        problems.append(("due_on", "give the date every step should be done by"))
    elif due_on < today:
        problems.append(("due_on", f"{due_on.isoformat()} is in the past: give a date from today"))
    elif due_on > today + timedelta(days=MAX_AHEAD_DAYS):
        problems.append(("due_on", f"{due_on.isoformat()} is more than a year ahead"))
    if problems:
        raise ContractError(problems)
    assert due_on is not None
    previous = vendor.status
    offboarding = Offboarding(
        org_id=vendor.org_id, vendor_id=vendor.id, reason=reason, due_on=due_on, previous_status=previous.value,
        started_by=actor.label[:200],
        steps=[OffboardingStep(step=step.key, position=index) for index, step in enumerate(STEPS)],
    )  # fmt: skip
    session.add(offboarding)
    vendor.status = VendorStatus.OFFBOARDING
    session.flush()
    audit.record(
        session, actions.OFFBOARDING_STARTED, actor, org_id=vendor.org_id, vendor_id=vendor.id,
        target_type="vendor", target_id=vendor.id,
        details={
            "reason": reason, "due_on": due_on.isoformat(), "status": {"from": previous.value, "to": "offboarding"}
        },
    )  # fmt: skip
    return offboarding


def complete_step(
    session: Session, actor: Actor, offboarding: Offboarding, key: str, note: str = "", evidence_id: int | None = None
) -> bool:
    """Mark a step done (ContractError naming the field if refused); True when it was the last and the vendor ended."""
    step = BY_KEY.get(key)
    row = next((s for s in offboarding.steps if s.step == key), None)
    if step is None or row is None:
        raise ContractError([("step", f"there is no step {key!r} on the checklist")])
    problems = []
    if offboarding.ended_at is not None:
        problems.append(("step", "this offboarding is finished"))
    elif row.done_at is not None:
        problems.append(("step", f"{step.title!r} was already done on {row.done_at.date().isoformat()}"))
    note = (note or "").strip()
    if has_control(note):
        problems.append(("note", "the note holds a control character: type it again"))
    elif len(note) > 2000:
        problems.append(("note", "keep the note under 2,000 characters"))
    elif step.needs_note and not note:
        problems.append(("note", f"{step.title}: say what they are and until when"))
    document: Evidence | None = None
    if evidence_id is not None:
        document = Evidence.get_for_org(session, evidence_id, offboarding.org_id)
        if document is None or document.vendor_id != offboarding.vendor_id or not document.versions:
            problems.append(("evidence_id", "choose one of this vendor's documents"))
    elif step.needs_evidence:
        problems.append(("evidence_id", f"{step.title}: file the vendor's certificate as evidence, then choose it"))
    if problems:
        raise ContractError(problems)
    row.done_at = utcnow()
    row.done_by = actor.label[:200]
    row.note = note or None
    row.evidence_id = document.id if document is not None else None
    session.flush()
    vendor = offboarding.vendor
    details: dict[str, Any] = {"step": key, "note": row.note, "evidence_id": row.evidence_id}
    audit.record(
        session, actions.OFFBOARDING_STEP_DONE, actor, org_id=offboarding.org_id, vendor_id=vendor.id,
        target_type="vendor", target_id=vendor.id, details=details,
    )  # fmt: skip
    if any(s.done_at is None for s in offboarding.steps):
        return False
    offboarding.ended_at = utcnow()
    vendor.status = VendorStatus.ENDED
    session.flush()
    audit.record(
        session, actions.OFFBOARDING_ENDED, actor, org_id=offboarding.org_id, vendor_id=vendor.id,
        target_type="vendor", target_id=vendor.id,
        details={"steps": len(offboarding.steps), "status": {"from": "offboarding", "to": "ended"}},
    )  # fmt: skip
    return True


def offboarding_json(offboarding: Offboarding | None) -> dict[str, Any] | None:
    """The offboarding record as the evidence packet holds it (None if the vendor was never offboarded)."""
    if offboarding is None:
        return None
    return {
        "reason": offboarding.reason,
        "due_on": offboarding.due_on.isoformat(),
        "previous_status": offboarding.previous_status,
        "started_at": audit.iso(offboarding.started_at),
        "started_by": offboarding.started_by,
        "ended_at": audit.iso(offboarding.ended_at) if offboarding.ended_at else None,
        "steps": [
            {
                "step": row.step,
                "title": BY_KEY[row.step].title if row.step in BY_KEY else row.step,
                "done_at": audit.iso(row.done_at) if row.done_at else None,
                "done_by": row.done_by,
                "note": row.note,
                "evidence_id": row.evidence_id,
            }
            for row in offboarding.steps
        ],
    }
