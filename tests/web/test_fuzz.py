"""Hostile values into every field of every route, for every method and role: never a 500, never an ERROR logged.

The routes come from ``app.url_map`` and the field names from the pages themselves (every ``<form>`` the
seeded pages render, parsed for its inputs, selects and textareas), so a new route or field is fuzzed without
anyone listing it here. Each Hypothesis example is one sweep over every route and method: once with the
seeded objects' real ids and tokens in the URL, once with hostile values there, each time with hostile form
or query values, as a role allowed to reach the view (admin, assessor, viewer, auditor, an anonymous visitor
or the vendor holding the link). It is bounded and deterministic for the default suite; set
``FUZZ_SWEEPS`` to run more sweeps.
"""

from __future__ import annotations

import io
import itertools
import logging
import os
import random
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, Rule

from tests.helpers import World
from tests.web.conftest import Targets, methods_of, seed_links, sign_in, token_for, walked_rules
from vendorcheck.models import Organization, Role
from vendorcheck.permissions import can
from vendorcheck.web.access import PUBLIC

EXAMPLES = int(os.environ.get("FUZZ_SWEEPS", "3"))
VENDOR_LINK = "vendor link"  # the anonymous holder of a working vendor link
ANONYMOUS = "anonymous"

NUMBERS = ["1e400", "-1e400", "1e-400", "-0", "NaN", "nan", "inf", "-inf", "Infinity", "1_000", "0x1F", "٣", "²"]
NUMBERS += [str(2**63), str(2**64), str(-(2**63) - 1), "9" * 5000, "0." + "0" * 5000 + "1", "1" * 400 + ".5"]
# Exponents whose int() used to take minutes (finding 1): every field gets them, answers above all.
HUGE_EXPONENTS = ["1e1000000", "-9e999999999", "1E+99999999"]
DATES = ["9999-12-31", "0000-00-00", "2026-02-30", "0001-01-01", "2026-13-01", "-2026-01-01", "99999-01-01"]
TEXTS = ["", " ", "\x00", "a\x00b", "\r\n", "x\r\nSet-Cookie: stolen=1", "\u202eexe.fdp", "\ufeff", "\ud7ff", "%00"]
TEXTS += ["x" * 70_000, "<script>alert(1)</script>", "../../etc/passwd", "=cmd|' /C calc'!A0", "'; DROP TABLE users;--"]
CHOICES = ["no-such-choice", "admin", "__proto__", "None", "true", "on", "1", "0", "-1", "accept", "reject", "yes"]
URL_INTS = [2**63, 2**64, 10**30, 0]
URL_TEXTS = ["\x00", "a\r\nb", "\u202egnp.exe", "x" * 5000, "..", "%2e%2e", "no-such-token", "☃"]

LISTED = NUMBERS + HUGE_EXPONENTS + DATES + TEXTS + CHOICES
# Characters for made-up text: ASCII, controls, combining marks, right-to-left, astral, the surrogate edge.
ALPHABET = "aZ09 -_.,:;/'\"<>&%+=*\x00\x01\x1f\x7f\t\n\r\u0301\u200b\u202e\u05d0\u0627\u4e2d\ufeff\uffff\U0001f600"


def _any_value(rng: random.Random) -> str:
    """One hostile value: a listed one (numbers, dates, texts, choices known to hurt) or made-up text."""
    if rng.random() < 0.8:
        return rng.choice(LISTED)
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 30)))


def _value_for(rng: random.Random) -> str | list[str]:
    """One hostile value for a field, sometimes several (a repeated field)."""
    return _any_value(rng) if rng.random() < 0.8 else [_any_value(rng) for _ in range(rng.randint(2, 3))]


@dataclass
class FormShape:
    """A form found on a page: where it goes, how, and the names of its fields."""

    action: str
    method: str
    multipart: bool
    fields: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    where: dict[str, object] = field(default_factory=dict)  # URL values that say which part (a section's number)


