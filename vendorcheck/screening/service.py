"""Screening vendors: principals, runs against the newest list versions, confirming or dismissing candidates,
and what the vendor page, the score and the evidence packet show of it. No Flask; every change is audited.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.audit import Actor, actions
from vendorcheck.enums import CandidateStatus, ListSource
from vendorcheck.models import Candidate, ListRow, ListVersion, Principal, Screening, Vendor, utcnow
from vendorcheck.scoring.track import Breach, Exclusion, PublicRecord
from vendorcheck.screening import names
from vendorcheck.screening.formats import LABELS
from vendorcheck.screening.importing import newest_version
from vendorcheck.screening.matching import Matcher, Row, Subject

NOTE_CHARS = 2000
NAME_CHARS = 200


class ScreeningError(ValueError):
    """A screening request that cannot be done as asked; the message says why."""


def list_label(version: ListVersion) -> str:
    """ "OIG LEIE 2026-11-01" """
    return f"{LABELS[version.source]} {version.version_date.isoformat()}"


# Principals


def add_principal(
    session: Session,
    actor: Actor,
    vendor: Vendor,
    name: str,
    title: str = "",
    date_of_birth: date | None = None,
    state: str = "",
) -> Principal:
    """Record an owner, officer or managing employee on ``vendor`` (audited)."""
    name, title, state = (name or "").strip(), (title or "").strip(), (state or "").strip().upper()
    if not name or len(name) > NAME_CHARS or len(names.person_key_of(name).split()) < 2:
        raise ScreeningError(f"give the principal's first and last name (at most {NAME_CHARS} characters)")
    if len(title) > NAME_CHARS:
        raise ScreeningError(f"the title must be at most {NAME_CHARS} characters")
    if state and not (len(state) == 2 and state.isascii() and state.isalpha()):
        raise ScreeningError("the state must be a two-letter USPS code such as OH")
    if date_of_birth is not None and not date(1900, 1, 1) <= date_of_birth <= date.today():
        raise ScreeningError("the date of birth must be between 1900 and today")
    principal = Principal(
        org_id=vendor.org_id, vendor_id=vendor.id, name=name, title=title or None, date_of_birth=date_of_birth,
        state=state or None,
    )  # fmt: skip
    session.add(principal)
    session.flush()
    audit.record(
        session, actions.PRINCIPAL_ADDED, actor, org_id=vendor.org_id, vendor_id=vendor.id,
        target_type="principal", target_id=principal.id,
        details={"name": name, "title": title, "date_of_birth_given": date_of_birth is not None, "state": state},
    )  # fmt: skip
    return principal


def remove_principal(session: Session, actor: Actor, principal: Principal) -> None:
    """Remove a principal (its past candidates stay, naming the person as matched)."""
    audit.record(
        session, actions.PRINCIPAL_REMOVED, actor, org_id=principal.org_id, vendor_id=principal.vendor_id,
        target_type="principal", target_id=principal.id, details={"name": principal.name},
    )  # fmt: skip
    session.delete(principal)
    session.flush()


def subjects_of(vendor: Vendor) -> list[Subject]:
    """The company under each of its names, then each principal."""
    company = Subject("company", vendor.name, tuple(names.company_keys(vendor.name)), None, None, vendor.state,
                      vendor.address)  # fmt: skip
    people = [
        Subject("principal", p.name, (names.person_key_of(p.name),), p.id, p.date_of_birth, p.state)
        for p in vendor.principals
    ]
    return [company, *people]


# Running a screening


def matcher_for(session: Session, version: ListVersion) -> Matcher:
    """The version's rows, only the columns matching reads (a list of ~80,000 rows is a few MB)."""
    rows = session.execute(
        select(
            ListRow.id, ListRow.kind, ListRow.name, ListRow.name_key, ListRow.dob, ListRow.state, ListRow.address,
            ListRow.mentions,
        ).where(ListRow.version_id == version.id)
    )  # fmt: skip
    return Matcher([Row(*r) for r in rows])


