"""Tampering with a chain of the audit log is detected and the first bad entry is named; appends never fork.

The single-chain cases use the system chain (events of no organization); every chain is checked alike.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from vendorcheck import audit, signing
from vendorcheck.models import ActorKind, AuditCheckpoint, AuditEvent, Organization
from vendorcheck.web import database

ACTOR = audit.Actor(ActorKind.SYSTEM, "test")
CHAIN = audit.SYSTEM_CHAIN


@pytest.fixture
def signer(tmp_path: Path) -> signing.Signer:
    """A fresh instance signing key."""
    signing.create_signing_key(tmp_path)
    return signing.load_signer(tmp_path)


@pytest.fixture
def keys(signer: signing.Signer) -> dict:
    """The verifier's known keys."""
    return {signer.key_id: signer.public_key}


def _log(dbs: Session, count: int) -> None:
    for n in range(count):
        audit.record(dbs, f"test.action{n}", ACTOR, details={"n": n})
    dbs.commit()


def _raw(dbs: Session, statement) -> None:
    """Tamper with the table directly, as someone with database access could."""
    dbs.execute(statement)
    dbs.commit()
    dbs.expire_all()


def test_an_intact_log_verifies(dbs: Session, signer, keys) -> None:
    _log(dbs, 5)
    audit.write_checkpoint(dbs, signer, "test", CHAIN)
    dbs.commit()
    _log(dbs, 3)
    report = audit.verify_chain(dbs, CHAIN, keys)
    assert report.ok, report.problems
    assert (report.entries, report.checkpoints) == (8, 1)


def test_an_edited_entry_is_named(dbs: Session, keys) -> None:
    _log(dbs, 5)
    _raw(dbs, update(AuditEvent).where(AuditEvent.seq == 3).values(actor_label="someone else"))
    report = audit.verify_chain(dbs, CHAIN, keys)
    assert report.first_bad_seq == 3
    assert "entry 3 (test.action2) was edited" in report.problems[0]


def test_a_deleted_entry_is_named(dbs: Session, keys) -> None:
    _log(dbs, 5)
    _raw(dbs, delete(AuditEvent).where(AuditEvent.seq == 2))
    report = audit.verify_chain(dbs, CHAIN, keys)
    assert report.first_bad_seq == 2
    assert "entry 2 is missing (deleted)" in report.problems[0]


def test_a_deleted_tail_is_caught_by_the_checkpoint(dbs: Session, signer, keys) -> None:
    _log(dbs, 5)
    audit.write_checkpoint(dbs, signer, "test", CHAIN)
    dbs.commit()
    _raw(dbs, delete(AuditEvent).where(AuditEvent.seq >= 4))
    report = audit.verify_chain(dbs, CHAIN, keys)
    assert "covers 5 entries but only 3 check out" in report.problems[0]
    assert report.first_bad_seq == 4


def test_an_inserted_entry_is_named(dbs: Session, keys) -> None:
    _log(dbs, 4)
    # Make room after entry 2 and slip in a forged entry with a correct-looking hash of its own.
    for seq in (4, 3):
        _raw(dbs, update(AuditEvent).where(AuditEvent.seq == seq).values(seq=seq + 1))
    forged = AuditEvent(
        chain=CHAIN,
        seq=3,
        prev_hash="f" * 64,
        actor_kind=ActorKind.SYSTEM,
        actor_label="x",
        action="forged",
        details={},
    )
    forged.occurred_at = dbs.scalar(select(AuditEvent.occurred_at).where(AuditEvent.seq == 2))
    forged.entry_hash = audit.event_hash(forged)
    dbs.add(forged)
    dbs.commit()
    report = audit.verify_chain(dbs, CHAIN, keys)
    assert report.first_bad_seq == 2
    assert "entry 3 (forged) no longer links to entry 2" in report.problems[0]


def test_reordered_entries_are_named(dbs: Session, keys) -> None:
    _log(dbs, 4)
    _raw(dbs, update(AuditEvent).where(AuditEvent.seq == 2).values(seq=99))
    _raw(dbs, update(AuditEvent).where(AuditEvent.seq == 3).values(seq=2))
    _raw(dbs, update(AuditEvent).where(AuditEvent.seq == 99).values(seq=3))
    report = audit.verify_chain(dbs, CHAIN, keys)
    assert report.first_bad_seq == 2
    assert report.problems[0] == (
        "entries 2 and 3 were reordered: entry 2 (test.action2) was entry 3 and entry 3 (test.action1) was entry 2"
    )


