"""The web's half of the database: an engine per app and one session per request, closed when it ends.

``vendorcheck.db`` (no Flask) makes engines and transactions; this module binds them to the Flask app so that
views share one session per request (``database.session()``) and long streamed reads get one of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from vendorcheck.db import ReadPool, Reads, make_engine


def init_app(app: Flask) -> None:
    """Give the app an engine and a request-scoped session (``database.session()``)."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["vendorcheck.engine"] = engine
    # info marks the requests' sessions (tests hold every change they commit to an audit event: web.pagecache)
    app.extensions["vendorcheck.sessionmaker"] = sessionmaker(engine, expire_on_commit=False, info={"request": True})
    # Long reads (streamed exports, downloads) must not hold SQLite's write lock while a client downloads.
    reader = (
        engine if engine.dialect.name != "sqlite" else make_engine(app.config["DATABASE_URL"], sqlite_immediate=False)
    )
    app.extensions["vendorcheck.read_sessionmaker"] = sessionmaker(reader, expire_on_commit=False)
    app.extensions["vendorcheck.reads"] = ReadPool(make_engine(app.config["DATABASE_URL"], autocommit=True))
    app.teardown_appcontext(_close_session)


def session() -> Session:
    """The session of the current request or app context, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["vendorcheck.sessionmaker"]()
    return g.db_session


@contextmanager
def read_session() -> Iterator[Session]:
    """A session for a long read-only stream, apart from the request's session; closed on exit."""
    session = current_app.extensions["vendorcheck.read_sessionmaker"]()
    try:
        yield session
    finally:
        session.close()


def reader() -> Reads:
    """The request's connection for single-statement reads (an autocommit engine), taken on first use.

    The session check and the page cache's key read here: in autocommit, so on SQLite they never queue behind
    a writer for the write lock (the request's ORM session begins IMMEDIATE), and no transaction stays open.
    Nothing is written through it.
    """
    if "db_reader" not in g:
        g.db_reader = Reads(current_app.extensions["vendorcheck.reads"])
    return g.db_reader


def engine(app: Flask | None = None) -> Engine:
    """The engine of ``app``, or of the current app."""
    return (app or current_app).extensions["vendorcheck.engine"]


def dispose(app: Flask) -> None:
    """Close every pooled connection of ``app``'s engines (tests, and commands that built an app)."""
    engine(app).dispose()
    app.extensions["vendorcheck.read_sessionmaker"].kw["bind"].dispose()
    app.extensions["vendorcheck.reads"].close()


def _close_session(_exc: BaseException | None) -> None:
    reads = g.pop("db_reader", None)
    if reads is not None:
        reads.close()
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
