"""Saving answers: hidden questions take nothing, and saves from pages opened at the same time lose nothing."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.helpers import Auth, World, csrf_token
from tests.web.test_assessments import answers, create_and_send, vendor_post
from tests.web.test_evidence import pdf, post_multipart
from vendorcheck import assessments
from vendorcheck.assessments import Entry
from vendorcheck.assessments.answering import HIDDEN
from vendorcheck.audit import Actor
from vendorcheck.models import Assessment, Evidence, Vendor


class AnswerForm(HTMLParser):
    """What a browser would send from a page's answers form (enabled fields, checked boxes, textareas; nothing
    inside a disabled fieldset, such as a hidden follow-up; nothing another form owns through ``form=``)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._inside = False
        self._textarea: str | None = None
        self._fieldsets: list[bool] = []  # disabled, per open fieldset
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._inside = found.get("id") == "answers-form"
        if tag == "fieldset":
            self._fieldsets.append("disabled" in found)
        if not self._inside or "disabled" in found or "name" not in found or any(self._fieldsets):
            return
        if found.get("form", "answers-form") != "answers-form":
            return
        if tag == "textarea":
            self._textarea = found["name"]
            self.fields.append((self._textarea, ""))
        elif tag == "input" and (found.get("type") not in ("radio", "checkbox") or "checked" in found):
            self.fields.append((found["name"], found.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "fieldset" and self._fieldsets:
            self._fieldsets.pop()
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._inside = False

    def with_changes(self, **changes: str) -> dict[str, list[str]]:
        """The fields with some replaced (``q_soc2_period_end="..."`` sets ``q-soc2_period_end``)."""
        data: dict[str, list[str]] = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        for key, value in changes.items():
            prefix, _, qid = key.partition("_")
            data[f"{prefix}-{qid}"] = [value]
        return data


@pytest.fixture
def sent(client: FlaskClient, auth: Auth, world: World, vendor: Vendor) -> tuple[int, str]:
    """A SOC 2 review sent to the vendor: (assessment id, link path)."""
    return create_and_send(client, auth, world, vendor, "soc2-review")


# Hidden questions take nothing


def test_a_question_hidden_by_the_answers_takes_no_document(app: Flask, dbs: Session, sent) -> None:
    _, link = sent
    vendor_client = app.test_client()
    vendor_post(vendor_client, link, 1, {"q-soc2_has_report": "no"})
    form = {"csrf_token": csrf_token(vendor_client, f"{link}/s/1"), "file": (io.BytesIO(pdf()), "soc2.pdf")}
    response = post_multipart(vendor_client, f"{link}/q/soc2_report_upload/evidence", form)
    assert response.status_code == 302
    page = vendor_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This question is not asked given your other answers, so it takes no document" in page
    dbs.rollback()
    assert dbs.scalar(select(func.count()).select_from(Evidence)) == 0


@pytest.mark.parametrize("path", ["portal", "on_behalf"])
def test_a_question_hidden_by_the_answers_takes_no_answer(
    app: Flask, client: FlaskClient, dbs: Session, sent, path: str
) -> None:
    assessment_id, link = sent
    vendor_client = app.test_client()
    vendor_post(vendor_client, link, 1, {"q-soc2_has_report": "no"})
    data = {"q-soc2_has_report": "no", "q-soc2_report_type": "type_2", "c-soc2_period_end": "sneaked in"}
    if path == "portal":
        response = vendor_post(vendor_client, link, 1, data)
    else:
        page = f"/assessments/{assessment_id}/s/1"
        response = client.post(page, data={"csrf_token": csrf_token(client, page), **data})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Is the report Type I or Type II?”: This question is not asked given your other answers" in body
    saved = answers(dbs, assessment_id)
    assert saved["soc2_has_report"].value == "no"
    assert "soc2_report_type" not in saved and "soc2_period_end" not in saved


def test_the_service_decides_visibility_on_the_answers_as_saved(app: Flask, dbs: Session, sent) -> None:
    """Spreadsheet and command-line imports go through the same rule; a question shown by this save takes its answer."""
    assessment_id, _ = sent
    form = assessments.sheet_of(dbs, dbs.get(Assessment, assessment_id))
    result = assessments.save(
        dbs,
        Actor.cli(),
        form,
        {"soc2_has_report": Entry("yes"), "soc2_report_type": Entry("type_2"), "soc2_period_end": Entry("2026-06-30")},
        on_behalf=True,
    )
    assert result.errors == {} and sorted(result.changed) == ["soc2_has_report", "soc2_period_end", "soc2_report_type"]
    # Saying "no" while changing a follow-up: the follow-up is refused; left as it was, it is no error.
    result = assessments.save(
        dbs,
        Actor.cli(),
        form,
        {"soc2_has_report": Entry("no"), "soc2_report_type": Entry("type_1"), "soc2_period_end": Entry("2026-06-30")},
        on_behalf=True,
    )
    assert result.errors == {"soc2_report_type": HIDDEN} and result.changed == ["soc2_has_report"]
    assert form.answers["soc2_report_type"].value == "type_2"


# Saves from pages opened at the same time


def _prepared(app: Flask, link: str) -> FlaskClient:
    vendor_client = app.test_client()
    first = {"q-soc2_has_report": "yes", "q-soc2_report_type": "type_2", "q-soc2_period_end": "2026-06-30"}
    assert vendor_post(vendor_client, link, 1, first).status_code == 302
    return vendor_client


def test_two_pages_changing_different_answers_keep_both_changes(app: Flask, dbs: Session, sent) -> None:
    assessment_id, link = sent
    vendor_client = _prepared(app, link)
    tab_a = AnswerForm(vendor_client.get(f"{link}/s/1").get_data(as_text=True))
    tab_b = AnswerForm(vendor_client.get(f"{link}/s/1").get_data(as_text=True))
    assert vendor_client.post(f"{link}/s/1", data=tab_a.with_changes(q_soc2_period_end="2026-07-31")).status_code == 302
    response = vendor_client.post(f"{link}/s/1", data=tab_b.with_changes(q_soc2_report_type="type_1"))
    assert response.status_code == 302
    saved = answers(dbs, assessment_id)
    assert saved["soc2_period_end"].value == "2026-07-31" and saved["soc2_report_type"].value == "type_1"


def test_ten_pages_saved_at_once_keep_ten_changes(app: Flask, dbs: Session, sent) -> None:
    """The issue's observation: each page re-posts the others' stale values; every change must survive."""
    assessment_id, link = sent
    vendor_client = _prepared(app, link)
    tabs = [AnswerForm(vendor_client.get(f"{link}/s/1").get_data(as_text=True)) for _ in TEN_CHANGES]
    for tab, (field, value) in zip(tabs, TEN_CHANGES.items(), strict=True):
        response = vendor_client.post(f"{link}/s/1", data=tab.with_changes(**{field: value}))
        assert response.status_code == 302, response.get_data(as_text=True)
    saved = answers(dbs, assessment_id)
    for field, value in TEN_CHANGES.items():
        part, _, qid = field.partition("_")
        stored = saved[qid].comment if part == "c" else saved[qid].value
        assert str(stored) == value, field


TEN_CHANGES = {
    "c_soc2_has_report": "From our auditor",
    "c_soc2_report_type": "Type II since 2023",
    "c_soc2_period_start": "Calendar year",
    "c_soc2_period_end": "Renewed yearly",
    "c_soc2_period_months": "Twelve",
    "c_soc2_categories": "Security only",
    "q_soc2_period_start": "2025-07-01",
    "q_soc2_period_end": "2026-07-31",
    "q_soc2_period_months": "12",
    "q_soc2_report_type": "type_1",  # last: a Type I report has no period in months, so it hides that question
}


def test_the_second_change_to_the_same_answer_is_told_not_lost(app: Flask, dbs: Session, sent) -> None:
    assessment_id, link = sent
    vendor_client = _prepared(app, link)
    tab_a = AnswerForm(vendor_client.get(f"{link}/s/1").get_data(as_text=True))
    tab_b = AnswerForm(vendor_client.get(f"{link}/s/1").get_data(as_text=True))
    assert vendor_client.post(f"{link}/s/1", data=tab_a.with_changes(q_soc2_period_end="2026-07-31")).status_code == 302
    # The second page changed the same date (and a comment elsewhere): the date is refused with what is stored now,
    # the person's date stays in the field, and the comment is saved.
    data = tab_b.with_changes(q_soc2_period_end="2026-08-31", c_soc2_report_type="Twelve months")
    response = vendor_client.post(f"{link}/s/1", data=data)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "This answer was changed by someone else since you opened this page: now “2026-07-31”." in body
    assert 'value="2026-08-31"' in body
    saved = answers(dbs, assessment_id)
    assert saved["soc2_period_end"].value == "2026-07-31" and saved["soc2_report_type"].comment == "Twelve months"
    # Saving the re-rendered page again is a deliberate choice: now it replaces the other change.
    again = AnswerForm(body)
    assert vendor_client.post(f"{link}/s/1", data=again.with_changes()).status_code == 302
    assert answers(dbs, assessment_id)["soc2_period_end"].value == "2026-08-31"


def test_the_assessor_on_behalf_and_the_vendor_keep_each_others_changes(
    app: Flask, client: FlaskClient, dbs: Session, sent
) -> None:
    assessment_id, link = sent
    vendor_client = _prepared(app, link)
    assessor_page = AnswerForm(client.get(f"/assessments/{assessment_id}/s/1").get_data(as_text=True))
    vendor_page = AnswerForm(vendor_client.get(f"{link}/s/1").get_data(as_text=True))
    assert (
        vendor_client.post(f"{link}/s/1", data=vendor_page.with_changes(q_soc2_period_end="2026-09-30")).status_code
        == 302
    )
    response = client.post(
        f"/assessments/{assessment_id}/s/1", data=assessor_page.with_changes(q_soc2_period_start="2025-10-01")
    )
    assert response.status_code == 302
    saved = answers(dbs, assessment_id)
    assert saved["soc2_period_end"].value == "2026-09-30" and saved["soc2_period_start"].value == "2025-10-01"


def test_a_form_without_what_it_showed_still_saves_as_posted(app: Flask, dbs: Session, sent) -> None:
    """Imports and older pages send no ``seen``: their values are stored as before."""
    assessment_id, link = sent
    vendor_client = _prepared(app, link)
    assert (
        vendor_post(vendor_client, link, 1, {"q-soc2_has_report": "yes", "q-soc2_report_type": "type_1"}).status_code
        == 302
    )
    assert answers(dbs, assessment_id)["soc2_report_type"].value == "type_1"
