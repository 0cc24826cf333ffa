"""The vendor list: each vendor's assessment stage in plain words, sorted and filtered through the query string."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.helpers import Auth, World
from vendorcheck.assessments.stage import STAGES
from vendorcheck.demo import lifecycle
from vendorcheck.models import Assessment, AssessmentStatus, Role, Vendor, VendorStatus
from vendorcheck.web import database

ROW = re.compile(r'<th scope="row"><a href="/vendors/\d+">([^<]+)</a>')

DEMO_VENDORS = 7  # the four billing companies, the lifecycle story's two, the outgoing one being offboarded


def names(page: str) -> list[str]:
    """The vendors listed, in the order shown."""
    return [html.unescape(name) for name in ROW.findall(page)]


def row_of(page: str, name: str) -> str:
    """The table row of the vendor named."""
    return page[page.index(f">{html.escape(name)}</a>") :].split("</tr>")[0]


@pytest.fixture
def listed(client: FlaskClient, auth: Auth, demo_data: World, lifecycle_vendors: dict[str, Vendor]) -> FlaskClient:
    """The owner signed in, with the demo's vendors (the four compared, and the lifecycle story's two)."""
    auth.login_as(demo_data.users[Role.VIEWER])
    return client


def test_each_vendor_shows_its_assessment_stage_in_plain_words(listed: FlaskClient, vendors) -> None:
    page = listed.get("/").get_data(as_text=True)
    assert '<th scope="col" aria-sort="ascending"><a class="sort"' in page  # by status, as before
    assert ">Assessment stage" in page
    summit = row_of(page, vendors["Summit"].name)
    [submitted] = vendors["Summit"].assessments
    assert f'<a href="/assessments/{submitted.id}">Answers to review</a>' in summit
    assert re.search(r">Reviewed \(\d+ \w{3}( \d{4})?\)</a>", row_of(page, vendors["ClearPath"].name))
    apex = row_of(page, vendors["Apex"].name)
    due = vendors["Apex"].assessments[0].due_date
    assert f"Waiting for the vendor (due {due.day} {due:%b}" in apex and "overdue" not in apex
    copperline = row_of(page, lifecycle.COPPERLINE)
    assert "Waiting for the vendor (due" in copperline and "7 days overdue" in copperline
    cells = re.findall(r'class="stage stage-[a-z_]+"><span>(.*?)</span></td>', page)
    words = [re.sub(r"<[^>]+>", "", cell) for cell in cells]
    assert len(words) == len(names(page)) and all(w.startswith(tuple(STAGES.values())) for w in words), (
        words
    )  # plain words only


def test_every_column_sorts_both_ways_and_the_headings_link_the_other_way(listed: FlaskClient) -> None:
    by_name = names(listed.get("/?sort=name").get_data(as_text=True))
    assert by_name == sorted(by_name, key=str.casefold) and len(by_name) == DEMO_VENDORS
    backwards = listed.get("/?sort=name&order=desc").get_data(as_text=True)
    assert names(backwards) == by_name[::-1]
    assert 'aria-sort="descending"><a class="sort" href="/?sort=name&amp;order=asc">Vendor' in backwards
    by_rating = listed.get("/?sort=rating").get_data(as_text=True)
    ratings = [re.search(r'class="rating rating-([a-z-]+)"', row_of(by_rating, n)).group(1) for n in names(by_rating)]
    assert ratings[-1] == "not-assessed" and ratings[0] == "moderate", ratings  # the best first, the unrated last
    worst_first = listed.get("/?sort=rating&order=desc").get_data(as_text=True)
    worst = [re.search(r'class="rating rating-([a-z-]+)"', row_of(worst_first, n)).group(1) for n in names(worst_first)]
    assert worst[0] == "very-high" and worst[-1] == "not-assessed", worst  # unrated stay last either way
    by_stage = listed.get("/?sort=stage").get_data(as_text=True)
    stages = [re.search(r'class="stage stage-([a-z_]+)"', row_of(by_stage, n)).group(1) for n in names(by_stage)]
    assert stages == sorted(stages, key=["none", "not_sent", "waiting", "to_review", "reviewing", "reviewed"].index)
    by_due = names(listed.get("/?sort=due").get_data(as_text=True))
    assert by_due[0] == lifecycle.NORTHWIND  # the only selected vendor overdue comes first; those never due last
    # A heading keeps the filters in its link (no JavaScript needed).
    filtered = listed.get("/?stage=to_review&q=a").get_data(as_text=True)
    assert 'href="/?q=a&amp;stage=to_review&amp;sort=rating&amp;order=asc">Rating' in filtered


def test_filters_by_name_status_rating_and_stage_and_say_how_many_are_shown(listed: FlaskClient, vendors) -> None:
    to_review = listed.get("/?stage=to_review").get_data(as_text=True)
    assert sorted(names(to_review)) == sorted([vendors["Summit"].name, vendors["BlueHarbor"].name])
    assert f"Showing 2 of {DEMO_VENDORS} vendors." in to_review
    assert names(listed.get("/?q=SUMMIT").get_data(as_text=True)) == [vendors["Summit"].name]
    assert names(listed.get("/?status=selected").get_data(as_text=True)) == [lifecycle.NORTHWIND]
    unrated = names(listed.get("/?rating=not-assessed").get_data(as_text=True))
    assert vendors["Apex"].name in unrated and vendors["Summit"].name not in unrated
    both = listed.get("/?stage=to_review&rating=very-high").get_data(as_text=True)
    assert names(both) == [vendors["Summit"].name]
    assert '<option selected value="very-high">' in both  # the form shows what is applied
    none = listed.get("/?q=no+such+vendor").get_data(as_text=True)
    assert "No vendor matches" in none and f"None of the {DEMO_VENDORS} vendors fits these filters" in none
    # The counts by status filter the list.
    assert '<a href="/?status=shortlisted">' in listed.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sort=evil", "Sort by: choose one of name, rating, status, stage, due; this one was ignored."),
        ("order=sideways", "Order: choose one of asc, desc; this one was ignored."),
        ("stage=%00", "Assessment stage: choose one of none, not_sent"),
        ("rating=10", "Rating: choose one of very-low"),
        ("status=admin", "Status: choose one of shortlisted"),
        ("q=" + "x" * 201, "Search with at most 200 characters."),
    ],
)
def test_an_unknown_filter_is_named_and_dropped_and_the_rest_still_apply(
    listed: FlaskClient, vendors, query: str, message: str
) -> None:
    response = listed.get(f"/?{query}&stage=to_review" if "stage=" not in query else f"/?{query}&q=summit")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html.unescape(page)
    kept = [vendors["Summit"].name] if "stage=" in query else [vendors["BlueHarbor"].name, vendors["Summit"].name]
    assert sorted(names(page)) == sorted(kept)


def test_filtering_and_sorting_take_no_query_per_vendor(
    app: Flask, listed: FlaskClient, demo_data: World, dbs: Session
) -> None:
    engine = database.engine(app)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    query = "/?sort=stage&order=desc&q=e&status=selected"
    event.listen(engine, "before_cursor_execute", count)
    try:
        listed.get(query)
        few = len(statements)
        dbs.rollback()
        for index in range(12):  # more vendors, each with an assessment under way: the queries stay as they were
            extra = Vendor(org_id=demo_data.org.id, name=f"Extra {index}", status=VendorStatus.SELECTED)
            extra.assessments.append(
                Assessment(
                    org_id=demo_data.org.id,
                    status=AssessmentStatus.SENT,
                    due_date=date.today() + timedelta(days=index),
                    title="Extra",
                )
            )
            dbs.add(extra)
        dbs.commit()
        app.extensions["vendorcheck.pages"].clear()  # written here, not through a service: no audit event to see
        statements.clear()
        page = listed.get(query).get_data(as_text=True)
        assert len(statements) <= few + 2, len(statements) - few
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert "Extra 11" in page and "Waiting for the vendor (due" in row_of(page, "Extra 0")
