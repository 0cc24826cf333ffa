"""The insert-only PostgreSQL role of docs/audit.md lets the app append but not rewrite history."""

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

from tests.conftest import PG_URL_ENV
from vendorcheck import audit, db
from vendorcheck.models import ActorKind

pytestmark = pytest.mark.skipif(not os.environ.get(PG_URL_ENV), reason="PostgreSQL only (TEST_DATABASE_URL)")
DOC = Path(__file__).resolve().parents[2] / "docs" / "audit.md"


def _documented_grants() -> list[str]:
    sql = DOC.read_text().split("```sql", 1)[1].split("```", 1)[0]
    statements = [s.strip() for s in re.sub(r"--[^\n]*", "", sql).split(";") if s.strip()]
    return [s for s in statements if not s.startswith("CREATE ROLE")]


def test_app_role_appends_but_cannot_edit_or_delete(database_url: str) -> None:
    owner = db.make_engine(database_url)
    database = owner.url.database
    with owner.begin() as conn:
        conn.execute(text("DROP ROLE IF EXISTS vendorcheck_app_test"))
        conn.execute(text("CREATE ROLE vendorcheck_app_test LOGIN"))
        for statement in _documented_grants():
            conn.execute(
                text(
                    statement.replace("vendorcheck_app", "vendorcheck_app_test").replace(
                        "DATABASE vendorcheck ", f"DATABASE {database} "
                    )
                )
            )
    app_engine = db.make_engine(owner.url.set(username="vendorcheck_app_test").render_as_string(hide_password=False))
    try:
        for _ in range(2):  # the first append creates the chain's head row, the second moves it
            with Session(app_engine) as session, session.begin():
                audit.record(session, "test.append", audit.Actor(ActorKind.SYSTEM, "app role"))
        for statement in (
            "UPDATE audit_events SET action = 'x'",
            "UPDATE audit_checkpoints SET chain = 1",
            "DELETE FROM audit_events",
            "DELETE FROM audit_head",
            "TRUNCATE audit_events",
        ):
            with app_engine.connect() as conn, pytest.raises(ProgrammingError, match="permission denied"):
                conn.execute(text(statement))
    finally:
        app_engine.dispose()
        with owner.begin() as conn:
            conn.execute(text("REASSIGN OWNED BY vendorcheck_app_test TO CURRENT_USER"))
            conn.execute(text("DROP OWNED BY vendorcheck_app_test"))
            conn.execute(text("DROP ROLE vendorcheck_app_test"))
        owner.dispose()
