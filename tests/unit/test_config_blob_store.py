"""VENDORCHECK_BLOB_STORE and the S3 settings: validated at start, one line saying what to fix."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from vendorcheck.config import ConfigError, load_settings, s3_credentials
from vendorcheck.evidence import Vault
from vendorcheck.vault.blobstore import LocalBlobStore
from vendorcheck.vault.s3store import S3BlobStore, parse_url

S3 = {"VENDORCHECK_BLOB_STORE": "s3://evidence-bucket/practice/blobs"}


def settings(tmp_path: Path, **environ: str):
    return load_settings(environ={"VENDORCHECK_HOME": str(tmp_path), "VENDORCHECK_ENV": "test", **environ})


def test_the_default_is_the_local_folder(tmp_path: Path) -> None:
    found = settings(tmp_path)
    assert found.blob_store == "local"
    vault = Vault.for_settings(found)
    assert isinstance(vault.blobs, LocalBlobStore) and vault.blobs.root == tmp_path / "evidence"


def test_an_s3_store_is_built_from_the_settings_without_contacting_it(tmp_path: Path) -> None:
    found = settings(
        tmp_path,
        **S3,
        VENDORCHECK_S3_ENDPOINT_URL="https://s3.example.net/",
        VENDORCHECK_S3_REGION="eu-central-1",
        VENDORCHECK_S3_ACCESS_KEY_ID="AKIAEXAMPLE",
        VENDORCHECK_S3_SECRET_ACCESS_KEY="secret/value+1",
    )
    assert found.s3_endpoint_url == "https://s3.example.net"
    assert "secret/value+1" not in repr(found)
    store = Vault.for_settings(found).blobs
    assert isinstance(store, S3BlobStore)
    assert (store.bucket, store.prefix, store.location) == (
        "evidence-bucket",
        "practice/blobs/",
        "s3://evidence-bucket/practice/blobs/",
    )
    store.close()


@pytest.mark.parametrize(
    ("url", "bucket", "prefix"),
    [("s3://vc-blobs", "vc-blobs", ""), ("s3://vc-blobs/", "vc-blobs", ""), ("s3://vc.blobs/a/b/", "vc.blobs", "a/b/")],
)
def test_bucket_and_prefix(url: str, bucket: str, prefix: str) -> None:
    assert parse_url(url) == (bucket, prefix)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"VENDORCHECK_BLOB_STORE": "/srv/blobs"}, "expected local or s3://bucket/prefix"),
        ({"VENDORCHECK_BLOB_STORE": "s3://Evidence"}, "bucket name must be 3 to 63 lower-case"),
        ({"VENDORCHECK_BLOB_STORE": "s3://ab"}, "bucket name"),
        ({"VENDORCHECK_BLOB_STORE": "s3://vc-blobs/a/../b"}, "the prefix segment '..'"),
        ({"VENDORCHECK_BLOB_STORE": "s3://vc-blobs/a//b"}, "single slashes"),
        ({"VENDORCHECK_BLOB_STORE": "s3://vc-blobs/a b"}, "may hold only letters"),
        ({**S3, "VENDORCHECK_S3_ENDPOINT_URL": "http://s3.example.net"}, "use https://"),
        ({**S3, "VENDORCHECK_S3_ENDPOINT_URL": "ftp://s3.example.net"}, "expected a URL"),
        ({**S3, "VENDORCHECK_S3_ENDPOINT_URL": "https://key:pw@s3.example.net"}, "not the URL"),
        ({**S3, "VENDORCHECK_S3_REGION": "EU Central"}, "expected a region name"),
        ({**S3, "VENDORCHECK_S3_ACCESS_KEY_ID": "AKIA"}, "set both VENDORCHECK_S3_ACCESS_KEY_ID and"),
        ({"VENDORCHECK_S3_REGION": "us-east-1"}, "VENDORCHECK_S3_REGION is set but VENDORCHECK_BLOB_STORE is local"),
        ({**S3, "VENDORCHECK_S3_BUCKET": "x"}, "unknown environment variable VENDORCHECK_S3_BUCKET"),
    ],
)
def test_bad_s3_settings_say_what_is_wrong(tmp_path: Path, environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        settings(tmp_path, **environ)


@pytest.mark.parametrize("endpoint", ["http://127.0.0.1:8333", "http://localhost:8333", "http://[::1]:8333"])
def test_plain_http_reaches_only_this_machine(tmp_path: Path, endpoint: str) -> None:
    assert settings(tmp_path, **S3, VENDORCHECK_S3_ENDPOINT_URL=endpoint).s3_endpoint_url == endpoint


def test_a_malformed_secret_is_not_echoed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        settings(
            tmp_path, **S3, VENDORCHECK_S3_ACCESS_KEY_ID="AKIA", VENDORCHECK_S3_SECRET_ACCESS_KEY="top secret value"
        )
    assert "top secret value" not in str(caught.value) and "(hidden)" in str(caught.value)


def credentials_file(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "s3-credentials"
    path.write_text(text)
    path.chmod(mode)
    return path


def test_credentials_come_from_an_owner_only_file(tmp_path: Path) -> None:
    path = credentials_file(tmp_path, "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = s3cr3t%\n")
    found = settings(tmp_path, **S3, VENDORCHECK_S3_CREDENTIALS_FILE=str(path))
    assert s3_credentials(found) == ("AKIAFILE", "s3cr3t%")


@pytest.mark.parametrize(
    ("text", "mode", "message"),
    [
        ("[default]\naws_access_key_id = A\naws_secret_access_key = B\n", 0o644, "is readable by others: chmod 600"),
        ("[other]\naws_access_key_id = A\naws_secret_access_key = B\n", 0o600, "must have a [default] section"),
        ("[default]\naws_access_key_id = A\n", 0o600, "must have a [default] section"),
        ("not ini at all", 0o600, "must have a [default] section"),
    ],
)
def test_bad_credentials_files_stop_the_start(tmp_path: Path, text: str, mode: int, message: str) -> None:
    path = credentials_file(tmp_path, text, mode)
    with pytest.raises(ConfigError, match=re.escape(message)):
        settings(tmp_path, **S3, VENDORCHECK_S3_CREDENTIALS_FILE=str(path))


def test_credentials_from_one_place_only(tmp_path: Path) -> None:
    path = credentials_file(tmp_path, "[default]\naws_access_key_id = A\naws_secret_access_key = B\n")
    with pytest.raises(ConfigError, match="not both"):
        settings(
            tmp_path,
            **S3,
            VENDORCHECK_S3_CREDENTIALS_FILE=str(path),
            VENDORCHECK_S3_ACCESS_KEY_ID="A",
            VENDORCHECK_S3_SECRET_ACCESS_KEY="B",
        )
    with pytest.raises(ConfigError, match="cannot read the S3 credentials file"):
        settings(tmp_path, **S3, VENDORCHECK_S3_CREDENTIALS_FILE=str(tmp_path / "missing"))


def _heavy_modules_after_building_the_vault(environ: dict[str, str]) -> list[str]:
    """Which of boto3/botocore a fresh interpreter holds after ``Vault.for_settings`` with ``environ``."""
    code = (
        "import json, sys\n"
        "from vendorcheck.config import load_settings\n"
        "from vendorcheck.evidence import Vault\n"
        "Vault.for_settings(load_settings(environ=json.loads(sys.argv[1])))\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'boto3', 'botocore'})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, json.dumps(environ)], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_the_s3_store_loads_boto3_only_when_it_is_configured(tmp_path: Path) -> None:
    """boto3 and botocore cost a process ~40 MiB and a quarter second: only an instance on S3 pays."""
    environ = {"VENDORCHECK_HOME": str(tmp_path), "VENDORCHECK_ENV": "test"}
    assert _heavy_modules_after_building_the_vault(environ) == []
    assert _heavy_modules_after_building_the_vault({**environ, **S3}) == ["boto3", "botocore"]
