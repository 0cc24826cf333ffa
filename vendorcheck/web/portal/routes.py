"""The vendor portal: answer section by section through the link, upload evidence, submit.

The token in the URL is the vendor's only credential: it is hashed to find the assessment, never stored or
logged, and each request re-checks that the link is still open. Vendors never see scores, reviews' notes
other than clarification questions, other vendors or anything of the organization beyond this assessment.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional

from vendorcheck import assessments as service
from vendorcheck import db
from vendorcheck import evidence as evidence_service
from vendorcheck.assessments import AssessmentError, Form, LinkError
from vendorcheck.audit import Actor
from vendorcheck.evidence import EvidenceDetails
from vendorcheck.models import Assessment, AssessmentStatus, EvidenceKind, User
from vendorcheck.web import ratelimit
from vendorcheck.web.access import public
from vendorcheck.web.answering import (
    affecting,
    entries_from_post,
    flash_unshown,
    kept_inputs,
    question_view,
    section_at,
)
from vendorcheck.web.evidence.routes import Receiver, receive, upload_context
from vendorcheck.web.forms import ActionForm, NotInFuture
from vendorcheck.web.portal import bp
from vendorcheck.web.security import csrf


class SlotForm(FlaskForm):
    """The fields sent with a document uploaded into a question's evidence slot."""

    title = StringField("Title (optional)", validators=[Optional(), Length(max=300)])
    issued_on = DateField("Issued on (optional)", validators=[Optional(), NotInFuture()])


def _open(token: str) -> tuple[Assessment | None, str | BaseResponse | tuple[str, int] | None]:
    session = db.session()
    try:
        return service.open_link(session, token), None
    except LinkError as error:
        return None, _link_error(error)


def _link_error(error: LinkError) -> tuple[str, int]:
    assessment = error.assessment
    contact = None
    if assessment is not None and assessment.created_by_id is not None:
        contact = db.session().get(User, assessment.created_by_id)
    organization = assessment.vendor.organization.name if assessment is not None else None
    return render_template("portal/link_error.html", message=str(error), contact=contact, organization=organization), (
        410 if assessment is not None else 404
    )


def _actor(assessment: Assessment) -> Actor:
    return service.vendor_actor(assessment, request.remote_addr)


def _common(token: str, form: Form) -> dict[str, object]:
    answered, asked = form.progress()
    return {
        "token": token,
        "form": form,
        "assessment": form.assessment,
        "vendor": form.assessment.vendor,
        "organization": form.assessment.vendor.organization,
        "answered": answered,
        "asked": asked,
        "locked": form.assessment.status not in service.OPEN_FOR_VENDOR,
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
    form = service.form_of(db.session(), assessment)
    return render_template("portal/overview.html", missing=None, **_common(token, form))


@bp.route("/<token>/s/<int:number>", methods=["GET", "POST"])
@public
@ratelimit.guards_link
def section(token: str, number: int) -> str | tuple[str, int] | BaseResponse:
    """One section's questions; saving keeps a draft, and the server decides which questions show."""
    assessment, refused = _open(token)
    if assessment is None:
        return refused
    session = db.session()
    form = service.form_of(session, assessment)
    current = section_at(form, number)
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
            result = service.save(session, _actor(assessment), form, entries_from_post(form, current, posted))
        except AssessmentError as error:
            flash(str(error), "error")
            return redirect(url_for("portal.overview", token=token))
        session.commit()
        errors = result.errors
        flash_unshown(form, current, errors)
        if not errors:
            go = request.form.get("go", "save")
            if go == "next" and number < len(form.sections):
                return redirect(url_for("portal.section", token=token, number=number + 1))
            if go == "next":
                return redirect(url_for("portal.overview", token=token))
            flash("Saved. You can come back to this link at any time before you submit.", "success")
            # Back to the question the script saved from: only a question of this section, never raw text in Location.
            at = request.form.get("at", "")
            anchor = at if at in {f"q-{q.id}" for q in current.questions} else None
            return redirect(url_for("portal.section", token=token, number=number, _anchor=anchor))
    return render_template(
        "portal/section.html",
        number=number,
        section=current,
        questionnaire=form.sections[number - 1][0],
        total_sections=len(form.sections),
        rows=[question_view(form, q) for q in form.visible() if q.section_id == current.id],
        errors=errors,
        kept=kept_inputs(posted, errors),
        affecting=affecting(form),
        editable={q.id for q in current.questions if form.editable_by_vendor(q.id)},
        clarifying=form.under_clarification(),
        slot_form=SlotForm(),
        **upload_context(),
        **_common(token, form),
    ), (400 if errors else 200)


@bp.route("/<token>/submit", methods=["POST"])
@public
@ratelimit.guards_link
def submit(token: str) -> str | tuple[str, int] | BaseResponse:
    """Lock the answers and hand them to the practice for review (twice is harmless)."""
    assessment, refused = _open(token)
    if assessment is None:
        return refused
    session = db.session()
    form = service.form_of(session, assessment)
    if not ActionForm().validate_on_submit():
        flash("The page expired. Nothing was submitted: try again.", "error")
        return redirect(url_for("portal.overview", token=token))
    try:
        missing = service.submit(session, _actor(assessment), form)
    except AssessmentError as error:
        flash(str(error), "error")
        return redirect(url_for("portal.overview", token=token))
    if missing:
        return render_template("portal/overview.html", missing=missing, **_common(token, form)), 400
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
    session = db.session()
    form = service.form_of(session, assessment)
    try:
        question = form.question(question_id)
    except KeyError:
        return redirect(url_for("portal.overview", token=token))
    number = next(n for n, (_, s) in enumerate(form.sections, 1) if s.id == question.section_id)
    back = url_for("portal.section", token=token, number=number) + f"#q-{question.id}"
    try:
        service.check_document_slot(form, question)
    except AssessmentError as error:
        flash(str(error), "error")
        return redirect(back)
    rule = question.evidence
    assert rule is not None

    def details_of(slot: FlaskForm) -> EvidenceDetails:
        issued = slot.issued_on.data
        return EvidenceDetails(
            EvidenceKind(rule.kind),
            (slot.title.data or "").strip() or rule.description or question.text,
            [question.id],
            issued,
            rule.expires(issued),
            assessment_id=assessment.id,
        )

    receiver = Receiver(assessment.vendor, SlotForm, details_of=details_of, actor=_actor(assessment))
    version, error = receive(receiver)
    if version is None:
        fields = receiver.form.errors if receiver.form is not None else {}
        # The slot's fields are not on the page redirected to: name what was wrong with them here.
        error = " ".join(e for name, found in fields.items() if name != "csrf_token" for e in found) or error
        flash(f"The document was not stored: {error}", "error")
        return redirect(back)
    if assessment.status == AssessmentStatus.SENT:
        assessment.status = AssessmentStatus.IN_PROGRESS
        session.commit()
    note = evidence_service.renamed_note(version, receiver.renamed_from)
    flash(f"“{version.display_filename}” was received and encrypted.{note}", "success")
    return redirect(back)
