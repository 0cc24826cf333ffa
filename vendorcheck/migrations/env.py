"""Alembic environment: runs against the engine vendorcheck.db hands it (no alembic.ini)."""

from alembic import context

from vendorcheck.models import Base

config = context.config


def run_migrations_online() -> None:
    """Migrate through the engine in ``config.attributes`` (set by vendorcheck.db.alembic_config)."""
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("vendorcheck migrations run online only: use `vendorcheck db upgrade`")
run_migrations_online()
