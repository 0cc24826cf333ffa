"""Demo assessments: each demo vendor answers the questionnaires differently, so comparisons mean something.

Answers are generated from a per-vendor "strength" (0 weak .. 1 strong) plus a few deliberate, named weak
spots, deterministically: the same demo every time. They go through the assessment service like real ones
(pinned versions, audit events), and the vendors end up in different states of the review.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import assessments
from vendorcheck.assessments import Entry
from vendorcheck.audit import Actor
from vendorcheck.models import Assessment, Organization, Vendor
from vendorcheck.questionnaire.model import Question, Questionnaire

QUESTIONNAIRES = ("hipaa-security", "soc2-review", "billing-vendor")

# What every demo vendor answers alike: none is excluded from federal programs and all will report breaches
# (answers left to the strength would make a weak vendor "do not use" on a coin toss, not by design).
SHARED = {"company_excluded": "no", "baa_breach_reporting": "yes"}

# vendor -> (strength, answers that differ from what the strength gives, how far the review got)
PROFILES: dict[str, tuple[float, dict[str, Any], str]] = {
    "ClearPath Medical Billing": (
        0.95,
        {"offshore_phi": "no", "uses_subcontractors": "yes", "clean_claim_rate": 97, "denial_rate": 4},
        "completed",
    ),
    "Summit Revenue Partners": (
        0.75,
        {
            "offshore_phi": "yes",
            "mfa_remote": "partial",
            "soc2_has_report": "yes",
            "soc2_report_type": "type_1",
            "denial_rate": 7,
        },
        "submitted",
    ),
    "BlueHarbor Claims Co.": (
        0.45,
        {"soc2_has_report": "no", "mfa_admin": "no", "baa_breach_notice_days": 45, "denial_rate": 11},
        "submitted",
    ),
    "Apex RCM Solutions": (0.6, {"tls_minimum": "tls_1_2", "pricing_model": "per_claim"}, "in_progress"),
}


def _jitter(seed: str, question: Question) -> float:
    """A fixed number in -0.3..0.3 per vendor and question, so a vendor is not equally good at everything."""
    digest = hashlib.sha256(f"{seed}/{question.id}".encode()).digest()
    return (int.from_bytes(digest[:4], "big") / 2**32 - 0.5) * 0.6


def _pick(question: Question, strength: float, today: date, seed: str = "") -> Any:
    if question.type in ("yes_no", "yes_no_partial", "single_choice", "multi_choice"):
        target = strength + _jitter(seed, question)
        best = min(question.options, key=lambda c: (abs(c.score - target), -c.score)).value
        return [best] if question.type == "multi_choice" else best
    if question.type in ("number", "percent"):
        if question.thresholds is None:
            return 1200 if question.unit == "USD" else 3
        t = question.thresholds
        value = t.poor + (t.good - t.poor) * min(1.0, strength + 0.1)
        return round(value, 1) if abs(t.good - t.poor) < 50 else round(value)
    if question.type == "date":
        return (today - timedelta(days=int(400 * (1 - strength)) + 30)).isoformat()
    if question.type == "text":
        return "Described in the attached policy; happy to walk you through it on a call."
    return None


def answers_for(
    questionnaire: Questionnaire, strength: float, fixed: Mapping[str, Any], today: date, seed: str = ""
) -> dict[str, Any]:
    """A full set of answers to the questions that end up visible, in order."""
    chosen: dict[str, Any] = {}
    for question in questionnaire.questions:
        visible = question.when is None or question.when.evaluate(chosen)
        if not visible or question.type == "evidence":
            continue
        chosen[question.id] = fixed.get(question.id, _pick(question, strength, today, seed))
    return chosen


def _raw(value: Any) -> str | list[str]:
    return [str(v) for v in value] if isinstance(value, list) else str(value)


def seed_answers(session: Session, org_name: str, library: Mapping[str, Questionnaire], actor: Actor) -> int:
    """Create and answer the demo assessments the vendors do not have yet; returns how many were created."""
    org = session.scalars(select(Organization).where(Organization.name == org_name)).one()
    created = 0
    today = date.today()
    for vendor in session.scalars(select(Vendor).where(Vendor.org_id == org.id).order_by(Vendor.id)):
        if vendor.name not in PROFILES or session.scalar(select(Assessment).where(Assessment.vendor_id == vendor.id)):
            continue
        strength, own, stage = PROFILES[vendor.name]
        fixed = SHARED | own
        chosen = [library[key] for key in QUESTIONNAIRES if key in library]
        assessment = assessments.create(
            session, actor, vendor, chosen, due_date=today + timedelta(days=21), contact_email="security@vendor.example"
        )
        assessments.issue_link(session, actor, assessment)
        vendor_actor = assessments.vendor_actor(assessment)
        sheet = assessments.sheet_of(session, assessment)
        entries: dict[str, Entry] = {}
        for questionnaire in chosen:
            for qid, value in answers_for(questionnaire, strength, fixed, today, vendor.name).items():
                entries[qid] = Entry(raw=_raw(value))
        if stage == "in_progress":
            entries = dict(list(entries.items())[: len(entries) // 2])
        result = assessments.save(session, vendor_actor, sheet, entries)
        if result.errors:
            raise ValueError(f"demo answers for {vendor.name} do not fit the questionnaires: {result.errors}")
        if stage != "in_progress":
            missing = assessments.submit(session, vendor_actor, assessments.sheet_of(session, assessment))
            if missing:
                raise ValueError(f"demo answers for {vendor.name} leave questions open: {[q.id for q in missing]}")
        if stage == "completed":
            sheet = assessments.sheet_of(session, assessment)
            for question in sheet.visible():
                assessments.review(session, actor, sheet, question.id, "accept")
            assessments.complete(session, actor, sheet)
        created += 1
    return created
