"""axe-core over every page type, as each role and as a vendor through its link: no critical or serious violation.

The pages are found by walking the links each role sees from its landing page (one page per route shape:
``/vendors/3`` and ``/vendors/4`` are one type), so a page added later is checked without being listed here.
axe-core comes from PyPI (``axe-playwright-python`` bundles ``axe.min.js``), never from a CDN; it is injected
through the DevTools protocol, which the pages' strict CSP does not govern.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from tests.e2e.conftest import LiveDemo
from tests.e2e.test_browser import sign_in
from vendorcheck.assessments import links
from vendorcheck.assessments.lifecycle import OPEN_FOR_VENDOR
from vendorcheck.audit import Actor
from vendorcheck.enums import AssessmentStatus
from vendorcheck.models import Assessment
from vendorcheck.web import database

pytestmark = pytest.mark.e2e

ROLES = (
    "compliance@riverside.example",
    "owner@riverside.example",
    "auditor@riverside.example",
    "admin@riverside.example",
)
SEVERE = {"critical", "serious"}
MAX_PAGES = 60  # page types per role, far above what there is: a bound in case a link generator runs away
# Links that are not pages to check: files, and ones that end the session.
NOT_PAGES = re.compile(r"(\.(xlsx|csv|json|pdf|zip|pem)$|/download|/logout|/sign-out|/export|/packet)", re.IGNORECASE)


def _shape(path: str) -> str:
    """The route a path belongs to: numbers and tokens replaced, so each page type is visited once."""
    path = re.sub(r"/a/[^/]+", "/a/TOKEN", path)
    return re.sub(r"/\d+", "/N", path)


def _violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — {len(violation['nodes'])} element(s)"
        for violation in results.response["violations"]
        if violation["impact"] in SEVERE
    ]


def _walk(page, start: str, origin: str, prefix: str = "/") -> dict[str, list[str]]:
    """Visit every page type reachable from ``start`` under ``prefix``; the severe violations of each."""
    found: dict[str, list[str]] = {}
    queue, seen = [start], {_shape(urlsplit(start).path)}
    while queue and len(found) < MAX_PAGES:
        url = queue.pop(0)
        response = page.goto(url)
        if (
            response is None
            or response.status >= 400
            or not response.headers.get("content-type", "").startswith("text/html")
        ):
            continue
        found[_shape(urlsplit(page.url).path)] = _violations(page)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urljoin(page.url, href).split("#")[0]
            parts = urlsplit(target)
            shape = _shape(parts.path)
            if f"{parts.scheme}://{parts.netloc}" != origin or not parts.path.startswith(prefix):
                continue
            if NOT_PAGES.search(parts.path) or shape in seen:
                continue
            seen.add(shape)
            queue.append(target)
    return found


@pytest.mark.parametrize("email", ROLES)
def test_every_page_a_role_reaches_has_no_serious_accessibility_violation(page, live_demo: LiveDemo, email) -> None:
    sign_in(page, live_demo, email)
    page.wait_for_load_state()
    enrolment: dict[str, list[str]] = {}
    if urlsplit(page.url).path == "/account/mfa":  # admins and auditors must turn on two-step sign-in first
        pyotp = pytest.importorskip("pyotp")
        enrolment["/account/mfa (enrolment)"] = _violations(page)
        page.get_by_label("Code shown by the app").fill(pyotp.TOTP(page.locator("#mfa-secret").inner_text()).now())
        page.get_by_role("button", name="Turn on two-step sign-in").click()
        enrolment["/account/mfa (recovery codes)"] = _violations(page)
        page.get_by_role("link", name="I have saved them: continue").click()
        page.wait_for_load_state()
    found = enrolment | _walk(page, page.url, live_demo.url)
    assert len(found) >= 5, f"only {sorted(found)} reached: the walk did not find the pages"
    print(f"{email}: {len(found)} page types checked")
    bad = {shape: problems for shape, problems in found.items() if problems}
    assert not bad, "\n".join(f"{shape}: {'; '.join(problems)}" for shape, problems in bad.items())


def test_the_vendor_portal_has_no_serious_accessibility_violation(page, live_demo: LiveDemo) -> None:
    assert live_demo.app is not None
    with live_demo.app.app_context():
        session = database.session()
        assessment = session.query(Assessment).filter(Assessment.status.in_(OPEN_FOR_VENDOR)).first()
        if assessment is None:  # every demo questionnaire is back: reopen the newest for the check
            assessment = session.query(Assessment).filter(Assessment.status == AssessmentStatus.DRAFT).first()
        assert assessment is not None, "the demo has no questionnaire a vendor could open"
        token = links.issue_link(session, Actor.cli("accessibility test"), assessment)
        session.commit()
    start = f"{live_demo.url}/a/{token}"
    found = _walk(page, start, live_demo.url, prefix="/a/")
    assert len(found) >= 2, f"only {sorted(found)} reached"
    bad = {shape: problems for shape, problems in found.items() if problems}
    assert not bad, "\n".join(f"{shape}: {'; '.join(problems)}" for shape, problems in bad.items())


def test_the_check_finds_a_serious_violation_when_there_is_one(page) -> None:
    """The harness itself: an image without a text alternative and an unlabelled field are reported."""
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"><input type="text"></main></html>')
    found = " ".join(_violations(page))
    assert "image-alt" in found and "label" in found
