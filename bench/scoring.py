"""Scoring benchmark: assessments scored per second, and the comparison page's queries and render time.

    python -m bench.scoring [--vendors 200] [--seconds 3]

Seeds a fresh instance (SQLite, in a temporary folder) with N vendors, each with one submitted assessment
answering all three shipped questionnaires in full (answers vary per vendor), then prints:
- assessments scored per second by the pure engine on one core (inputs already loaded: the engine alone);
- the same through the database layer (load + score), for the 200 vendors at once;
- the comparison page's SQL statement count and render time for 2, 20 and N vendors.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PASSWORD = "a long bench password 1"  # noqa: S105  (a throwaway instance)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=3.0)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vc-bench-scoring-") as folder:
        home = Path(folder) / "home"
        env = dict(os.environ, VENDORCHECK_HOME=str(home))
        env.pop("DATABASE_URL", None)
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from vendorcheck.cli import main; main()",
                "init",
                "--admin-email",
                "admin@bench.example",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        os.environ["VENDORCHECK_HOME"] = str(home)
        os.environ.pop("DATABASE_URL", None)
        run(options.vendors, options.seconds)


def run(count: int, seconds: float) -> None:
    from sqlalchemy import event, select

    from vendorcheck import accounts, assessments, create_app, scores
    from vendorcheck.demo.answers import answers_for
    from vendorcheck.models import (
        ActorKind,
        Answer,
        Assessment,
        AssessmentQuestionnaire,
        AssessmentStatus,
        PhiVolume,
        Role,
        Vendor,
        VendorStatus,
    )
    from vendorcheck.scoring import score
    from vendorcheck.web import database

    # production settings (links are not used), but cookies over plain HTTP: the test client is not a browser on HTTPS
    app = create_app({"public_url": "http://127.0.0.1:5000", "secure_cookies": False})
    library = app.extensions["vendorcheck.questionnaires"]
    today = date.today()
    started = time.perf_counter()
    with app.app_context():
        session = database.session()
        org, _ = accounts.get_or_create_organization(session, "Bench Practice")
        accounts.create_user(session, org, "owner@bench.example", Role.VIEWER, PASSWORD)
        versions = [assessments.pin(session, q) for q in library.values()]
        volumes = list(PhiVolume)
        for number in range(count):
            vendor = Vendor(
                org_id=org.id,
                name=f"Bench Billing {number:03d}",
                status=VendorStatus.SHORTLISTED,
                phi_volume=volumes[number % len(volumes)],
                stores_phi=number % 2 == 0,
                offshore=number % 5 == 0,
                uses_subcontractors=number % 3 == 0,
            )
            session.add(vendor)
            session.flush()
            assessment = Assessment(
                org_id=org.id, vendor_id=vendor.id, title="Bench", status=AssessmentStatus.SUBMITTED
            )
            assessment.parts = [
                AssessmentQuestionnaire(questionnaire_version_id=v.id, position=i) for i, v in enumerate(versions)
            ]
            strength = 0.35 + 0.6 * ((number * 37) % 100) / 100
            for questionnaire in library.values():
                for qid, value in answers_for(questionnaire, strength, {}, today, vendor.name).items():
                    assessment.answers.append(
                        Answer(question_id=qid, value=value, entered_by_kind=ActorKind.VENDOR_LINK)
                    )
            session.add(assessment)
        session.commit()
        took = time.perf_counter() - started
        print(f"seeded {count} vendors with full answers to {len(library)} questionnaires in {took:.1f} s")

        vendors = list(session.scalars(select(Vendor).where(Vendor.org_id == org.id).order_by(Vendor.id)))
        profile = scores.current_profile(session, org.id)
        started = time.perf_counter()
        entries = scores.score_vendors(session, vendors, profile)
        loaded = time.perf_counter() - started
        print(f"load and score {count} vendors from the database: {loaded * 1000:.0f} ms ({count / loaded:,.0f}/s)")

        # The engine alone, on one core: rebuild each vendor's inputs once, then score them round and round.
        from vendorcheck.scoring import Inputs

        inputs = []
        for entry in entries:
            assert entry.score is not None
            inputs.append(
                Inputs(
                    [q for q in library.values()],
                    entry.answers,
                    frozenset(),
                    {},
                    scores.vendor_profile(entry.vendor),
                    today,
                )
            )
        session.expunge_all()  # the engine alone: the ORM rows seeded above are not its memory to scan
        gc.collect()
        gc.freeze()
        rates = []  # one per round over every vendor: the machine's noise shows as their spread
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            began = time.perf_counter()
            for item in inputs:
                score(item, profile)
            rates.append(len(inputs) / (time.perf_counter() - began))
        rates.sort()
        questions = sum(len(q.questions) for q in library.values())
        print(
            f"engine, one core ({questions} questions each): median {rates[len(rates) // 2]:,.0f} assessments/s, "
            f"best {rates[-1]:,.0f}, worst {rates[0]:,.0f} over {len(rates)} rounds of {len(inputs)}"
        )

        vendor_ids = [v.id for v in vendors]

    # Requests outside the seeding's app context, as a server makes them (each request gets its own ``g``).
    statements: list[str] = []  # as SQLite runs them (its trace callback): the driver's own reads counted too

    def trace(dbapi_connection, _record, _proxy) -> None:
        dbapi_connection.set_trace_callback(statements.append)

    def untrace(dbapi_connection, _record) -> None:
        dbapi_connection.set_trace_callback(None)

    engine = database.engine(app)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    form = {"email": "owner@bench.example", "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=form).status_code == 302, "sign-in failed"
    client.get("/compare")  # warm up: the first request also loads the signed-in user and the profile
    # Rendering is measured with the page cache off; its hits separately, after.
    page_cache, app.extensions["vendorcheck.pages"] = app.extensions["vendorcheck.pages"], None
    for size in sorted({2, 20, count}):
        query = "&".join(f"vendor={v}" for v in vendor_ids[:size])
        statements.clear()
        event.listen(engine, "checkout", trace)
        event.listen(engine, "checkin", untrace)
        started = time.perf_counter()
        response = client.get(f"/compare?{query}")  # cold: the engine scores every vendor
        elapsed = time.perf_counter() - started
        event.remove(engine, "checkout", trace)
        event.remove(engine, "checkin", untrace)
        assert response.status_code == 200, response.status_code
        warm = median_ms(client, f"/compare?{query}")  # warm: the scores come from their cache (scores.cache)
        pages, app.extensions["vendorcheck.pages"] = app.extensions["vendorcheck.pages"], page_cache
        client.get(f"/compare?{query}")  # kept in the page cache (web.pagecache)
        kept = median_ms(client, f"/compare?{query}")
        app.extensions["vendorcheck.pages"] = pages
        print(
            f"comparison page, {size:>3} vendors: {len(statements)} SQL statements (BEGIN and ROLLBACK included), "
            f"rendered in {elapsed * 1000:.0f} ms cold, {warm:.0f} ms warm, {kept:.1f} ms from the page cache "
            f"(medians of 5; {len(response.get_data()) // 1024} KiB)"
        )
    database.engine(app).dispose()


def median_ms(client, path: str) -> float:  # type: ignore[no-untyped-def]
    """The median of five requests for ``path``, in milliseconds."""
    times = []
    for _ in range(5):
        began = time.perf_counter()
        assert client.get(path).status_code == 200
        times.append(time.perf_counter() - began)
    return sorted(times)[2] * 1000


if __name__ == "__main__":
    main()
