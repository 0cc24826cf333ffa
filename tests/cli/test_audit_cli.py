"""`vendorcheck audit verify` on the demo data: it passes, and names the first bad entry (and its chain) of
tampered copies. The demo organization's chain is chain 1 (its id)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from vendorcheck import audit, db
from vendorcheck.cli import cli
from vendorcheck.models import ActorKind, AuditEvent


def run(home: Path, *args: str):
    return CliRunner().invoke(cli, list(args), env={"VENDORCHECK_HOME": str(home), "DATABASE_URL": None})


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo")
    assert run(home, "demo", "--no-serve").exit_code == 0
    return home


def tampered(demo: Path, target: Path, *statements: str) -> Path:
    """A copy of the demo instance with raw SQL run on its database, as someone with file access could."""
    shutil.copytree(demo, target)
    with sqlite3.connect(target / "vendorcheck.db") as connection:
        for statement in statements:
            connection.execute(statement)
    return target


def action(home: Path, seq: int) -> str:
    with sqlite3.connect(home / "vendorcheck.db") as connection:
        query = "SELECT action FROM audit_events WHERE chain = 1 AND seq = ?"
        return connection.execute(query, (seq,)).fetchone()[0]


def test_the_demo_trail_verifies(demo: Path) -> None:
    result = run(demo, "audit", "verify")
    assert result.exit_code == 0 and "Audit trail intact" in result.output
    with sqlite3.connect(demo / "vendorcheck.db") as connection:
        chains = connection.execute("SELECT DISTINCT chain FROM audit_events ORDER BY chain").fetchall()
        signed = connection.execute("SELECT DISTINCT chain FROM audit_checkpoints ORDER BY chain").fetchall()
    assert (1,) in chains and signed == chains  # the demo signs every chain it wrote to
    assert f"{len(chains)} chain(s)" in result.output and f"{len(chains)} signed checkpoint(s)" in result.output


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        (
            ["UPDATE audit_events SET actor_label = 'someone else' WHERE chain = 1 AND seq = 40"],
            "entry 40 ({a40}) was edited",
        ),
        (["DELETE FROM audit_events WHERE chain = 1 AND seq = 40"], "entry 40 is missing (deleted)"),
        (
            [
                "UPDATE audit_events SET seq = -1 WHERE chain = 1 AND seq = 40",
                "UPDATE audit_events SET seq = 40 WHERE chain = 1 AND seq = 41",
                "UPDATE audit_events SET seq = 41 WHERE chain = 1 AND seq = -1",
            ],
            "entries 40 and 41 were reordered: entry 40 ({a41}) was entry 41 and entry 41 ({a40}) was entry 40",
        ),
        (["DELETE FROM audit_events WHERE chain = 1 AND seq > 150"], "checkpoint of"),
    ],
    ids=["edited", "deleted", "reordered", "tail deleted"],
)
def test_a_tampered_copy_fails_naming_the_entry(demo: Path, tmp_path: Path, statements, expected: str) -> None:
    expected = expected.format(a40=action(demo, 40), a41=action(demo, 41))
    copy = tampered(demo, tmp_path / "copy", *statements)
    result = run(copy, "audit", "verify")
    assert result.exit_code == 1, result.output
    assert f"chain of organization 1 (Riverside Family Medicine): {expected}" in " ".join(result.output.split())


def test_an_inserted_entry_with_a_correct_hash_and_link_is_named(demo: Path, tmp_path: Path) -> None:
    """The forger computes the hash and link of the new entry 40 and renumbers the rest: still caught."""
    copy = tampered(
        demo,
        tmp_path / "copy",
        "UPDATE audit_events SET seq = -seq - 1 WHERE chain = 1 AND seq >= 40",
        "UPDATE audit_events SET seq = -seq WHERE chain = 1 AND seq < 0",
    )
    engine = db.make_engine(f"sqlite:///{copy / 'vendorcheck.db'}")
    with db.transaction(engine) as session:
        before = session.scalars(select(AuditEvent).where(AuditEvent.chain == 1, AuditEvent.seq == 39)).one()
        forged = AuditEvent(
            chain=1,
            org_id=1,
            seq=40,
            prev_hash=before.entry_hash,
            occurred_at=before.occurred_at,
            actor_kind=ActorKind.SYSTEM,
            actor_label="forger",
            action="evidence.accepted",
            details={},
        )
        forged.entry_hash = audit.event_hash(forged)
        session.add(forged)
    engine.dispose()
    result = run(copy, "audit", "verify")
    assert result.exit_code == 1
    assert "entry 40 (evidence.accepted) was inserted: the entries after it were renumbered" in result.output
