"""The migrations build exactly the schema the models describe (SQLite and PostgreSQL)."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask

from vendorcheck import db
from vendorcheck.models import Base
from vendorcheck.web import database


def test_migrated_schema_matches_the_models(app: Flask) -> None:
    with database.engine(app).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_migrated_database_is_at_the_newest_revision(app: Flask) -> None:
    current, head = db.schema_state(database.engine(app))
    assert current == head


def test_upgrading_sqlite_keeps_every_row_that_refers_to_a_rebuilt_table(tmp_path) -> None:
    """SQLite batch migrations rebuild a table (copy, drop, rename): with foreign keys enforced, the drop cascaded
    to the rows referring to it (0012 rebuilt vendors, assessments and answers and lost contacts and the
    assessments' questionnaires). Migrations run with enforcement off, then check every reference."""
    import sqlalchemy as sa

    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    db.upgrade(engine, "0010")
    rows = {
        "organizations": "(id, name, mfa_required, created_at) VALUES (1, 'o', 0, '2026-01-01')",
        "vendors": "(id, org_id, name, status, services, phi_volume, stores_phi, processes_phi, transmits_phi,"
        " offshore, uses_subcontractors, created_at, updated_at) VALUES (1, 1, 'v', 'selected', '[]', 'none',"
        " 0, 0, 0, 0, 0, '2026-01-01', '2026-01-01')",
        "vendor_contacts": "(vendor_id, name, email, is_primary) VALUES (1, 'a', 'a@b.example', 1)",
        "questionnaire_versions": "(id, questionnaire_key, version, title, content_hash, content, created_at)"
        " VALUES (1, 'q', '1', 'Q', 'h', '{}', '2026-01-01')",
        "assessments": "(id, org_id, vendor_id, status, created_at, title, clarification_round)"
        " VALUES (1, 1, 1, 'completed', '2026-01-01', 'A', 0)",
        "assessment_questionnaires": "(assessment_id, questionnaire_version_id, position) VALUES (1, 1, 0)",
        "answers": "(assessment_id, question_id, not_applicable, entered_by_kind, entered_at, review_state)"
        " VALUES (1, 'x', 0, 'vendor_link', '2026-01-01', 'accepted')",
    }
    with engine.begin() as connection:
        for table, values in rows.items():
            connection.execute(sa.text(f"INSERT INTO {table} {values}"))
    db.upgrade(engine)
    with engine.connect() as connection:
        for table in rows:
            assert connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 1, table  # noqa: S608
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # enforcement is back on
    engine.dispose()
