"""Creating an instance folder: its secrets and its database. Never overwrites what exists."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from vendorcheck import db
from vendorcheck.config import SECRET_KEY_FILE, ConfigError, Settings, read_secret_keys
from vendorcheck.secretfiles import replace_secret_file, write_secret_file
from vendorcheck.signing import SIGNING_KEY_FILE, create_signing_key
from vendorcheck.vault.keyring import KEYRING_FILE, create_keyring


@dataclass
class InitReport:
    """What ``initialize`` created and what it found already there."""

    created: list[str]
    kept: list[str]


def rotate_session_key(home: Path, keep: int = 1) -> int:
    """Make a new session key active, keep the ``keep`` newest old ones for verifying; returns how many dropped.

    Signed-in users stay signed in: their cookies verify with a kept key and are re-signed with the new one.
    """
    keys = read_secret_keys(home)
    if not keys:
        raise ConfigError(f"no session key in {home / SECRET_KEY_FILE}: run `vendorcheck init` first")
    replace_secret_file(home / SECRET_KEY_FILE, "\n".join([secrets.token_urlsafe(48), *keys[:keep]]))
    return max(0, len(keys) - keep)


def initialize(settings: Settings) -> InitReport:
    """Create the instance folder, its session secret and an up-to-date database schema."""
    report = InitReport(created=[], kept=[])
    home = settings.home
    if not home.exists():
        home.mkdir(mode=0o700, parents=True)
        report.created.append(f"instance folder {home}")
    secret_path = home / SECRET_KEY_FILE
    if os.environ.get("VENDORCHECK_SECRET_KEY"):
        report.kept.append("session secret (from VENDORCHECK_SECRET_KEY)")
    elif write_secret_file(secret_path, secrets.token_urlsafe(48)):
        report.created.append(f"session secret {secret_path}")
    else:
        report.kept.append(f"session secret {secret_path}")
    if create_signing_key(home):
        report.created.append(f"signing key {home / SIGNING_KEY_FILE} (audit checkpoints, evidence packets)")
    else:
        report.kept.append(f"signing key {home / SIGNING_KEY_FILE}")

    if settings.keyring:
        report.kept.append("evidence key ring (from VENDORCHECK_KEYRING)")
    elif create_keyring(home):
        report.created.append(f"evidence key ring {home / KEYRING_FILE}")
    else:
        report.kept.append(f"evidence key ring {home / KEYRING_FILE}")

    engine = db.make_engine(settings.database_url)
    try:
        current, head = db.schema_state(engine)
        db.upgrade(engine)
    finally:
        engine.dispose()
    where = db.safe_url(engine)
    if current == head:
        report.kept.append(f"database {where} (schema up to date)")
    else:
        report.created.append(f"database schema {head} at {where}")
    return report
