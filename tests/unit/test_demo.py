"""The demo data: realistic, complete and never duplicated."""

from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vendorcheck import demo
from vendorcheck.models import AuditEvent, Organization, Role, User, Vendor
from vendorcheck.web import database


def _counts(dbs: Session) -> tuple[int, ...]:
    return tuple(dbs.scalar(select(func.count()).select_from(m)) for m in (Organization, User, Vendor, AuditEvent))


def test_seed_creates_a_user_per_role_and_four_distinct_vendors(dbs: Session, tmp_path: Path) -> None:
    logins = demo.seed(dbs, demo.load_or_create_credentials(tmp_path))
    dbs.commit()
    assert {login.role for login in logins} == set(Role)
    vendors = dbs.scalars(select(Vendor)).all()
    assert len(vendors) == 4
    profiles = {(v.phi_volume, v.offshore, v.uses_subcontractors, v.stores_phi) for v in vendors}
    assert len(profiles) >= 3, "demo vendors should differ where inherent risk differs"
    assert all(v.contacts for v in vendors)


def test_seeding_twice_duplicates_nothing(dbs: Session, tmp_path: Path) -> None:
    passwords = demo.load_or_create_credentials(tmp_path)
    demo.seed(dbs, passwords)
    dbs.commit()
    before = _counts(dbs)
    demo.seed(dbs, demo.load_or_create_credentials(tmp_path))
    dbs.commit()
    assert _counts(dbs) == before


def test_credentials_are_kept_private_and_stable(tmp_path: Path) -> None:
    first = demo.load_or_create_credentials(tmp_path)
    assert demo.load_or_create_credentials(tmp_path) == first
    assert (tmp_path / demo.CREDENTIALS_FILE).stat().st_mode & 0o777 == 0o600


def test_demo_evidence_is_real_encrypted_pdfs_and_not_duplicated(app, dbs) -> None:
    from sqlalchemy import func, select

    from vendorcheck import db, evidence
    from vendorcheck.models import Evidence, EvidenceReview, EvidenceVersion

    demo.seed(dbs, demo.load_or_create_credentials(app.extensions["vendorcheck.vault"].blobs.root.parent))
    dbs.commit()
    vault = app.extensions["vendorcheck.vault"]

    def transaction():
        return db.transaction(database.engine(app))

    added = demo.seed_evidence(transaction, vault, demo.ORGANIZATION, demo.DEMO_ACTOR)
    assert added == len(demo.DOCUMENTS)
    assert demo.seed_evidence(transaction, vault, demo.ORGANIZATION, demo.DEMO_ACTOR) == 0
    dbs.rollback()
    assert dbs.scalar(select(func.count()).select_from(Evidence)) == len(demo.DOCUMENTS)
    states = set(dbs.scalars(select(Evidence.review_state)))
    assert states == {EvidenceReview.ACCEPTED, EvidenceReview.REJECTED, EvidenceReview.PENDING}
    for version in dbs.scalars(select(EvidenceVersion)):
        data = b"".join(evidence.open_version(vault, version))
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
        assert version.content_type == "application/pdf"


def test_demo_vendors_answer_differently_and_stand_at_different_stages(app, dbs: Session, tmp_path: Path) -> None:
    from vendorcheck import assessments, db
    from vendorcheck.models import Assessment, AssessmentStatus

    demo.seed(dbs, demo.load_or_create_credentials(tmp_path))
    dbs.commit()
    vault = app.extensions["vendorcheck.vault"]
    demo.seed_evidence(lambda: db.transaction(database.engine(app)), vault, demo.ORGANIZATION, demo.DEMO_ACTOR)
    dbs.rollback()
    library = app.extensions["vendorcheck.questionnaires"]
    assert demo.seed_answers(dbs, demo.ORGANIZATION, library, demo.DEMO_ACTOR) == 4
    dbs.commit()
    assert demo.seed_answers(dbs, demo.ORGANIZATION, library, demo.DEMO_ACTOR) == 0  # never duplicated
    by_vendor = {a.vendor.name: a for a in dbs.scalars(select(Assessment))}
    statuses = {name: a.status for name, a in by_vendor.items()}
    assert statuses["ClearPath Medical Billing"] == AssessmentStatus.COMPLETED
    assert statuses["BlueHarbor Claims Co."] == AssessmentStatus.SUBMITTED
    assert statuses["Apex RCM Solutions"] == AssessmentStatus.IN_PROGRESS
    values = {name: assessments.sheet_of(dbs, a).values() for name, a in by_vendor.items()}
    assert values["ClearPath Medical Billing"]["denial_rate"] != values["BlueHarbor Claims Co."]["denial_rate"]
    assert values["BlueHarbor Claims Co."]["mfa_admin"] == "no"
    assert "soc2_report_type" not in values["BlueHarbor Claims Co."]  # no report: its follow-ups are hidden


