"""A chain per organization (finding 13): entries numbered per organization, checkpoints signed per chain,
tampering named with its chain, and a log from before the change still verifying as it did."""

from __future__ import annotations

import base64
import io
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from vendorcheck import audit, db, signing
from vendorcheck.audit import merkle
from vendorcheck.models import ActorKind, AuditCheckpoint, AuditEvent, Organization, utcnow
from vendorcheck.packets import format as packet
from vendorcheck.packets.verify import verify as verify_packet

ACTOR = audit.Actor(ActorKind.SYSTEM, "test")


@pytest.fixture
def signer(tmp_path: Path) -> signing.Signer:
    """A fresh instance signing key."""
    signing.create_signing_key(tmp_path)
    return signing.load_signer(tmp_path)


@pytest.fixture
def keys(signer: signing.Signer) -> dict:
    """The verifier's known keys."""
    return {signer.key_id: signer.public_key}


@pytest.fixture
def orgs(dbs: Session) -> tuple[Organization, Organization]:
    """Two tenants."""
    pair = (Organization(name="Riverside"), Organization(name="Elsewhere"))
    dbs.add_all(pair)
    dbs.commit()
    return pair


def _interleave(dbs: Session, orgs: tuple[Organization, Organization], count: int) -> None:
    """Events of both organizations and of none, alternating, as a busy instance records them."""
    for n in range(count):
        owner = (orgs[0].id, orgs[1].id, None)[n % 3]
        audit.record(dbs, f"test.action{n}", ACTOR, org_id=owner, details={"n": n})
    dbs.commit()


def _seqs(dbs: Session, chain: int) -> list[int]:
    return list(dbs.scalars(select(AuditEvent.seq).where(AuditEvent.chain == chain).order_by(AuditEvent.id)))


def test_each_organization_numbers_its_entries_from_one(dbs: Session, orgs, keys) -> None:
    _interleave(dbs, orgs, 9)
    assert _seqs(dbs, orgs[0].id) == [1, 2, 3] and _seqs(dbs, orgs[1].id) == [1, 2, 3]
    assert _seqs(dbs, audit.SYSTEM_CHAIN) == [1, 2, 3]  # events of no organization: the system chain
    first = dbs.scalars(select(AuditEvent).where(AuditEvent.chain == orgs[1].id, AuditEvent.seq == 1)).one()
    assert audit.entry_document(first)["chain"] == orgs[1].id and first.prev_hash == audit.GENESIS_HASH
    report = audit.verify(dbs, keys)
    assert report.ok and [c.chain for c in report.chains] == [0, orgs[0].id, orgs[1].id]
    assert [c.entries for c in report.chains] == [3, 3, 3]


def test_tampering_in_one_organizations_chain_is_named_as_its_and_leaves_the_others_intact(
    dbs: Session, orgs, signer, keys
) -> None:
    _interleave(dbs, orgs, 9)
    for chain in (audit.SYSTEM_CHAIN, orgs[0].id, orgs[1].id):
        audit.write_checkpoint(dbs, signer, "test", chain)
    dbs.commit()
    dbs.execute(update(AuditEvent).where(AuditEvent.chain == orgs[1].id, AuditEvent.seq == 2).values(actor_label="x"))
    dbs.commit()
    report = audit.verify(dbs, keys)
    assert report.problems == [
        f"chain of organization {orgs[1].id} (Elsewhere): entry 2 (test.action4) was edited: "
        "its content no longer matches its hash"
    ]
    by_chain = {c.chain: c for c in report.chains}
    assert by_chain[orgs[0].id].ok and by_chain[audit.SYSTEM_CHAIN].ok and by_chain[orgs[1].id].first_bad_seq == 2
    assert audit.verify_chain(dbs, orgs[0].id, keys).ok


def test_an_entry_moved_into_another_organizations_chain_is_named(dbs: Session, orgs, keys) -> None:
    _interleave(dbs, orgs, 7)  # Riverside's entries 1-3, Elsewhere's 1-2
    # Riverside's entry 3 passed off as Elsewhere's entry 3, with its owner changed too: caught by its hash.
    moved = dbs.scalars(select(AuditEvent).where(AuditEvent.chain == orgs[0].id, AuditEvent.seq == 3)).one()
    moved.chain, moved.org_id = orgs[1].id, orgs[1].id
    dbs.commit()
    report = audit.verify_chain(dbs, orgs[1].id, keys)
    assert report.problems == ["entry 3 (test.action6) was edited: its content no longer matches its hash"]
    moved.org_id = orgs[0].id  # its owner left as it was: recognised as moved
    dbs.commit()
    report = audit.verify_chain(dbs, orgs[1].id, keys)
    assert report.problems == [f"entry 3 (test.action6) was moved here from the chain of organization {orgs[0].id}"]


