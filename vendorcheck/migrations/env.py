"""Alembic environment: runs against the engine vendorcheck.db hands it (no alembic.ini)."""

from alembic import context
from sqlalchemy import Connection

from vendorcheck.models import Base

config = context.config


def run_migrations_online() -> None:
    """Migrate through the engine in ``config.attributes`` (set by vendorcheck.db.alembic_config)."""
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration rebuilds a table (copy, drop, rename); with foreign keys enforced the drop would
            # cascade to every row that refers to it (a vendor's contacts, an assessment's answers). SQLite's own
            # advice: switch enforcement off around the change (outside any transaction), check after, switch on.
            _foreign_keys(connection, on=False)
        try:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"the migration left rows whose references are broken: {broken[:5]}")
            connection.commit()
        finally:
            if sqlite:
                _foreign_keys(connection, on=True)  # the connection goes back to the pool as it came


def _foreign_keys(connection: Connection, *, on: bool) -> None:
    """Set SQLite's foreign-key enforcement on the connection itself (a no-op inside a transaction)."""
    raw = connection.connection.dbapi_connection
    assert raw is not None
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


if context.is_offline_mode():
    raise SystemExit("vendorcheck migrations run online only: use `vendorcheck db upgrade`")
run_migrations_online()
