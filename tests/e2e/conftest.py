"""A real server on loopback with the demo data, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.helpers import copy_home
from vendorcheck import create_app, demo

CHROMIUM = "/usr/bin/chromium"
# Chromium's background services reach for the network, which is closed here; keep it quiet and local.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class LiveDemo:
    """The demo instance being served: its address and demo logins by email."""

    url: str
    home: Path
    passwords: dict[str, str]
    app: Flask | None = None  # the served app, for a test that must set something up behind the pages


@pytest.fixture(scope="module")
def live_demo(demo_home_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveDemo]:
    """A copy of the demo instance (`vendorcheck demo --no-serve`, run once per run), served on a free port."""
    home = copy_home(demo_home_template, tmp_path_factory.mktemp("demo-home") / "demo")
    server = make_server("127.0.0.1", 0, None, threaded=True)  # type: ignore[arg-type]  # the port comes first
    server.app = create_app({"home": home, "public_url": f"http://127.0.0.1:{server.port}"})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    passwords = json.loads((home / demo.CREDENTIALS_FILE).read_text())
    yield LiveDemo(f"http://127.0.0.1:{server.port}", home, passwords, server.app)
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium (Playwright cannot download browsers here)."""
    playwright_sync = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup-system (installs Debian's chromium)")
    with playwright_sync.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh browser context (no cookies) and page, laptop-sized."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()
