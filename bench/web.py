"""Load benchmark of the main pages under gunicorn, against a bare Flask app measured in the same run.

    python -m bench.web [--seconds 10] [--connections 20,50] [--workers 2]

Seeds a demo instance (SQLite, in a temporary folder), starts it under gunicorn (sync workers, loopback) beside
a bare Flask "hello" app under the same settings, signs in as the practice owner, then drives each page with
``wrk`` (Debian package ``wrk``; scripts/setup-system installs it) at each number of connections. Prints
requests/s, the ratio to the bare app at the same connections, p50/p99 latency and errors (socket errors,
timeouts and non-2xx answers), then whether the targets are met:
dashboard >= 0.5 x bare; vendor page and 4-vendor comparison >= 0.25 x; p99 < 200 ms at 50 connections; 0 errors.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HELLO = """
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
"""
# wrk prints its latency distribution as JSON-ish lines from this script's done() hook
REPORT_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d %d %f %f\\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99)))
end
"""
OWNER = "owner@riverside.example"
# One browser throughout, as in real use: the session is bound to its address and user agent (Flask-Login's
# "strong" protection), and a request from another agent would mark the session not fresh on every request.
USER_AGENT = "vendorcheck-bench/1"


@dataclass
class Result:
    page: str
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def gunicorn(app: str, port: int, workers: int, env: dict[str, str], cwd: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--access-logfile", "-", app]
    # the access log goes nowhere: writing it would cost both apps the same, but slow the machine down
    return subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL)  # noqa: S603


def sign_in(base: str, password: str) -> str:
    """The Cookie header of a signed-in practice owner."""
    opener = urllib.request.build_opener(urllib.request.HTTPRedirectHandler())
    opener.addheaders = [("User-Agent", USER_AGENT)]
    with opener.open(f"{base}/login") as response:
        page = response.read().decode()
        cookies = _cookies(response.headers.get_all("Set-Cookie") or [])
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    form = urllib.parse.urlencode({"email": OWNER, "password": password, "csrf_token": token}).encode()
    headers = {"Cookie": _header(cookies), "User-Agent": USER_AGENT}
    request = urllib.request.Request(f"{base}/login", data=form, headers=headers)  # noqa: S310
    no_redirect = urllib.request.build_opener(_NoRedirect())
    try:
        no_redirect.open(request)
        raise SystemExit("bench.web: sign-in did not redirect (wrong password?)")
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise SystemExit(f"bench.web: sign-in answered {answer.code}") from None
        cookies.update(_cookies(answer.headers.get_all("Set-Cookie") or []))
    return _header(cookies)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def _cookies(headers: list[str]) -> dict[str, str]:
    return dict(h.split(";", 1)[0].split("=", 1) for h in headers)


def _header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def wrk(url: str, connections: int, seconds: float, cookie: str | None, script: Path) -> Result:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "5s", "-s", str(script)]
    command += ["-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    fields = next(line for line in output.splitlines() if line.startswith("RESULT")).split()[1:]
    requests, connect, read, write, status, timeout, duration = (int(f) for f in fields[:7])
    p50, p99 = float(fields[7]) / 1000, float(fields[8]) / 1000
    return Result("", connections, requests / (duration / 1e6), p50, p99, connect + read + write + status + timeout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", default="20,50")
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench.web: wrk is missing (Debian package wrk; scripts/setup-system installs it)")
    levels = [int(c) for c in options.connections.split(",")]
    with tempfile.TemporaryDirectory(prefix="vc-bench-web-") as folder:
        run(Path(folder), levels, options.seconds, options.workers)


def run(folder: Path, levels: list[int], seconds: float, workers: int) -> None:
    home = folder / "home"
    env = dict(os.environ, VENDORCHECK_HOME=str(home))
    env.pop("DATABASE_URL", None)
    cli = [sys.executable, "-c", "from vendorcheck.cli import main; main()"]
    subprocess.run([*cli, "demo", "--no-serve"], env=env, check=True, capture_output=True)  # noqa: S603
    password = json.loads((home / "demo-credentials.json").read_text())[OWNER]
    (folder / "hello.py").write_text(HELLO)
    script = folder / "report.lua"
    script.write_text(REPORT_LUA)
    app_port, hello_port = free_port(), free_port()
    env["VENDORCHECK_PUBLIC_URL"] = f"http://127.0.0.1:{app_port}"
    servers = [
        gunicorn("vendorcheck:create_app()", app_port, workers, env, Path.cwd()),
        gunicorn("hello:app", hello_port, workers, dict(os.environ), folder),
    ]
    try:
        base = f"http://127.0.0.1:{app_port}"
        wait_for(f"{base}/login")
        wait_for(f"http://127.0.0.1:{hello_port}/")
        cookie = sign_in(base, password)
        ids = _vendor_ids(base, cookie)
        pages = {
            "bare Flask hello": (f"http://127.0.0.1:{hello_port}/", None),
            "/login (anonymous)": (f"{base}/login", None),
            "dashboard": (f"{base}/", cookie),
            "vendor page": (f"{base}/vendors/{ids[0]}", cookie),
            "comparison, 4 vendors": (f"{base}/compare?" + "&".join(f"vendor={i}" for i in ids[:4]), cookie),
        }
        results: list[Result] = []
        for connections in levels:
            for page, (url, with_cookie) in pages.items():
                wrk(url, connections, 2, with_cookie, script)  # warm up: caches, connections, the workers' imports
                result = wrk(url, connections, seconds, with_cookie, script)
                result.page = page
                results.append(result)
        report(results, levels, workers, seconds)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


def _vendor_ids(base: str, cookie: str) -> list[int]:
    """The demo's vendors, in the dashboard's order (ClearPath, the most complete, first)."""
    request = urllib.request.Request(f"{base}/", headers={"Cookie": cookie, "User-Agent": USER_AGENT})  # noqa: S310
    with urllib.request.urlopen(request) as response:  # noqa: S310
        page = response.read().decode()
    found = list(dict.fromkeys(int(i) for i in re.findall(r'href="/vendors/(\d+)"', page)))
    if len(found) < 4:
        raise SystemExit(f"bench.web: the dashboard lists {len(found)} vendors (not signed in?)")
    return found


TARGETS = {"dashboard": 0.5, "vendor page": 0.25, "comparison, 4 vendors": 0.25}


def report(results: list[Result], levels: list[int], workers: int, seconds: float) -> None:
    print(f"gunicorn, {workers} sync workers, wrk -t2 -d{seconds:g}s on loopback; demo data, signed in as the owner")
    print(f"{'page':<24} {'conns':>5} {'req/s':>8} {'x bare':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}")
    met: list[str] = []
    missed: list[str] = []
    for connections in levels:
        level = [r for r in results if r.connections == connections]
        bare = level[0].rps
        for r in level:
            ratio = r.rps / bare
            print(
                f"{r.page:<24} {connections:>5} {r.rps:>8,.0f} {ratio:>7.3f} {r.p50_ms:>7.1f} {r.p99_ms:>7.1f} "
                f"{r.errors:>6}"
            )
            if r.page in TARGETS:
                (met if ratio >= TARGETS[r.page] else missed).append(f"{r.page} at {connections}: {ratio:.3f} x bare")
            if connections == max(levels) and r.page != "bare Flask hello":
                (met if r.p99_ms < 200 else missed).append(f"{r.page} p99 at {connections}: {r.p99_ms:.0f} ms")
            (met if r.errors == 0 else missed).append(f"{r.page} at {connections}: {r.errors} errors")
    print("targets missed:" if missed else "every target met.")
    for line in missed:
        print(f"  {line}")


if __name__ == "__main__":
    main()
