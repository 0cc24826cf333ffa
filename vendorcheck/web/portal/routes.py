"""The vendor portal: answer section by section through the link, upload evidence, submit.

The token in the URL is the vendor's only credential: it is hashed to find the assessment, never stored or
logged, and each request re-checks that the link is still open. Vendors never see scores, reviews' notes
other than clarification questions, other vendors or anything of the organization beyond this assessment.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse
from wtforms import DateField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from vendorcheck import assessments as service
from vendorcheck import evidence as evidence_service
from vendorcheck.assessments import AnswerSheet, AssessmentError, LinkError
from vendorcheck.audit import Actor
from vendorcheck.evidence import EvidenceDetails
from vendorcheck.models import Assessment, User
from vendorcheck.scoring.proof import coverage
from vendorcheck.web import answering, database, ratelimit
from vendorcheck.web.access import public
from vendorcheck.web.answering import entries_from_post, flash_unshown, section_context
from vendorcheck.web.evidence.forms import question_groups
from vendorcheck.web.forms import ActionForm, NotInFuture
from vendorcheck.web.portal import bp
from vendorcheck.web.security import csrf
from vendorcheck.web.uploads import Receiver, receive, upload_context


class SlotForm(FlaskForm):
    """The fields sent with a document uploaded into a question's evidence slot."""

    title = StringField("Title (optional)", validators=[Optional(), Length(max=300)])
    issued_on = DateField("Issued on (optional)", validators=[Optional(), NotInFuture()])
    also = SelectMultipleField(
        "Other answers it shows (optional)",
        choices=[],
        description="Tick any other answers this document shows to be true, so the practice can check them too.",
    )


def _slot_form(sheet: AnswerSheet, **kwargs: object) -> SlotForm:
    """A slot's form offering every scored question of this assessment, grouped by section."""
    form = SlotForm(**kwargs)
    library = {q.key: q for q in sheet.questionnaires}
    form.also.choices = {group: [SelectChoice(i, t) for i, t in items] for group, items in question_groups(library)}
    return form


def _open(token: str) -> tuple[Assessment | None, str | BaseResponse | tuple[str, int] | None]:
    session = database.session()
    try:
        return service.open_link(session, token), None
    except LinkError as error:
        return None, _link_error(error)


def _link_error(error: LinkError) -> tuple[str, int]:
    assessment = error.assessment
    contact = None
    if assessment is not None and assessment.created_by_id is not None:
        contact = database.session().get(User, assessment.created_by_id)
    organization = assessment.vendor.organization.name if assessment is not None else None
    return render_template("portal/link_error.html", message=str(error), contact=contact, organization=organization), (
        410 if assessment is not None else 404
    )


def _link_error_json(error: LinkError) -> tuple[Response, int]:
    """A closed or unknown link answered to the page's script: the same status (so guesses count), in JSON."""
    return jsonify(saved=False, message=str(error)), (410 if error.assessment is not None else 404)


def _actor(assessment: Assessment) -> Actor:
    return service.vendor_actor(assessment, request.remote_addr)


def _common(token: str, sheet: AnswerSheet) -> dict[str, object]:
    answered, asked = sheet.progress()
    follow_ups, waiting = sheet.follow_ups()
    return {
        "follow_ups": follow_ups,
        "follow_ups_waiting": waiting,
        "token": token,
        "sheet": sheet,
        "assessment": sheet.assessment,
        "vendor": sheet.assessment.vendor,
        "organization": sheet.assessment.vendor.organization,
        "answered": answered,
        "asked": asked,
        "locked": not sheet.open_for_vendor,
        "action_form": ActionForm(),
    }


@bp.route("/<token>")
@public
@ratelimit.guards_link
def overview(token: str) -> str | tuple[str, int] | BaseResponse:
    """The assessment at a glance: sections with progress, due date, submit."""
    assessment, refused = _open(token)
    if assessment is None:
        return refused
    sheet = service.sheet_of(database.session(), assessment)
    return render_template("portal/overview.html", missing=None, rows=_overview_rows(sheet), **_common(token, sheet))


