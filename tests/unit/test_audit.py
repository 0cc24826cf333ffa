"""Audit events form a hash chain over canonical JSON."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.models import ActorKind, AuditEvent


def _record(dbs: Session, action: str, **details: str) -> AuditEvent:
    return audit.record(dbs, action, audit.Actor(ActorKind.SYSTEM, "test"), details=details)


def test_canonical_json_sorts_keys_and_drops_whitespace() -> None:
    assert audit.canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()


def test_leaf_hash_is_rfc6962() -> None:
    # SHA-256 of the single byte 0x00: RFC 6962's hash of an empty leaf.
    assert audit.leaf_hash(b"") == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"


def test_each_entry_links_to_the_previous_one(dbs: Session) -> None:
    first = _record(dbs, "one")
    second = _record(dbs, "two", note="line\nbreak")
    dbs.commit()
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == audit.GENESIS_HASH
    assert second.prev_hash == first.entry_hash


def test_stored_entries_rehash_to_their_hash(dbs: Session) -> None:
    for action in ("a", "b", "c"):
        _record(dbs, action, what=action)
    dbs.commit()
    dbs.expire_all()
    for event in dbs.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
        assert audit.leaf_hash(audit.canonical_json(audit.entry_document(event))) == event.entry_hash


def test_editing_an_entry_breaks_its_hash(dbs: Session) -> None:
    event = _record(dbs, "vendor.create", name="ClearPath")
    dbs.commit()
    event.details = {"name": "Someone else"}
    assert audit.leaf_hash(audit.canonical_json(audit.entry_document(event))) != event.entry_hash
