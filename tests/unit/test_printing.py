"""Printing HTML to PDF (vendorcheck.printing): tagged for screen readers, and offline whatever the HTML names."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from vendorcheck import printing
from vendorcheck.printing import STATIC, RefusedFetch, bundled_file


def pdfinfo(data: bytes, tmp_path: Path) -> dict[str, str]:
    """pdfinfo's fields for ``data`` (poppler-utils, installed by scripts/setup-system)."""
    if shutil.which("pdfinfo") is None:
        pytest.fail("pdfinfo is missing: run scripts/setup-system (installs poppler-utils)")
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


@pytest.fixture
def loopback() -> Iterator[tuple[str, list[str]]]:
    """A web server on loopback that records every path asked of it (none should be)."""
    asked: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_bundled_stylesheet_is_served() -> None:
    css = STATIC / "css" / "memo-print.css"
    assert bundled_file(css.as_uri()) == css.resolve()
    response = printing.url_fetcher()(css.as_uri())
    assert b"@page" in response.read() and response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x.css",
        "https://fonts.example/font.woff2",
        "ftp://example.org/x",
        "data:text/css,body{}",
        "file:///etc/passwd",
        (STATIC / "css" / ".." / ".." / "printing.py").as_uri(),  # out of the bundled folder by ..
        "file://attacker.example" + (STATIC / "css" / "memo-print.css").as_posix(),
        (STATIC / "css" / "no-such-file.css").as_uri(),
    ],
)
def test_the_fetcher_refuses_everything_but_bundled_files(url: str) -> None:
    with pytest.raises(RefusedFetch):
        printing.url_fetcher()(url)


def test_a_document_naming_remote_resources_prints_without_reaching_them(loopback, tmp_path: Path) -> None:
    base, asked = loopback
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Offline</title>
      <link rel="stylesheet" href="{base}/style.css"><style>@import url("{base}/import.css");
      @font-face {{ font-family: Remote; src: url("{base}/font.woff2"); }} body {{ font-family: Remote, sans-serif; }}
      </style></head><body><h1>Memo</h1><img src="{base}/pixel.png" alt="">
      <img src="file:///etc/passwd" alt=""><p>Text</p></body></html>"""
    data = printing.html_to_pdf(html)
    assert asked == []  # nothing was fetched over the network
    info = pdfinfo(data, tmp_path)
    assert info["Tagged"] == "yes" and info["Title"] == "Offline"