def test_an_entry_inserted_with_a_correct_link_and_renumbering_is_named(dbs: Session, keys) -> None:
    """The forger links the new entry to entry 2 properly and renumbers the rest: the renumbering gives it away."""
    _log(dbs, 4)
    for seq in (4, 3):
        _raw(dbs, update(AuditEvent).where(AuditEvent.seq == seq).values(seq=seq + 1))
    second = dbs.scalars(select(AuditEvent).where(AuditEvent.seq == 2)).one()
    forged = AuditEvent(
        chain=CHAIN,
        seq=3,
        prev_hash=second.entry_hash,
        actor_kind=ActorKind.SYSTEM,
        actor_label="x",
        action="forged",
        details={},
    )
    forged.occurred_at = second.occurred_at
    forged.entry_hash = audit.event_hash(forged)
    dbs.add(forged)
    dbs.commit()
    report = audit.verify_chain(dbs, CHAIN, keys)
    assert report.first_bad_seq == 3
    assert report.problems[0].startswith("entry 3 (forged) was inserted: the entries after it were renumbered")


def test_a_deleted_entry_with_the_rest_renumbered_is_named(dbs: Session, keys) -> None:
    _log(dbs, 5)
    _raw(dbs, delete(AuditEvent).where(AuditEvent.seq == 2))
    for seq in (3, 4, 5):
        _raw(dbs, update(AuditEvent).where(AuditEvent.seq == seq).values(seq=seq - 1))
    report = audit.verify_chain(dbs, CHAIN, keys)
    assert report.first_bad_seq == 2
    assert report.problems[0] == (
        "entry 2 was deleted and the entries after it renumbered (entry 2 (test.action2) was entry 3)"
    )


def test_a_rewritten_and_rehashed_log_is_caught_by_the_signed_checkpoint(dbs: Session, signer, keys) -> None:
    _log(dbs, 3)
    audit.write_checkpoint(dbs, signer, "test", CHAIN)
    dbs.commit()
    _log(dbs, 3)
    audit.write_checkpoint(dbs, signer, "test", CHAIN)
    dbs.commit()
    # Rewrite entry 5 and recompute every hash and link after it: the chain alone now looks fine.
    events = dbs.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    events[4].details = {"n": "rewritten"}
    previous = events[3].entry_hash
    for event in events[4:]:
        event.prev_hash = previous
        event.entry_hash = audit.event_hash(event)
        previous = event.entry_hash
    dbs.commit()
    report = audit.verify_chain(dbs, CHAIN, keys)
    assert report.first_bad_seq == 4
    assert "entries 4 to 6 do not match the checkpoint signed" in report.problems[0]


def test_a_checkpoint_with_a_bad_signature_or_unknown_key_is_refused(dbs: Session, signer, keys, tmp_path) -> None:
    _log(dbs, 2)
    checkpoint = audit.write_checkpoint(dbs, signer, "test", CHAIN)
    dbs.commit()
    _raw(dbs, update(AuditCheckpoint).values(root_hash="0" * 64))
    assert "has a bad signature" in audit.verify_chain(dbs, CHAIN, keys).problems[0]
    other = tmp_path / "other"
    other.mkdir()
    signing.create_signing_key(other)
    stranger = signing.load_signer(other)
    assert "unknown key" in audit.verify_chain(dbs, CHAIN, {stranger.key_id: stranger.public_key}).problems[0]
    assert checkpoint.key_id == signer.key_id


@pytest.mark.parametrize("writers", [16])
def test_concurrent_writers_never_fork_a_chain(app: Flask, signer, keys, writers: int) -> None:
    """Many threads append at once (each its own connection) to three chains, two of them new, while checkpoints
    are signed; each chain stays one line, numbered from 1."""
    factory = sessionmaker(database.engine(app), expire_on_commit=False)
    with factory.begin() as session:
        orgs = [Organization(name="A"), Organization(name="B")]
        session.add_all(orgs)
    owners = [orgs[0].id, orgs[1].id, None]
    per_writer = 10
    errors: list[BaseException] = []
    start = threading.Barrier(writers + 1)

    def write(worker: int) -> None:
        try:
            start.wait()
            for n in range(per_writer):
                with factory.begin() as session:
                    org_id = owners[(worker + n) % 3]  # interleaved, and every chain's first append contended
                    audit.record(session, "test.concurrent", ACTOR, org_id=org_id, details={"worker": worker, "n": n})
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    def checkpoints() -> None:
        try:
            start.wait()
            for n in range(6):
                with factory.begin() as session:
                    audit.write_checkpoint(session, signer, "test", audit.chain_of(owners[n % 3]))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    threads.append(threading.Thread(target=checkpoints))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with factory() as session:
        report = audit.verify(session, keys)
        assert report.ok, report.problems
        assert report.entries == writers * per_writer and report.checkpoints == 6
        assert [chain.chain for chain in report.chains] == [CHAIN, orgs[0].id, orgs[1].id]
        total = 0
        for chain in report.chains:
            seqs = session.scalars(select(AuditEvent.seq).where(AuditEvent.chain == chain.chain)).all()
            assert sorted(seqs) == list(range(1, len(seqs) + 1))
            head = session.execute(text("SELECT seq FROM audit_head WHERE chain = :c"), {"c": chain.chain}).scalar()
            assert head == len(seqs)
            total += len(seqs)
        assert total == writers * per_writer