class _FormParser(HTMLParser):
    """Collects every form of a page with its input, select and textarea names."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: list[FormShape] = []
        self.current: FormShape | None = None
        self.by_id: dict[str, FormShape] = {}  # forms a field elsewhere names with form="id"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            action = urlsplit(attributes.get("action") or self.page_path).path
            method = (attributes.get("method") or "get").upper()
            self.current = FormShape(action, method, attributes.get("enctype") == "multipart/form-data")
            self.forms.append(self.current)
            if attributes.get("id"):
                self.by_id[attributes["id"] or ""] = self.current
            if attributes.get("data-autosave"):  # the page's script posts the same fields there
                autosave = FormShape(urlsplit(attributes["data-autosave"] or "").path, "POST", False)
                autosave.fields = self.current.fields  # shared: the fields read below count for both
                self.forms.append(autosave)
        elif tag in ("input", "select", "textarea", "button") and attributes.get("name"):
            owner = self.by_id.get(attributes["form"] or "") if attributes.get("form") else self.current
            if owner is None:
                return
            name = attributes["name"] or ""
            (owner.files if attributes.get("type") == "file" else owner.fields).add(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None


@dataclass
class Discovered:
    """The forms every route receives, keyed by (endpoint, method), found by reading the seeded pages."""

    forms: dict[tuple[str, str], list[FormShape]]
    all_names: list[str]


def _discover(app: Flask, world: World, targets: Targets) -> Discovered:
    forms: dict[tuple[str, str], list[FormShape]] = defaultdict(list)
    adapter = app.url_map.bind("localhost")
    pages = {_url(rule, targets, {}) for rule in walked_rules(app) if "GET" in rule.methods}
    sections = range(1, 12)  # the seeded questionnaire's sections, on both answering pages
    pages |= {f"/a/{targets.tokens['portal.']}/s/{n}" for n in sections}
    pages |= {f"/assessments/{targets.own['assessment_id']}/s/{n}" for n in sections}
    for role in (Role.ADMIN, None):
        for page in sorted(pages):
            client = app.test_client()
            if role is not None:
                sign_in(client, world.users[role])
            with client.get(page) as response:
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                parser = _FormParser(page)
                parser.feed(response.get_data(as_text=True))
            for shape in parser.forms:
                try:
                    endpoint, args = adapter.match(shape.action, method=shape.method)
                except HTTPException:
                    continue
                shape.where = {k: v for k, v in args.items() if k not in targets.own and k != "token"}
                forms[(endpoint, shape.method)].append(shape)
    names = sorted({n for shapes in forms.values() for s in shapes for n in s.fields})
    return Discovered(dict(forms), names)


def _url(rule: Rule, targets: Targets, hostile: dict[str, object]) -> str:
    values: dict[str, object] = {}
    for arg in rule.arguments:
        if arg in hostile:
            values[arg] = hostile[arg]
        elif arg == "question_id":
            values[arg] = "baa_will_sign"
        elif arg == "token":
            values[arg] = token_for(targets, rule.endpoint) or "no-such-token"
        else:
            values[arg] = targets.own.get(arg, 1)
    return rule.build(values, append_unknown=False)[1]


def _roles_for(app: Flask, rule: Rule) -> list[Role | str]:
    """Who reaches the view itself: the roles holding its capability; everyone for public routes."""
    capability = app.view_functions[rule.endpoint].required_capability
    if capability == PUBLIC:
        return [*Role, ANONYMOUS, VENDOR_LINK] if rule.endpoint.startswith("portal.") else [*Role, ANONYMOUS]
    return [role for role in Role if can(role, capability)]


def _order(rule: Rule) -> tuple[bool, str]:
    """Admin routes last: a hostile post there (the MFA policy) changes what everyone else may reach."""
    return (rule.endpoint.startswith("admin."), rule.rule)


@pytest.fixture
def fuzz_app(app: Flask) -> Flask:
    """The app with CSRF off, so hostile values reach the views rather than stopping at the token check."""
    app.config["WTF_CSRF_ENABLED"] = False
    return app


_addresses = itertools.count(1)


def _client(app: Flask, dbs: Session, world: World, role: Role | str) -> FlaskClient:
    """A fresh client from an address of its own (so throttling never hides a route), signed in as ``role``."""
    client = app.test_client()
    n = next(_addresses)
    client.environ_base["REMOTE_ADDR"] = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    if isinstance(role, Role):
        user = world.users[role]
        dbs.rollback()  # see what earlier requests changed (a signed-out-everywhere session version)
        dbs.refresh(user)
        sign_in(client, user)
    return client


def _shape(rng: random.Random, shapes: list[FormShape]) -> FormShape:
    """One of the forms found for a route (a section page's, say), or an empty one when the pages have none."""
    return rng.choice(shapes) if shapes else FormShape("", "POST", False)


def _payload(rng: random.Random, shape: FormShape, names: list[str]) -> tuple[dict[str, object], bool]:
    """Hostile values for the fields of ``shape``, plus a few field names from other forms."""
    chosen = set(shape.fields) | ({rng.choice(names) for _ in range(rng.randint(0, 3))} if names else set())
    payload: dict[str, object] = {name: _value_for(rng) for name in sorted(chosen)}
    for name in sorted(shape.files):
        content = rng.choice([b"", b"%PDF-1.7\n\x00\xff", b"MZ\x90\x00", b"PK\x03\x04junk"])
        payload[name] = (io.BytesIO(content), rng.choice([*TEXTS[:9], "a.pdf", "x" * 300 + ".pdf"]))
    return payload, shape.multipart


def _send(client: FlaskClient, method: str, url: str, payload: dict[str, object], multipart: bool) -> int:
    """One request, its body read to the end (a streamed response fails while streaming, not before)."""
    if method == "GET":
        query = {k: v for k, v in payload.items() if not isinstance(v, tuple)}
        with client.get(url, query_string=query) as response:
            response.get_data()
            return response.status_code
    content_type = "multipart/form-data" if multipart else "application/x-www-form-urlencoded"
    body = payload if multipart else {k: v for k, v in payload.items() if not isinstance(v, tuple)}
    with client.open(url, method=method, data=body, content_type=content_type) as response:
        response.get_data()
        return response.status_code


def _restore_baseline(app: Flask, dbs: Session, world: World, targets: Targets) -> None:
    """Give each sweep fresh links and an open assessment; undo the policy a previous sweep may have set."""
    dbs.rollback()
    org = dbs.get(Organization, world.org.id)
    org.mfa_required = False
    dbs.commit()
    assessment_id, tokens = seed_links(app, dbs, org, targets.own["vendor_id"])
    targets.own["assessment_id"] = assessment_id
    targets.tokens.update(tokens)


@settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same sweeps on every run, so CI is deterministic
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # every failure of a sweep is reported; shrinking would replay sweeps
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_no_request_shape_answers_500(
    fuzz_app: Flask,
    dbs: Session,
    world: World,
    targets: Targets,
    caplog: pytest.LogCaptureFixture,
    data: st.DataObject,
) -> None:
    app = fuzz_app
    if not hasattr(app, "_fuzz_forms"):
        app._fuzz_forms = _discover(app, world, targets)  # type: ignore[attr-defined]
    discovered: Discovered = app._fuzz_forms  # type: ignore[attr-defined]
    _restore_baseline(app, dbs, world, targets)
    # One draw per sweep seeds every choice in it: thousands of separate draws cost Hypothesis more time than the
    # requests themselves (its bookkeeping grows with the draws), and sweeps are never shrunk anyway.
    rng = random.Random(data.draw(st.integers(0, 2**32 - 1), label="sweep seed"))
    caplog.clear()
    failures = []
    for rule in sorted(walked_rules(app), key=_order):
        for method in methods_of(rule):
            for hostile_url in (False, True):
                hostile: dict[str, object] = {}
                if hostile_url:
                    if not rule.arguments:
                        continue
                    arg = rng.choice(sorted(rule.arguments))
                    is_int = isinstance(rule._converters[arg], IntegerConverter)
                    hostile[arg] = rng.choice(URL_INTS if is_int else URL_TEXTS)
                shape = _shape(rng, discovered.forms.get((rule.endpoint, method), []))
                url = _url(rule, targets, hostile or shape.where)  # objects and links: this sweep's fresh ones
                role = rng.choice(_roles_for(app, rule))
                payload, multipart = _payload(rng, shape, discovered.all_names)
                with caplog.at_level(logging.ERROR):
                    try:
                        status = _send(_client(app, dbs, world, role), method, url, payload, multipart)
                    except Exception as exc:  # what escaped the error pages is the finding
                        status = f"raised {type(exc).__name__}: {exc}"  # type: ignore[assignment]
                errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
                caplog.clear()
                if status == 500 or not isinstance(status, int) or errors:
                    shown = {k: (repr(v)[:60] if not isinstance(v, tuple) else "<file>") for k, v in payload.items()}
                    failures.append(f"{method} {url[:90]} as {role}: {status} {errors[:1]} with {shown}")
    assert failures == [], "\n".join(failures)
