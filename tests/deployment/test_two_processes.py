"""Two app processes sharing PostgreSQL, Redis and SeaweedFS: state that matters is never per process.

The reference deployment of docs/deployment.md, on loopback: two gunicorn processes of one instance folder
(secrets and key ring shared), the database in PostgreSQL, rate-limit counters in Redis, evidence blobs in
S3-compatible storage. A real HTTP client walks a flow across them: a document uploaded through one is
downloaded through the other, a sign-out in one ends the session in the other, and wrong passwords spread
over both are throttled as one budget. Run by ``scripts/test`` (``pytest -m deployment``).
"""

from __future__ import annotations

import http.cookiejar
import io
import os
import re
import secrets
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests import seaweed
from tests.deployment import services
from tests.helpers import CSRF_RE

pytestmark = pytest.mark.deployment

TIMEOUT = 15  # seconds, for every request
ASSESSOR = "assessor@clinic.example"
THROTTLED = "frontdesk@clinic.example"
NEW_PASSWORD = "Correct horse battery staple 2026!"


@dataclass(frozen=True)
class Deployment:
    """Two running app processes and the accounts the test uses."""

    a: str
    b: str
    vendor_id: int
    one_time: dict[str, str]


@dataclass
class Answer:
    """One HTTP response, never followed: status, headers and body."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8", errors="replace")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the test looks at each redirect itself


class Browser:
    """One person's browser: a cookie jar shared by every process it talks to (they share the host)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects())

    def request(
        self, url: str, data: bytes | None = None, headers: dict[str, str] | None = None, *, cookies: bool = True
    ) -> Answer:
        """GET (or POST when ``data`` is given) with a timeout; 4xx and 5xx are answers, not exceptions."""
        request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 (loopback URLs)
        opener = self.opener if cookies else urllib.request.build_opener(_NoRedirects())
        try:
            with opener.open(request, timeout=TIMEOUT) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            with error:
                return Answer(error.code, dict(error.headers), error.read())

    def csrf(self, url: str) -> str:
        """The CSRF token of the form at ``url``."""
        page = self.request(url)
        assert page.status == 200, (url, page.status)
        match = CSRF_RE.search(page.text)
        assert match, f"no CSRF token on {url}"
        return match.group(1) or match.group(2)

    def post_form(self, url: str, fields: dict[str, str], form_page: str | None = None) -> Answer:
        """Post a URL-encoded form with the CSRF token of the page showing it (by default, ``url`` itself)."""
        body = urllib.parse.urlencode({"csrf_token": self.csrf(form_page or url), **fields}).encode()
        return self.request(url, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def session_cookie(self) -> str:
        """The session cookie's value."""
        values = [cookie.value for cookie in self.jar if cookie.name == "vendorcheck_session"]
        assert len(values) == 1, values
        return values[0] or ""


def _cli(env: dict[str, str], *args: str) -> str:
    """Run the ``vendorcheck`` command against the shared instance; its output."""
    command = [sys.executable, "-c", "from vendorcheck.cli import main; main()", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _one_time_password(output: str) -> str:
    match = re.search(r"One-time password[^:]*: (\S+)", output)
    assert match, output
    return match.group(1)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """PostgreSQL, Redis, SeaweedFS and two gunicorn processes of one instance; stopped whatever happens."""
    folder = tmp_path_factory.mktemp("deployment")
    try:
        seaweed.find_weed()
        with (
            services.postgresql() as database_url,
            services.redis(folder / "redis") as redis_url,
            seaweed.running(folder / "seaweedfs") as s3,
        ):
            s3.create_bucket()
            port_a, port_b = services.free_port(), services.free_port()
            base = {k: v for k, v in os.environ.items() if not k.startswith("VENDORCHECK_")}
            base.pop("TEST_DATABASE_URL", None)
            env = {
                **base,
                "VENDORCHECK_HOME": str(folder / "instance"),
                "DATABASE_URL": database_url,
                "VENDORCHECK_RATELIMIT_STORAGE_URI": redis_url,
                "VENDORCHECK_PUBLIC_URL": f"http://127.0.0.1:{port_a}",
                "VENDORCHECK_SECURE_COOKIES": "false",  # plain http on loopback; behind TLS in production
                **s3.environ(seaweed.BUCKET, f"d-{secrets.token_hex(4)}/evidence"),
            }
            _cli(env, "init")
            one_time = {
                email: _one_time_password(
                    _cli(env, "users", "create", email, "--role", "assessor", "--organization", "Clinic")
                )
                for email in (ASSESSOR, THROTTLED)
            }
            added = _cli(env, "vendors", "add", "MedBill Partners", "--organization", "Clinic")
            vendor_id = int(re.search(r"Added vendor (\d+)", added).group(1))  # type: ignore[union-attr]
            with (
                services.gunicorn(port_a, env, folder / "a.log") as a,
                services.gunicorn(port_b, env, folder / "b.log") as b,
            ):
                yield Deployment(a, b, vendor_id, one_time)
    except (seaweed.WeedMissing, services.ServiceMissing) as missing:
        if os.environ.get("CI"):
            pytest.fail(f"the deployment test cannot run under CI: {missing}")
        pytest.skip(str(missing))


def _sign_in(browser: Browser, base: str, email: str, password: str) -> Answer:
    return browser.post_form(f"{base}/login", {"email": email, "password": password, "next": ""})


def test_upload_on_one_process_download_on_the_other_and_sign_out_everywhere(deployment: Deployment) -> None:
    a, b = deployment.a, deployment.b
    browser = Browser()
    signed_in = _sign_in(browser, a, ASSESSOR, deployment.one_time[ASSESSOR])
    assert signed_in.status == 302, signed_in.text
    owed = browser.request(f"{a}/")  # a one-time password: a new one is owed before anything else
    assert owed.status == 302 and owed.headers["Location"].endswith("/account/password"), owed.headers
    changed = browser.post_form(
        f"{a}/account/password",
        {"current": deployment.one_time[ASSESSOR], "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert changed.status == 302, changed.text
    vendor_page = f"/vendors/{deployment.vendor_id}"
    for _ in range(2):  # B renders the vendor page, then serves it from its page cache (web.pagecache)
        before = browser.request(f"{b}{vendor_page}")
    assert before.status == 200 and "SOC 2 Type II report" not in before.text

    document = b"%PDF-1.7\n1 0 obj << /Title (deployment " + secrets.token_hex(8).encode() + b") >> endobj\n"
    document += b"%" + os.urandom(300_000).hex().encode() + b"\n%%EOF\n"  # several S3 parts' worth of ciphertext
    path = f"/vendors/{deployment.vendor_id}/evidence/new"
    form = {"csrf_token": browser.csrf(f"{a}{path}"), "kind": "soc2_report", "title": "SOC 2 Type II report"}
    boundary, body = encode_multipart({**form, "document": FileStorage(io.BytesIO(document), "soc2.pdf")})
    uploaded = browser.request(f"{a}{path}", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert uploaded.status == 302, uploaded.text
    evidence_path = urllib.parse.urlsplit(uploaded.headers["Location"]).path
    assert re.fullmatch(r"/evidence/\d+", evidence_path), evidence_path

    shown = browser.request(f"{b}{vendor_page}")  # B's kept page gives way to the upload made through A
    assert shown.status == 200 and "SOC 2 Type II report" in shown.text

    downloaded = browser.request(f"{b}{evidence_path}/versions/1/download")  # the other process
    assert downloaded.status == 200, downloaded.text[:500]
    assert downloaded.body == document

    cookie = {"Cookie": f"vendorcheck_session={browser.session_cookie()}"}
    copied = Browser().request(f"{b}/", headers=cookie, cookies=False)
    assert copied.status == 200, copied.headers  # the copied cookie works on B while the session lives
    signed_out = browser.post_form(f"{a}/logout", {}, form_page=f"{a}/")
    assert signed_out.status == 302 and signed_out.headers["Location"].endswith("/login")
    refused = Browser().request(f"{b}/", headers=cookie, cookies=False)
    assert refused.status == 302 and "/login" in refused.headers["Location"], refused.headers


def test_wrong_passwords_spread_over_both_processes_share_one_budget(deployment: Deployment) -> None:
    browser = Browser()
    answers = [
        _sign_in(browser, base, THROTTLED, f"wrong password {attempt}")
        for attempt, base in enumerate([deployment.a, deployment.b] * 3)
    ]
    assert [answer.status for answer in answers] == [401] * 5 + [429]
    assert "Too many sign-in attempts" in answers[-1].text
    # The budget is the account's, on every process: even the right password waits now.
    right = _sign_in(browser, deployment.b, THROTTLED, deployment.one_time[THROTTLED])
    assert right.status == 429