def test_seed_all_over_the_demo_adds_nothing_and_signs_the_chains_it_wrote(app, dbs: Session, demo_data) -> None:
    from vendorcheck import audit, signing
    from vendorcheck.models import AuditCheckpoint

    home = app.config["VENDORCHECK_SETTINGS"].home
    signing.create_signing_key(home)
    before = _counts(dbs)
    report = demo.seed_all(
        database.engine(app),
        app.extensions["vendorcheck.vault"],
        app.extensions["vendorcheck.questionnaires"],
        demo.load_or_create_credentials(home),
        signing.load_signer(home),
    )
    assert (report.documents_added, report.assessments_created) == (0, 0)
    assert {login.email for login in report.logins} == {email for _, email, _ in demo.USERS}
    dbs.rollback()
    assert _counts(dbs) == before
    assert audit.chains_waiting(dbs) == []
    assert dbs.scalar(select(func.count()).select_from(AuditCheckpoint)) == len(audit.chains(dbs))


def test_demo_vendors_are_made_by_the_vendor_service(dbs: Session, tmp_path: Path) -> None:
    """One audit action for a new vendor, whoever makes it (the demo once wrote its own, "vendor.create")."""
    demo.seed(dbs, demo.load_or_create_credentials(tmp_path))
    dbs.commit()
    actions = [e.action for e in dbs.scalars(select(AuditEvent).where(AuditEvent.target_type == "vendor"))]
    assert actions == ["vendor.created"] * len(demo.VENDORS)
    statuses = {v.name: v.status for v in dbs.scalars(select(Vendor))}
    assert statuses["Apex RCM Solutions"].value == "prospect" and statuses["ClearPath Medical Billing"] == "shortlisted"


def test_demo_documents_are_filed_as_a_user_would_and_prove_by_their_kind(app, dbs: Session, demo_data) -> None:
    """Each demo document names only the question a user would tick (its own evidence slot), never whole domains;
    what it proves beyond that comes from its kind, as for any user's document (issue 17)."""
    from vendorcheck import assessments
    from vendorcheck.demo import lifecycle
    from vendorcheck.models import Assessment, Evidence, EvidenceKind
    from vendorcheck.scoring.economics import BENCHMARKS
    from vendorcheck.web.evidence.forms import question_groups

    library = app.extensions["vendorcheck.questionnaires"]
    offered = {qid for _, items in question_groups(library) for qid, _ in items}
    slots = {q.id: q.evidence.kind for qn in library.values() for q in qn.questions if q.evidence is not None}
    items = dbs.scalars(select(Evidence)).all()
    assert len(items) == len(demo.DOCUMENTS) + len(lifecycle.documents(date.today()))  # the lifecycle story's too
    for item in items:
        assert set(item.question_ids) <= offered, item.title
        if item.kind == EvidenceKind.OTHER and len(item.question_ids) > 1:
            # A sample monthly report: the user ticks the performance figures it shows (issue 18), nothing else.
            assert set(item.question_ids) <= {b.key for b in BENCHMARKS}, item.title
            continue
        assert len(item.question_ids) == 1 and slots[item.question_ids[0]] == item.kind.value, item.title
    # The SOC 2 report the practice filed under the upload question answers it in the vendor's questionnaire.
    clearpath = next(a for a in dbs.scalars(select(Assessment)) if a.vendor.name == "ClearPath Medical Billing")
    sheet = assessments.sheet_of(dbs, clearpath)
    assert sheet.is_answered(sheet.question("soc2_report_upload"))
    assert [e.title for e in sheet.evidence["soc2_report_upload"]] == ["SOC 2 Type II report, period ending June 2026"]
