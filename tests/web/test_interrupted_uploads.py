"""An upload cut off mid-way (kill -9) is never listed or counted, and the running app clears it away by itself."""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.helpers import Auth, World
from tests.web.test_assessments import create_and_send, vendor_post
from tests.web.test_evidence import blobs, pdf, upload
from vendorcheck import assessments, create_app, db, evidence, scores
from vendorcheck.audit import Actor
from vendorcheck.evidence import EvidenceDetails
from vendorcheck.evidence.housekeeping import HousekeepingScheduler
from vendorcheck.models import (
    ActorKind,
    Assessment,
    AssessmentStatus,
    AuditEvent,
    Evidence,
    EvidenceKind,
    EvidenceVersion,
    Role,
    Vendor,
    utcnow,
)
from vendorcheck.web import database

PHANTOM = "Phantom SOC 2 report"


def interrupt(app: Flask, dbs: Session, vendor: Vendor, **kwargs: object) -> EvidenceVersion:
    """What kill -9 leaves after step 2 of an upload: a started version row and a half-written encrypted blob."""
    version = evidence.start_upload(dbs, Actor.cli("tests"), vendor, "soc2.pdf", **kwargs)  # type: ignore[arg-type]
    dbs.commit()
    store = app.extensions["vendorcheck.vault"].blobs
    partial = store._path(version.blob_name).with_name(version.blob_name + ".partial")
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(os.urandom(3000))
    return version


def age(dbs: Session, app: Flask, hours: float) -> None:
    """Make every unfinished upload (row and partial blob) ``hours`` old."""
    dbs.execute(
        update(EvidenceVersion)
        .where(EvidenceVersion.complete.is_(False))
        .values(created_at=utcnow() - timedelta(hours=hours))
    )
    dbs.commit()
    then = time.time() - hours * 3600
    for path in blobs(app):
        if path.name.endswith(".partial"):
            os.utime(path, (then, then))


@pytest.fixture
def interrupted(app: Flask, client: FlaskClient, auth: Auth, dbs: Session, world: World, vendor: Vendor):
    """One complete document (with an interrupted second version) and an interrupted first upload in a slot."""
    assessment_id, link = create_and_send(client, auth, world, vendor, "soc2-review")
    vendor_post(app.test_client(), link, 1, {"q-soc2_has_report": "yes"})
    assert upload(client, vendor, pdf("complete"), title="Signed BAA").status_code == 302
    dbs.rollback()
    complete = dbs.scalars(select(Evidence)).one()
    interrupt(app, dbs, vendor, evidence=complete)
    details = EvidenceDetails(EvidenceKind.SOC2_REPORT, PHANTOM, ["soc2_report_upload"], assessment_id=assessment_id)
    phantom = interrupt(app, dbs, vendor, details=details).evidence
    return complete, phantom, assessment_id, link


def test_an_interrupted_upload_is_never_listed_or_counted(
    app: Flask, client: FlaskClient, dbs: Session, vendor: Vendor, interrupted
) -> None:
    complete, phantom, assessment_id, link = interrupted
    # The vendor page lists the complete document only; the unfinished one does not "await review".
    page = client.get(f"/vendors/{vendor.id}").get_data(as_text=True)
    assert "Signed BAA" in page and PHANTOM not in page
    assert client.get(f"/evidence/{phantom.id}").status_code == 404
    # The complete document shows its one complete file; the unfinished second version is neither shown nor served.
    page = client.get(f"/evidence/{complete.id}").get_data(as_text=True)
    assert "versions/1/download" in page and "versions/2/download" not in page
    assert client.get(f"/evidence/{complete.id}/versions/2/download").status_code == 404
    # The assessment, the vendor's slot and the progress see no document under the question.
    assert PHANTOM not in client.get(f"/assessments/{assessment_id}").get_data(as_text=True)
    assert "Received:" not in app.test_client().get(f"{link}/s/1").get_data(as_text=True)
    dbs.rollback()
    assessment = dbs.get(Assessment, assessment_id)
    form = assessments.sheet_of(dbs, assessment)
    assert form.evidence == {} and not form.is_answered(form.question("soc2_report_upload"))
    # Relationships and queries agree: one document received, with one version, and nothing for scoring to count.
    found = dbs.get(Vendor, vendor.id)
    assert [e.title for e in found.evidence] == ["Signed BAA"]
    assert [v.version_no for v in dbs.get(Evidence, complete.id).versions] == [1]
    assert dbs.scalar(select(func.count()).select_from(Evidence).where(Evidence.received())) == 1
    assessment.status = AssessmentStatus.SUBMITTED
    dbs.commit()
    [scored] = scores.score_vendors(dbs, [found], scores.current_profile(dbs, found.org_id))
    assert scored.score is not None and scored.score.evidence.get("pending", 0) == 0