def _overview_rows(sheet: AnswerSheet) -> list[dict[str, Any]]:
    """Each section with its progress and what needs the vendor there: answers the practice asked to clarify and
    questions still unanswered, with the first of them to link to."""
    shown = sheet.visible()
    clarifying = sheet.under_clarification() if sheet.open_for_vendor else set()
    rows = []
    for number, (questionnaire, section) in enumerate(sheet.sections, 1):
        questions = [q for q in shown if q.section_id == section.id]
        if not questions:
            continue
        clarify = [q for q in questions if q.id in clarifying]
        missing = [q for q in questions if not sheet.is_answered(q)] if sheet.open_for_vendor else []
        first = (clarify or missing or [None])[0]
        rows.append(
            {
                "number": number,
                "section": section,
                "questionnaire": questionnaire,
                "done": len(questions) - len([q for q in questions if not sheet.is_answered(q)]),
                "total": len(questions),
                "clarify": len(clarify),
                "missing": len(missing),
                "anchor": f"q-{first.id}" if first is not None else None,
                "unconfirmed": bool(sheet.unconfirmed(section)),
            }
        )
    return rows


@bp.route("/<token>/s/<int:number>", methods=["GET", "POST"])
@public
@ratelimit.guards_link
def section(token: str, number: int) -> str | tuple[str, int] | BaseResponse:
    """One section's questions; saving keeps a draft, and the server decides which questions show."""
    assessment, refused = _open(token)
    if assessment is None:
        return refused
    session = database.session()
    sheet = service.sheet_of(session, assessment)
    current = sheet.section(number)
    if current is None:
        return redirect(url_for("portal.overview", token=token))
    errors: dict[str, str] = {}
    posted = None
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            flash("The page expired. Your answers were not saved: enter them again and save.", "error")
            return redirect(url_for("portal.section", token=token, number=number))
        posted = request.form
        try:
            result = service.save(session, _actor(assessment), sheet, entries_from_post(sheet, current, posted))
        except AssessmentError as error:
            flash(str(error), "error")
            return redirect(url_for("portal.overview", token=token))
        errors = result.errors
        go = request.form.get("go", "save")
        if go == "confirm" and not errors:
            # "Confirm or change": what the vendor changed was saved above; the rest is confirmed as it stands.
            service.confirm_section(session, _actor(assessment), sheet, number)
        session.commit()
        flash_unshown(sheet, current, errors)
        if not errors:
            if go == "confirm":
                flash("Thank you: this section's answers are confirmed.", "success")
            if go in ("next", "confirm") and number < len(sheet.sections):
                return redirect(url_for("portal.section", token=token, number=number + 1))
            if go in ("next", "confirm"):
                return redirect(url_for("portal.overview", token=token))
            flash("Saved. You can come back to this link at any time before you submit.", "success")
            # Back to the question the script saved from: only a question of this section, never raw text in Location.
            at = request.form.get("at", "")
            anchor = at if at in {f"q-{q.id}" for q in current.questions} else None
            return redirect(url_for("portal.section", token=token, number=number, _anchor=anchor))
    editable = {q.id for q in current.questions if sheet.editable_by_vendor(q.id)}
    return render_template(
        "portal/section.html",
        carried=sheet.carried_in(current),
        unconfirmed=sheet.unconfirmed(current),
        slot_form=_slot_form(sheet),
        slot_note=_slot_note_taken(),
        autosave=url_for("portal.autosave", token=token, number=number),
        **section_context(sheet, number, errors, posted, editable),
        **upload_context(),
        **_common(token, sheet),
    ), (400 if errors else 200)


@bp.route("/<token>/s/<int:number>/answers", methods=["POST"])
@public
@ratelimit.guards_link
@ratelimit.autosave_budget
def autosave(token: str, number: int) -> tuple[Response, int]:
    """The page's script saves the section as the vendor types: JSON with the refusals by question, the new
    ``seen`` tokens and which follow-ups now show. The same service and rules as the form's "Save draft"."""
    session = database.session()
    try:
        assessment = service.open_link(session, token)
    except LinkError as error:
        return _link_error_json(error)
    return answering.autosave(session, _actor(assessment), service.sheet_of(session, assessment), number, False)