def _fingerprint(version: ListVersion, subject: Subject, row: ListRow) -> str:
    """The listed party independent of the version: a later list neither duplicates nor reopens it."""
    who = f"{subject.kind}:{subject.principal_id or ''}"
    what = f"{row.kind}|{row.name_key}|{row.dob}|{row.listed_on}"
    return hashlib.sha256(f"{version.source.value}|{who}|{what}".encode()).hexdigest()


def screen_vendor(
    session: Session, actor: Actor, vendor: Vendor, version: ListVersion, matcher: Matcher | None = None
) -> Screening:
    """Screen ``vendor`` against ``version``: record the screening and any new candidates (audited)."""
    matcher = matcher or matcher_for(session, version)
    found = matcher.match(subjects_of(vendor))
    screening = Screening(org_id=vendor.org_id, vendor_id=vendor.id, version_id=version.id,
                          screened_by=actor.label[:200], candidates=len(found))  # fmt: skip
    session.add(screening)
    session.flush()
    known = set(session.scalars(select(Candidate.fingerprint).where(Candidate.vendor_id == vendor.id)))
    rows = {r.id: r for r in session.scalars(select(ListRow).where(ListRow.id.in_([m.row.id for m in found])))}
    new = 0
    for match in found:
        row = rows[match.row.id]
        fingerprint = _fingerprint(version, match.subject, row)
        if fingerprint in known:
            continue
        known.add(fingerprint)
        new += 1
        session.add(
            Candidate(
                org_id=vendor.org_id, vendor_id=vendor.id, screening_id=screening.id, row_id=row.id,
                principal_id=match.subject.principal_id, subject=match.subject.label[:200],
                fingerprint=fingerprint, score=round(match.score, 1), reasons=match.reasons,
            )
        )  # fmt: skip
    screening.new_candidates = new
    session.flush()
    audit.record(
        session, actions.SCREENING_RUN, actor, org_id=vendor.org_id, vendor_id=vendor.id,
        target_type="screening", target_id=screening.id,
        details={
            "list": version.source.value, "version_date": version.version_date.isoformat(),
            "sha256": version.sha256, "candidates": len(found), "new_candidates": new,
        },
    )  # fmt: skip
    return screening


def run(
    session: Session, actor: Actor, vendors: Sequence[Vendor], sources: Iterable[ListSource] = tuple(ListSource)
) -> list[Screening]:
    """Screen each vendor against the newest version of each list its organization sees."""
    done: list[Screening] = []
    matchers: dict[int, Matcher] = {}
    for source in sources:
        for vendor in vendors:
            version = newest_version(session, source, vendor.org_id)
            if version is None:
                continue
            if version.id not in matchers:
                matchers[version.id] = matcher_for(session, version)
            done.append(screen_vendor(session, actor, vendor, version, matchers[version.id]))
    return done


def vendors_in_scope(session: Session, org_id: int | None) -> list[Vendor]:
    """The vendors a list version reaches: one organization's, or every one's."""
    query = select(Vendor).order_by(Vendor.id)
    return list(session.scalars(query if org_id is None else query.where(Vendor.org_id == org_id)))


# Confirming and dismissing


def decide(session: Session, actor: Actor, candidate: Candidate, confirm: bool, note: str) -> Candidate:
    """Confirm (with a note) or dismiss (with a reason) an open candidate; audited either way."""
    note = (note or "").strip()
    if not note:
        raise ScreeningError("say in a sentence why" + (" it is a match" if confirm else " it is not a match"))
    if len(note) > NOTE_CHARS:
        raise ScreeningError(f"the note must be at most {NOTE_CHARS} characters")
    if candidate.status != CandidateStatus.OPEN:
        raise ScreeningError(f"candidate {candidate.id} was already {candidate.status.value}")
    candidate.status = CandidateStatus.CONFIRMED if confirm else CandidateStatus.DISMISSED
    candidate.note = note
    candidate.decided_by_id = actor.user_id
    candidate.decided_by_label = actor.label[:200]
    candidate.decided_at = utcnow()
    session.flush()
    version = candidate.row and session.get(ListVersion, candidate.row.version_id)
    audit.record(
        session, actions.SCREENING_CONFIRMED if confirm else actions.SCREENING_DISMISSED, actor,
        org_id=candidate.org_id, vendor_id=candidate.vendor_id, target_type="screening_candidate",
        target_id=candidate.id,
        details={
            "list": version.source.value if version else None, "listed_name": candidate.row.name,
            "subject": candidate.subject, "note": note[:500],
        },
    )  # fmt: skip
    return candidate


