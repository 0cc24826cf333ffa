"""The wheel carries everything: built, installed into a fresh virtual environment, it serves the login page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from this checkout."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("vendorcheck-*.whl")
    return built


def test_wheel_ships_templates_questionnaires_static_and_migrations(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "vendorcheck/_shipped/templates/base.html",
        "vendorcheck/_shipped/questionnaires/README.md",
        "vendorcheck/static/css/app.css",
        "vendorcheck/migrations/env.py",
        "vendorcheck/migrations/versions/0001_initial_schema.py",
    ):
        assert expected in names


def test_installed_wheel_serves_the_login_page(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENDORCHECK_") and k != "DATABASE_URL"}
    env["VENDORCHECK_HOME"] = str(tmp_path / "home")
    elsewhere = tmp_path / "elsewhere"  # run away from the checkout, so only the wheel's files can be used
    elsewhere.mkdir()
    vendorcheck = str(venv / "bin" / "vendorcheck")
    subprocess.run([vendorcheck, "init"], check=True, cwd=elsewhere, env=env, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [vendorcheck, "serve", "--port", str(port)],
        cwd=elsewhere,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page = _get_when_up(f"http://127.0.0.1:{port}/login")
        css = _get_when_up(f"http://127.0.0.1:{port}/static/css/app.css")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert "Sign in" in page
    assert "--brand" in css


def _get_when_up(url: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback URL we built)
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