@bp.route("/<token>/submit", methods=["POST"])
@public
@ratelimit.guards_link
def submit(token: str) -> str | tuple[str, int] | BaseResponse:
    """Lock the answers and hand them to the practice for review (twice is harmless)."""
    assessment, refused = _open(token)
    if assessment is None:
        return refused
    session = database.session()
    sheet = service.sheet_of(session, assessment)
    if not ActionForm().validate_on_submit():
        flash("The page expired. Nothing was submitted: try again.", "error")
        return redirect(url_for("portal.overview", token=token))
    try:
        missing = service.submit(session, _actor(assessment), sheet)
    except AssessmentError as error:
        flash(str(error), "error")
        return redirect(url_for("portal.overview", token=token))
    if missing:
        rows = _overview_rows(sheet)
        return render_template("portal/overview.html", missing=missing, rows=rows, **_common(token, sheet)), 400
    session.commit()
    flash("Thank you: your answers were submitted. The practice will review them and may come back to you.", "success")
    return redirect(url_for("portal.overview", token=token))


@bp.route("/<token>/q/<question_id>/evidence", methods=["POST"])
@public
@ratelimit.guards_link
@csrf.exempt  # streamed: the form's CSRF field is checked from the stream before any byte is stored
def upload(token: str, question_id: str) -> str | tuple[str, int] | BaseResponse:
    """Put a document into a question's evidence slot; it is encrypted as it arrives."""
    assessment, refused = _open(token)
    if assessment is None:
        return refused
    session = database.session()
    sheet = service.sheet_of(session, assessment)
    try:
        question = sheet.question(question_id)
    except KeyError:
        return redirect(url_for("portal.overview", token=token))
    back = url_for("portal.section", token=token, number=sheet.section_number(question)) + f"#q-{question.id}"
    try:
        service.check_document_slot(sheet, question)
    except AssessmentError as error:
        flash(str(error), "error")  # the question is not on the page to hold the message: say it at the top
        return redirect(back)

    def details_of(slot: FlaskForm) -> EvidenceDetails:
        details = service.slot_document(sheet, question, slot.title.data, slot.issued_on.data)
        # The vendor's ticks add answers; those its kind already covers are left out, since naming covered
        # answers is how the assessor narrows what a document proves (scoring/proof.py).
        covered = coverage(sheet.questionnaires).covers.get(details.kind.value, frozenset())
        details.question_ids += [q for q in slot.also.data or [] if q not in covered and q not in details.question_ids]
        return details

    def make_form(**kwargs: object) -> SlotForm:
        return _slot_form(sheet, **kwargs)

    receiver = Receiver(assessment.vendor, make_form, details_of=details_of, actor=_actor(assessment))
    version, error = receive(receiver)
    if version is None:
        fields = receiver.form.errors if receiver.form is not None else {}
        # The slot's fields are not on the page redirected to: name what was wrong with them here.
        error = " ".join(e for name, found in fields.items() if name != "csrf_token" for e in found) or error
        _slot_note(question.id, "error", f"The document was not stored: {error}")
        return redirect(back)
    service.started(assessment)
    session.commit()
    note = evidence_service.renamed_note(version, receiver.renamed_from)
    _slot_note(question.id, "success", f"“{version.display_filename}” was received and encrypted.{note}")
    return redirect(back)


SLOT_NOTE = "portal_slot_note"


def _slot_note(question_id: str, kind: str, text: str) -> None:
    """Keep an upload's outcome for the page redirected to, which shows it beside the question's upload control
    (a flash would show at the top, far from where the vendor is)."""
    cookie_session[SLOT_NOTE] = {"question": question_id, "kind": kind, "text": text}


def _slot_note_taken() -> dict[str, str] | None:
    """The upload outcome waiting to be shown, removed so it shows once."""
    note = cookie_session.pop(SLOT_NOTE, None)
    return note if isinstance(note, dict) else None
