"""What every command shares: one-line errors, the instance's database session, finding a vendor.

Errors a user can fix print one line on stderr (``vendorcheck: error: ...``) and exit 2; nothing is
half-written because every command that writes does so in one transaction.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, NoReturn

import click
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from vendorcheck import accounts, assessments, db, evidence, signing
from vendorcheck.config import ConfigError, Settings, load_settings
from vendorcheck.models import Vendor
from vendorcheck.vault.chunked import VaultError

EXIT_USAGE = 2
EXIT_BUG = 70
JSON_HELP = "Machine-readable output (see docs/cli.md)."


def fail(message: str) -> NoReturn:
    """Print ``message`` as the one error line and exit with the usage status."""
    click.echo(f"vendorcheck: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the errors a user can fix into one clear line and a non-zero exit."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (
            ConfigError,
            accounts.AccountError,
            signing.SigningKeyError,
            VaultError,
            evidence.EvidenceError,
            assessments.AssessmentError,
        ) as exc:
            fail(str(exc))

    return wrapper


@contextmanager
def instance_engine(settings: Settings | None = None, *, read_only: bool = False) -> Iterator[Engine]:
    """The engine of the instance in VENDORCHECK_HOME, disposed afterwards (for commands of several transactions).

    ``read_only`` opens SQLite transactions without taking the write lock, so a check never blocks the app.
    """
    engine = db.make_engine((settings or load_settings()).database_url, sqlite_immediate=not read_only)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def instance_session(settings: Settings | None = None, *, read_only: bool = False) -> Iterator[Session]:
    """One transaction on the instance's database: committed when the block ends, rolled back on an error."""
    with instance_engine(settings, read_only=read_only) as engine, db.transaction(engine) as session:
        yield session


def find_vendor(session: Session, ref: str) -> Vendor:
    """A vendor by id or exact name (VENDOR in the CLI contract)."""
    by_id = ref.isascii() and ref.isdigit() and len(ref) <= 18  # a 64-bit id; "²" and 10**30 are names, not ids
    query = select(Vendor).where(Vendor.id == int(ref)) if by_id else select(Vendor).where(Vendor.name == ref)
    found = session.scalars(query).all()
    if not found:
        raise assessments.AssessmentError(f"no vendor {ref!r}: see `vendorcheck vendors list`")
    if len(found) > 1:
        ids = ", ".join(str(v.id) for v in found)
        raise assessments.AssessmentError(f"several vendors are named {ref!r} (ids {ids}); give the id instead")
    return found[0]