def test_a_checkpoint_signs_its_chain(dbs: Session, orgs, signer, keys) -> None:
    _interleave(dbs, orgs, 6)
    checkpoint = audit.write_checkpoint(dbs, signer, "test", orgs[0].id)
    dbs.commit()
    leaves = [
        bytes.fromhex(h)
        for h in dbs.scalars(
            select(AuditEvent.entry_hash).where(AuditEvent.chain == orgs[0].id).order_by(AuditEvent.seq)
        )
    ]
    message = (
        f"vendorcheck-audit-checkpoint/v2\n{orgs[0].id}\n2\n{merkle.root(leaves).hex()}\n"
        f"{audit.iso(checkpoint.created_at)}\n"
    ).encode()
    assert signing.verify(signer.public_key, base64.b64decode(checkpoint.signature), message)
    # Passed off as Elsewhere's (same size): the signature names Riverside's chain.
    dbs.execute(update(AuditCheckpoint).values(chain=orgs[1].id))
    dbs.commit()
    report = audit.verify(dbs, keys)
    assert [c.chain for c in report.chains if not c.ok] == [orgs[1].id]
    assert "has a bad signature" in report.problems[0]


def test_the_scheduler_signs_only_chains_with_waiting_entries(dbs: Session, orgs, signer) -> None:
    _interleave(dbs, orgs, 3)
    audit.write_checkpoint(dbs, signer, "test", orgs[0].id)
    dbs.commit()
    assert audit.chains_waiting(dbs) == [audit.SYSTEM_CHAIN, orgs[1].id]


# A log written before chains were per organization


def _legacy_log(connection, signer: signing.Signer, org_ids: list[int]) -> None:
    """What an instance at the previous revision holds: one global chain (v1 entries) and a v1 checkpoint."""
    previous, leaves = audit.GENESIS_HASH, []
    for seq, org_id in enumerate(org_ids, start=1):
        event = AuditEvent(
            chain=audit.LEGACY_CHAIN,
            seq=seq,
            prev_hash=previous,
            occurred_at=utcnow(),
            org_id=org_id,
            vendor_id=None,
            actor_kind=ActorKind.SYSTEM,
            actor_user_id=None,
            actor_label="old",
            action=f"old.{seq}",
            target_type=None,
            target_id=None,
            source_ip=None,
            details={"seq": seq},
        )
        document = audit.entry_document(event)
        assert "chain" not in document  # hashed exactly as the previous release did
        event.entry_hash = previous = audit.event_hash(event)
        leaves.append(bytes.fromhex(previous))
        connection.execute(
            text(
                "INSERT INTO audit_events (seq, org_id, occurred_at, actor_kind, actor_label, action, details, "
                "prev_hash, entry_hash) VALUES (:seq, :org_id, :occurred_at, 'system', 'old', :action, :details, "
                ":prev_hash, :entry_hash)"
            ),
            {
                "seq": seq,
                "org_id": org_id,
                "occurred_at": event.occurred_at,
                "action": event.action,
                "details": f'{{"seq": {seq}}}',
                "prev_hash": event.prev_hash,
                "entry_hash": event.entry_hash,
            },
        )
    size = len(leaves) - 1  # the newest entry is not signed yet, as happens between scheduled checkpoints
    root, created = merkle.root(leaves[:size]).hex(), utcnow()
    message = f"vendorcheck-audit-checkpoint/v1\n{size}\n{root}\n{audit.iso(created)}\n".encode()
    connection.execute(
        text(
            "INSERT INTO audit_checkpoints (tree_size, root_hash, created_at, key_id, signature, reason) "
            "VALUES (:size, :root, :created, :key_id, :signature, 'scheduled')"
        ),
        {
            "size": size,
            "root": root,
            "created": created,
            "key_id": signer.key_id,
            "signature": base64.b64encode(signer.sign(message)).decode(),
        },
    )
    connection.execute(
        text("UPDATE audit_head SET seq = :seq, last_hash = :hash WHERE id = 1"), {"seq": len(leaves), "hash": previous}
    )


