"""Scheduled checkpoints: written per chain when its entries wait and its newest is old enough; one per chain
between many schedulers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from vendorcheck import audit, create_app, db, signing
from vendorcheck.audit.scheduler import CheckpointScheduler
from vendorcheck.models import ActorKind, AuditCheckpoint, Organization, utcnow
from vendorcheck.web import database

ACTOR = audit.Actor(ActorKind.SYSTEM, "test")
HOUR = timedelta(hours=1)
CHAIN = audit.SYSTEM_CHAIN


@pytest.fixture
def signer(tmp_path: Path) -> signing.Signer:
    """A fresh instance signing key."""
    signing.create_signing_key(tmp_path)
    return signing.load_signer(tmp_path)


def _log(dbs: Session, count: int) -> None:
    for n in range(count):
        audit.record(dbs, "test.action", ACTOR, details={"n": n})
    dbs.commit()


def _checkpoints(dbs: Session) -> list[tuple[int, str]]:
    dbs.rollback()  # a fresh snapshot: see what other connections committed
    rows = dbs.execute(select(AuditCheckpoint.tree_size, AuditCheckpoint.reason).order_by(AuditCheckpoint.id))
    return [tuple(row) for row in rows]


def _wait_for_a_checkpoint(dbs: Session) -> None:
    """Wait (10 s at most) for a scheduler's thread to write one; it takes a poll or two."""
    for _ in range(500):
        if _checkpoints(dbs):
            return
        threading.Event().wait(0.02)


def _age_checkpoints(dbs: Session, by: timedelta) -> None:
    dbs.execute(update(AuditCheckpoint).values(created_at=utcnow() - by))
    dbs.commit()


def test_nothing_is_signed_for_an_empty_log(dbs: Session, signer) -> None:
    assert audit.checkpoint_if_due(dbs, signer, CHAIN, HOUR) is None
    assert _checkpoints(dbs) == []


def test_the_first_entries_are_signed_at_once(dbs: Session, signer) -> None:
    _log(dbs, 3)
    checkpoint = audit.checkpoint_if_due(dbs, signer, CHAIN, HOUR)
    dbs.commit()
    assert checkpoint is not None and checkpoint.tree_size == 3
    assert _checkpoints(dbs) == [(3, "scheduled")]
    assert audit.verify(dbs, {signer.key_id: signer.public_key}).ok
    assert checkpoint.chain == CHAIN


def test_new_entries_wait_until_the_interval_has_passed(dbs: Session, signer) -> None:
    _log(dbs, 2)
    audit.write_checkpoint(dbs, signer, "test", CHAIN)
    dbs.commit()
    _log(dbs, 1)
    assert audit.checkpoint_if_due(dbs, signer, CHAIN, HOUR) is None  # the newest is minutes old
    _age_checkpoints(dbs, HOUR)
    assert audit.checkpoint_if_due(dbs, signer, CHAIN, HOUR) is not None
    dbs.commit()
    assert _checkpoints(dbs) == [(2, "test"), (3, "scheduled")]


def test_an_old_checkpoint_covering_every_entry_is_not_repeated(dbs: Session, signer) -> None:
    _log(dbs, 2)
    audit.write_checkpoint(dbs, signer, "test", CHAIN)
    dbs.commit()
    _age_checkpoints(dbs, timedelta(days=3))
    assert audit.checkpoint_if_due(dbs, signer, CHAIN, HOUR) is None
    assert _checkpoints(dbs) == [(2, "test")]


def test_schedulers_in_many_processes_write_one_checkpoint_per_chain(app: Flask, signer) -> None:
    """Eight schedulers (gunicorn workers, say) find two organizations' chains due at once; one each is written."""
    factory = sessionmaker(database.engine(app), expire_on_commit=False)
    with factory.begin() as session:
        orgs = [Organization(name="A"), Organization(name="B")]
        session.add_all(orgs)
        session.flush()
        for n in range(5):
            audit.record(session, "test.action", ACTOR, org_id=orgs[n % 2].id, details={"n": n})
    schedulers = [CheckpointScheduler(factory.begin, signer, HOUR) for _ in range(8)]
    start = threading.Barrier(len(schedulers))
    written: list[AuditCheckpoint] = []
    errors: list[BaseException] = []

    def run(scheduler: CheckpointScheduler) -> None:
        try:
            start.wait()
            written.extend(scheduler.run_once())
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,)) for s in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted((c.chain, c.tree_size) for c in written) == [(orgs[0].id, 3), (orgs[1].id, 2)]
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(AuditCheckpoint)) == 2
        assert audit.verify(session, {signer.key_id: signer.public_key}).ok


def test_the_thread_signs_new_entries_and_keeps_going_after_a_failure(dbs: Session, signer, caplog) -> None:
    engine = dbs.get_bind()
    failures = iter([RuntimeError("database away")])

    @contextmanager
    def flaky_transaction() -> Iterator[Session]:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        with db.transaction(engine) as session:  # type: ignore[arg-type]
            yield session

    _log(dbs, 4)
    scheduler = CheckpointScheduler(flaky_transaction, signer, HOUR, poll=timedelta(milliseconds=20))
    scheduler.start()
    try:
        _wait_for_a_checkpoint(dbs)
    finally:
        scheduler.stop()
    assert not scheduler.running
    assert _checkpoints(dbs) == [(4, "scheduled")]
    assert "scheduled audit checkpoint failed" in caplog.text


def test_the_app_starts_its_scheduler_with_the_first_request(app: Flask, dbs: Session) -> None:
    """The running app signs the trail on its own; under test it waits to be switched on."""
    settings = app.config["VENDORCHECK_SETTINGS"]
    signing.create_signing_key(settings.home)
    served = create_app(  # a second app on the same instance, now that it has a signing key
        {"env": "test", "home": settings.home, "database_url": settings.database_url, "secret_key": "s" * 40}
    )
    scheduler = served.extensions["vendorcheck.checkpoints"]
    assert scheduler.every == timedelta(minutes=60)
    _log(dbs, 2)
    served.test_client().get("/login")
    assert not scheduler.started  # test apps leave it off
    served.config["CHECKPOINT_SCHEDULER"] = True
    served.test_client().get("/login")
    try:
        _wait_for_a_checkpoint(dbs)
    finally:
        scheduler.stop()
        database.dispose(served)
    assert _checkpoints(dbs) == [(2, "scheduled")]
