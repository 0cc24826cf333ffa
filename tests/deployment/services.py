"""Throwaway servers for the deployment test: PostgreSQL, Redis and gunicorn, each on a free loopback port.

Every server is started as a child process that dies with the test run (PR_SET_PDEATHSIG), is waited for with
a deadline, and stopped in a ``finally`` block, so a failing test never leaves one behind.
"""

from __future__ import annotations

import os
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
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PG_CLUSTER = REPO / "scripts" / "pg-test-cluster"


class ServiceMissing(RuntimeError):
    """A program the deployment test needs is not installed."""


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the child, before exec: get SIGKILL when the test run dies, so no server outlives it."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after a few seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def postgresql() -> Iterator[str]:
    """A cluster of scripts/pg-test-cluster on a port of its own (not the suite's); yields its database URL."""
    if not any(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        raise ServiceMissing("PostgreSQL is not installed: run scripts/setup-system")
    env = {**os.environ, "PGPORT_TEST": str(free_port())}
    try:
        url = subprocess.run(
            [str(PG_CLUSTER), "start"], env=env, check=True, capture_output=True, text=True, timeout=120
        ).stdout.strip()
        yield url
    finally:
        subprocess.run([str(PG_CLUSTER), "stop"], env=env, check=False, capture_output=True, timeout=60)


def _wait_for_redis(port: int, process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"redis-server did not answer on port {port} within {timeout:.0f} s")


@contextmanager
def redis(folder: Path) -> Iterator[str]:
    """Debian's redis-server on loopback, nothing persisted; yields its redis:// URL."""
    program = shutil.which("redis-server")
    if program is None:
        raise ServiceMissing("redis-server is not installed: run scripts/setup-system (apt-get install redis-server)")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    arguments = [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    with (folder / "redis.log").open("wb") as log:
        process = subprocess.Popen(
            [*arguments, "--dir", str(folder)], stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
        )
    try:
        _wait_for_redis(port, process)
        yield f"redis://127.0.0.1:{port}"
    finally:
        stop(process)


def _wait_for_http(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 (our own loopback URL)
            return
        except urllib.error.HTTPError as answered:
            answered.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout:.0f} s:\n{log.read_text(errors='replace')}")


@contextmanager
def gunicorn(port: int, env: dict[str, str], log: Path) -> Iterator[str]:
    """One app process (one sync worker) on loopback; yields its base URL once /login answers."""
    arguments = [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout", "30"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*arguments, "vendorcheck:create_app()"],
            env=env,
            cwd=REPO,
            stdout=output,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_http(f"{base}/login", process, log)
        yield base
    finally:
        stop(process)