def test_the_housekeeping_tick_removes_old_leftovers_and_audits_it(
    app: Flask, dbs: Session, vendor: Vendor, interrupted
) -> None:
    complete, phantom, _, _ = interrupted
    scheduler: HousekeepingScheduler = app.extensions["vendorcheck.housekeeping"]
    assert scheduler.run_once() == []  # young: the uploads may still be running, so they stay
    assert len([p for p in blobs(app) if p.name.endswith(".partial")]) == 2
    age(dbs, app, hours=7)
    removed = scheduler.run_once()
    assert len(removed) == 4  # two unfinished rows, two partial blobs
    dbs.rollback()
    dbs.expunge_all()
    assert dbs.get(Evidence, phantom.id) is None  # the item had no other version
    assert [v.version_no for v in dbs.get(Evidence, complete.id).uploads] == [1]
    assert [p.name for p in blobs(app)] == [dbs.get(Evidence, complete.id).versions[0].blob_name]
    [event] = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.swept")).all()
    assert event.actor_kind == ActorKind.SYSTEM and event.details["count"] == 4
    assert scheduler.run_once() == []  # nothing left, and no empty audit event
    assert dbs.scalar(select(func.count()).where(AuditEvent.action == "evidence.swept")) == 1


def test_two_processes_sweeping_at_once_remove_and_audit_each_leftover_once(
    app: Flask, dbs: Session, vendor: Vendor, interrupted
) -> None:
    age(dbs, app, hours=7)
    vault = app.extensions["vendorcheck.vault"]
    engines = [db.make_engine(app.config["DATABASE_URL"]) for _ in range(2)]
    schedulers = [HousekeepingScheduler(lambda e=e: db.transaction(e), vault) for e in engines]
    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda s=s: results.append(s.run_once())) for s in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for engine in engines:
        engine.dispose()
    # SQLite queues one sweep behind the other; PostgreSQL lets each skip the rows the other holds.
    removed = [item for result in results for item in result]
    assert len(removed) == len(set(removed)) == 4
    dbs.rollback()
    events = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.swept")).all()
    assert sorted(item for e in events for item in e.details["removed"]) == sorted(removed)
    assert dbs.scalar(select(func.count()).select_from(EvidenceVersion).where(EvidenceVersion.complete.is_(False))) == 0


def test_the_app_starts_housekeeping_with_the_first_request(app: Flask, dbs: Session, vendor: Vendor) -> None:
    interrupt(app, dbs, vendor, details=EvidenceDetails(EvidenceKind.BAA, "Cut off"))
    age(dbs, app, hours=7)
    settings = app.config["VENDORCHECK_SETTINGS"]
    served = create_app(
        {"env": "test", "home": settings.home, "database_url": settings.database_url, "secret_key": "s" * 40}
    )
    scheduler = served.extensions["vendorcheck.housekeeping"]
    try:
        served.test_client().get("/login")
        assert not scheduler.started  # test apps leave it off
        served.config["HOUSEKEEPING_SCHEDULER"] = True
        served.test_client().get("/login")
        assert scheduler.started
        for _ in range(500):
            dbs.rollback()
            if not dbs.scalar(select(func.count()).select_from(EvidenceVersion)):
                break
            threading.Event().wait(0.02)
    finally:
        scheduler.stop()
        database.dispose(served)
    assert dbs.scalar(select(func.count()).select_from(Evidence)) == 0 and blobs(app) == []
    assert dbs.scalar(select(func.count()).where(AuditEvent.action == "evidence.swept")) == 1


def test_an_upload_swept_while_still_running_fails_with_a_message(
    app: Flask, client: FlaskClient, auth: Auth, world: World, dbs: Session, vendor: Vendor, monkeypatch
) -> None:
    """Only an upload running for longer than the grace period can lose its row; it is told, not given a 500."""
    auth.login_as(world.users[Role.ASSESSOR])
    real_finish = evidence.Upload.finish

    def finish_after_a_sweep(self: evidence.Upload):
        result = real_finish(self)
        with db.transaction(database.engine(app)) as session:
            evidence.sweep(session, app.extensions["vendorcheck.vault"], Actor.cli("tests"), timedelta(0))
        return result

    monkeypatch.setattr(evidence.Upload, "finish", finish_after_a_sweep)
    response = upload(client, vendor, pdf())
    assert response.status_code == 400 and "took too long" in response.get_data(as_text=True)
    dbs.rollback()
    assert dbs.scalar(select(func.count()).select_from(EvidenceVersion)) == 0
