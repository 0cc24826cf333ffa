"""Database engine, transactions and migrations: plain SQLAlchemy, no Flask.

The CLI, the services, the background tasks and the tests use these directly; the web's one session per
request lives in :mod:`vendorcheck.web.database`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, Select, create_engine, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.compiler import Compiled

from vendorcheck.config import ConfigError


def make_engine(database_url: str, *, sqlite_immediate: bool = True, autocommit: bool = False) -> Engine:
    """An engine for ``database_url`` with the settings vendorcheck relies on.

    On SQLite every transaction begins IMMEDIATE: it takes the write lock up front, so two writers queue
    (busy timeout) instead of one failing on a stale snapshot, and audit appends never fork the chain.
    ``sqlite_immediate=False`` is for a long-lived reader beside the app (the test suite's own session).
    ``autocommit=True`` is for reads of one statement each (what every request reads first: its session, the
    page cache's key): no BEGIN, no ROLLBACK, no lock held, each statement seeing the latest committed data;
    nothing may be written through such an engine.
    """
    try:
        url = make_url(database_url)
    except ArgumentError:
        raise ConfigError("DATABASE_URL is not a valid database URL") from None
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if url.drivername.startswith("sqlite"):
        if autocommit:  # pysqlite's own transactions are off (_sqlite_pragmas) and none is begun here
            engine = create_engine(url, connect_args={"timeout": 30}, pool_reset_on_return=None)
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy, not pysqlite, begin transactions, so BEGIN IMMEDIATE can serialize writers.
        begin = "BEGIN IMMEDIATE" if sqlite_immediate else "BEGIN"
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))
        return engine
    if autocommit:
        return create_engine(
            url,
            pool_pre_ping=True,
            isolation_level="AUTOCOMMIT",
            pool_reset_on_return=None,
            connect_args={"connect_timeout": 10},
        )
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Enforce foreign keys and let readers run beside one writer."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def safe_url(engine: Engine) -> str:
    """The database URL with any password hidden, for messages."""
    return engine.url.render_as_string(hide_password=True)


def alembic_config(engine: Engine) -> Config:
    """Alembic configuration pointing at the migrations shipped inside the package."""
    config = Config()
    config.set_main_option("script_location", "vendorcheck:migrations")
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision``."""
    command.upgrade(alembic_config(engine), revision)


def schema_state(engine: Engine) -> tuple[str | None, str]:
    """(current revision of the database, newest revision shipped); raises ConfigError if unreachable."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "connection failed"
        raise ConfigError(
            f"cannot reach the database at {safe_url(engine)} ({reason}); "
            "check DATABASE_URL and that the server is running"
        ) from None
    assert head is not None
    return current, head


def require_current_schema(engine: Engine) -> None:
    """Refuse to serve a database that is missing or behind the code."""
    current, head = schema_state(engine)
    if current is None:
        raise ConfigError(f"the database at {safe_url(engine)} is empty: run `vendorcheck init`")
    if current != head:
        raise ConfigError(
            f"the database at {safe_url(engine)} is at revision {current}, the code needs {head}: "
            "run `vendorcheck db upgrade`"
        )


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error (CLI commands, the checkpoint scheduler)."""
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory.begin() as session:
        yield session


class ReadPool:
    """Connections of an ``autocommit`` engine for :class:`Prepared` statements, kept in a free list.

    Checking a connection out of SQLAlchemy's pool and back costs more than the one statement a cached page runs,
    so these connections are detached from it and handed out here, one per request (:class:`Reads`). At most
    ``keep`` wait in the list; no transaction is ever open on them.
    """

    def __init__(self, engine: Engine, keep: int = 8) -> None:
        self.engine = engine
        self.keep = keep
        self._free: list[Any] = []

    def take(self) -> Any:
        """A free connection, or a new one."""
        try:
            return self._free.pop()  # atomic: requests on several threads never get the same one
        except IndexError:
            return self.connect()

    def connect(self) -> Any:
        """A new connection, no longer the engine pool's to manage."""
        connection = self.engine.raw_connection()
        connection.detach()
        return connection

    def give(self, connection: Any) -> None:
        """Take ``connection`` back after a request."""
        if len(self._free) < self.keep:
            self._free.append(connection)
        else:
            connection.close()

    def close(self) -> None:
        """Close the free connections and the engine's pool."""
        while self._free:
            self._free.pop().close()
        self.engine.dispose()


class Reads:
    """One request's reads through a :class:`ReadPool`: a connection taken on first use and given back by ``close``.

    A connection the database dropped (a restart, a failover) is replaced once, as the pool's pre-ping would.
    """

    def __init__(self, pool: ReadPool) -> None:
        self.pool = pool
        self.connection: Any = None

    def first(self, statement: Prepared, **params: Any) -> tuple[Any, ...] | None:
        """The first row of ``statement`` for ``params``."""
        dialect = self.pool.engine.dialect
        if self.connection is None:
            self.connection = self.pool.take()
        try:
            return statement.first(self.connection, dialect, **params)
        except dialect.loaded_dbapi.Error:
            self.connection.close()  # whatever went wrong, this connection is not trusted again
            self.connection = None
        fresh = self.pool.connect()
        try:
            row = statement.first(fresh, dialect, **params)
        except BaseException:
            fresh.close()  # failing twice is not a dropped connection: the error is the caller's to see
            raise
        self.connection = fresh
        return row

    def close(self) -> None:
        """Give the connection back."""
        if self.connection is not None:
            self.pool.give(self.connection)
            self.connection = None


class Prepared:
    """A SELECT compiled once per dialect and run on a plain DBAPI connection, with the columns' own conversions.

    For the one statement nearly every request runs first (the session check): SQLAlchemy's execution machinery
    costs several times the query itself there. The statement, its parameters and its result conversions
    (timestamps, enums, booleans) are SQLAlchemy's, worked out once; only the execution is the driver's.
    """

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, Compiled, list[Any]]] = {}

    def first(self, connection: Any, dialect: Dialect, **params: Any) -> tuple[Any, ...] | None:
        """The first row for ``params`` on ``connection`` (a pooled DBAPI connection), converted; None if none."""
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = self._compile(dialect)
        sql, plan, processors = compiled
        values = plan.construct_params(params)
        bound = tuple(values[name] for name in plan.positiontup) if plan.positional else values  # type: ignore[union-attr]
        cursor = connection.cursor()
        try:
            cursor.execute(sql, bound)
            row = cursor.fetchone()
        finally:
            cursor.close()
        if row is None:
            return None
        return tuple(value if use is None else use(value) for use, value in zip(processors, row, strict=True))

    def _compile(self, dialect: Dialect) -> tuple[str, Compiled, list[Any]]:
        plan = self.statement.compile(dialect=dialect)
        return str(plan), plan, _conversions(self.statement, dialect)


def plain_rows(session: Session, statement: Select[Any]) -> list[tuple[Any, ...]]:
    """Every row of ``statement``, read by the driver in the session's transaction, with the columns' conversions.

    For large reads (tens of thousands of rows), where SQLAlchemy's per-row machinery costs several times the query
    itself. Bound values are written into the SQL, so the statement may carry only values the code chose (ids it
    read), never text from a request.
    """
    connection = session.connection()
    dialect = connection.dialect
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    processors = _conversions(statement, dialect)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, {} if dialect.paramstyle in ("pyformat", "named") else ())
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if not any(processors):
        return [tuple(row) for row in rows]
    return [tuple(v if use is None else use(v) for use, v in zip(processors, row, strict=True)) for row in rows]


def _conversions(statement: Select[Any], dialect: Dialect) -> list[Any]:
    """What SQLAlchemy does to each column's value as the driver returns it (None: nothing)."""
    columns = statement.selected_columns
    return [column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns]