def find_candidate(session: Session, candidate_id: int, org_id: int | None = None) -> Candidate:
    """A candidate by id (within ``org_id`` when given); ScreeningError if there is none."""
    found = session.get(Candidate, candidate_id)
    if found is None or (org_id is not None and found.org_id != org_id):
        raise ScreeningError(f"no screening candidate {candidate_id}")
    return found


# What the score, the vendor page and the packet show


def public_record(session: Session, vendor_ids: Sequence[int]) -> dict[int, PublicRecord]:
    """Each vendor's confirmed matches as the engine reads them."""
    confirmed = session.execute(
        select(Candidate, ListRow, ListVersion)
        .join(ListRow, Candidate.row_id == ListRow.id)
        .join(ListVersion, ListRow.version_id == ListVersion.id)
        .where(Candidate.vendor_id.in_(vendor_ids), Candidate.status == CandidateStatus.CONFIRMED)
        .order_by(Candidate.id)
    ).all()
    exclusions: dict[int, list[Exclusion]] = {}
    breaches: dict[int, list[Breach]] = {}
    for candidate, row, version in confirmed:
        label = list_label(version)
        if version.source == ListSource.OCR:
            breaches.setdefault(candidate.vendor_id, []).append(
                Breach(label, row.name, row.listed_on or version.version_date, row.affected, row.type)
            )
        else:
            who = "the company" if candidate.principal_id is None else f"{candidate.subject} (principal)"
            exclusions.setdefault(candidate.vendor_id, []).append(
                Exclusion(label, who, row.listed_on, row.ends_on, row.record_active, row.type)
            )
    return {
        vid: PublicRecord(tuple(exclusions.get(vid, ())), tuple(breaches.get(vid, ())))
        for vid in set(exclusions) | set(breaches)
    }


@dataclass(frozen=True)
class SourceStatus:
    """The vendor's latest screening against one list, for the vendor page."""

    source: ListSource
    label: str
    screening: Screening | None

    @property
    def sentence(self) -> str:
        """ "screened against OIG LEIE 2026-11-01 (sha256 3f2a…) on 2026-11-29: no match" """
        s = self.screening
        if s is None:
            return f"not yet screened against {self.label}"
        result = "no match" if s.candidates == 0 else f"{s.candidates} candidate{'s' if s.candidates != 1 else ''}"
        return (
            f"screened against {list_label(s.version)} (sha256 {s.version.sha256[:12]}…) on "
            f"{s.screened_at.date().isoformat()}: {result}"
        )


def status(session: Session, vendor: Vendor) -> list[SourceStatus]:
    """Per list, the vendor's latest screening."""
    out = []
    for source in ListSource:
        latest = session.scalar(
            select(Screening)
            .join(ListVersion, Screening.version_id == ListVersion.id)
            .where(Screening.vendor_id == vendor.id, ListVersion.source == source)
            .order_by(Screening.id.desc())
            .limit(1)
        )
        out.append(SourceStatus(source, LABELS[source], latest))
    return out


def candidates_of(session: Session, vendor_id: int) -> list[Candidate]:
    """The vendor's candidates: open first, newest first."""
    return sorted(
        session.scalars(select(Candidate).where(Candidate.vendor_id == vendor_id)),
        key=lambda c: (c.status != CandidateStatus.OPEN, -c.id),
    )


def open_counts(session: Session, org_id: int) -> dict[int, int]:
    """Vendor id -> open candidates (the badge on the dashboard and vendor page)."""
    rows = session.execute(
        select(Candidate.vendor_id, func.count())
        .where(Candidate.org_id == org_id, Candidate.status == CandidateStatus.OPEN)
        .group_by(Candidate.vendor_id)
    )
    return {vid: n for vid, n in rows}
