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