def test_a_log_from_before_the_migration_still_verifies_and_new_entries_start_per_organization(
    database_url: str, signer, keys
) -> None:
    engine = db.make_engine(database_url)
    config = db.alembic_config(engine)
    try:
        command.downgrade(config, "0007")  # the revision before chains were per organization
        with engine.begin() as connection:
            with Session(connection) as session:
                pair = [Organization(name="Riverside"), Organization(name="Elsewhere")]
                session.add_all(pair)
                session.flush()
                a, b = (org.id for org in pair)
            _legacy_log(connection, signer, [a, b, None, a, b, a])
        command.upgrade(config, "head")
        with db.transaction(engine) as session:
            report = audit.verify(session, keys)
            assert report.ok, report.problems
            assert [(c.chain, c.entries, c.checkpoints) for c in report.chains] == [(audit.LEGACY_CHAIN, 6, 1)]
            # The legacy chain takes no more entries; new ones start each organization's chain at 1.
            event = audit.record(session, "new.event", ACTOR, org_id=a)
            assert (event.chain, event.seq, event.prev_hash) == (a, 1, audit.GENESIS_HASH)
            assert audit.chains_waiting(session) == [audit.LEGACY_CHAIN, a]
        with db.transaction(engine) as session:  # signed once more, to its end, in its own (v1) format
            legacy = audit.checkpoint_if_due(session, signer, audit.LEGACY_CHAIN, timedelta(0))
            assert legacy is not None and legacy.tree_size == 6
            assert audit.checkpoint_message(legacy.chain, 6, legacy.root_hash, legacy.created_at).startswith(
                b"vendorcheck-audit-checkpoint/v1\n6\n"
            )
            again, _ = audit.covering_tree(session, signer, "packet export", audit.LEGACY_CHAIN)
            assert again.id == legacy.id  # a frozen chain is not signed again
        with db.transaction(engine) as session:
            report = audit.verify(session, keys)
            assert report.ok and [(c.chain, c.entries, c.checkpoints) for c in report.chains] == [
                (audit.LEGACY_CHAIN, 6, 2),
                (a, 1, 0),
            ]
            session.execute(
                update(AuditEvent)
                .where(AuditEvent.chain == audit.LEGACY_CHAIN, AuditEvent.seq == 4)
                .values(actor_label="x")
            )
            report = audit.verify(session, keys)
            assert report.problems == [
                "legacy chain (entries from before per-organization chains): entry 4 (old.4) was edited: its content "
                "no longer matches its hash"
            ]
            assert report.chains[1].ok
            session.rollback()
        with pytest.raises(RuntimeError, match="cannot downgrade"):
            command.downgrade(config, "0007")
    finally:
        engine.dispose()


# Packets: the first format (one global log) still verifies; a checkpoint of another organization does not


def _packet_bytes(signer: signing.Signer, chain: int, org_id: int, packet_org: int) -> bytes:
    """A minimal packet whose three events (of ``org_id``, in ``chain``) are proven against that chain's checkpoint,
    written as export does (v2), or as the first format did when ``chain`` is the legacy chain."""
    previous, events = audit.GENESIS_HASH, []
    for seq in (1, 2, 3):
        event = AuditEvent(
            chain=chain,
            seq=seq,
            prev_hash=previous,
            occurred_at=utcnow(),
            org_id=org_id,
            vendor_id=None,
            actor_kind=ActorKind.CLI,
            actor_user_id=None,
            actor_label="x",
            action=f"a.{seq}",
            target_type=None,
            target_id=None,
            source_ip=None,
            details={},
        )
        event.entry_hash = previous = audit.event_hash(event)
        events.append(event)
    tree = merkle.Tree([bytes.fromhex(e.entry_hash) for e in events])
    created, root = utcnow(), tree.root().hex()
    legacy = chain == audit.LEGACY_CHAIN
    checkpoint = {
        "format": audit.LEGACY_CHECKPOINT_FORMAT if legacy else audit.CHECKPOINT_FORMAT,
        **({} if legacy else {"chain": chain}),
        "tree_size": 3,
        "root_hash": root,
        "created_at": audit.iso(created),
        "key_id": signer.key_id,
        "signature": base64.b64encode(signer.sign(audit.checkpoint_message(chain, 3, root, created))).decode(),
    }
    proofs = [
        {
            "entry": audit.entry_document(e),
            "entry_hash": e.entry_hash,
            "leaf_index": e.seq - 1,
            "inclusion_proof": [p.hex() for p in tree.inclusion_proof(e.seq - 1)],
        }
        for e in events
    ]
    files = [
        packet.PayloadFile.of_json("evidence/index.json", {"files": []}),
        packet.PayloadFile.of_json("audit/events.json", {"events": proofs}),
        packet.PayloadFile.of_json("audit/checkpoint.json", checkpoint),
    ]
    predicate = {
        "format": "vendorcheck-packet/1" if legacy else packet.PACKET_FORMAT,
        "organization": {"id": packet_org},
    }
    return b"".join(packet.stream(packet.Packet("bag", {}, files, predicate, created), signer))


def test_a_packet_of_the_first_format_still_verifies(signer, keys) -> None:
    report = verify_packet(io.BytesIO(_packet_bytes(signer, audit.LEGACY_CHAIN, 1, 1)), keys)
    assert report.ok and report.events == 3, report.problems


def test_a_packet_whose_checkpoint_is_another_organizations_is_refused(signer, keys) -> None:
    assert verify_packet(io.BytesIO(_packet_bytes(signer, 5, 5, 5)), keys).ok
    report = verify_packet(io.BytesIO(_packet_bytes(signer, 7, 7, 5)), keys)
    assert report.problems == ["the audit checkpoint is of organization 7's chain, not this packet's"]
