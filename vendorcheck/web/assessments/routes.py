"""Assessor pages: create, send (link), enter on the vendor's behalf, review, spreadsheet round trip."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response as BaseResponse

from vendorcheck import assessments as service
from vendorcheck import vendors
from vendorcheck.assessments import AssessmentError, VendorLink, answers_json, spreadsheet, workbook
from vendorcheck.assessments.spreadsheet import SheetError
from vendorcheck.lifecycle import cycles as lifecycle_cycles
from vendorcheck.mail import links as link_mail
from vendorcheck.models import Assessment, Vendor
from vendorcheck.permissions import Capability
from vendorcheck.questionnaire.model import Questionnaire
from vendorcheck.web import answering, database
from vendorcheck.web.access import current_actor, get_or_404, requires
from vendorcheck.web.answering import entries_from_post, flash_unshown, section_context
from vendorcheck.web.assessments import bp
from vendorcheck.web.assessments.forms import ApplyImportForm, CancelForm, ImportForm, LinkForm, NewAssessmentForm
from vendorcheck.web.forms import ActionForm
from vendorcheck.web.ids import parse_id
from vendorcheck.web.security import external_url

IMPORT_MAX_AGE = 3600


def _library() -> dict[str, Questionnaire]:
    return current_app.extensions["vendorcheck.questionnaires"]


def _page(assessment: Assessment, status: int = 200, **extra: object) -> tuple[str, int]:
    session = database.session()
    sheet = service.sheet_of(session, assessment)
    answered, asked = sheet.progress()
    only_attention = sheet.reviewable and request.args.get("show") == "attention"
    context: dict[str, object] = {
        "assessment": assessment,
        "vendor": assessment.vendor,
        "sheet": sheet,
        "answered": answered,
        "asked": asked,
        "visible": sheet.visible_ids(),
        "link": VendorLink.of(assessment),
        "timeline": service.timeline(session, assessment),
        "link_form": LinkForm(),
        "action_form": ActionForm(),
        "cancel_form": CancelForm(),
        "import_form": ImportForm(),
        "reviewable": sheet.reviewable,
        "counts": service.review_counts(sheet) if sheet.reviewable else None,
        "attention": (lambda q: service.attention(sheet, q)),
        "only_attention": only_attention,
        "shown": {q.id for q in sheet.visible() if not only_attention or service.waiting_for_a_look(sheet, q)},
        "effective": service.effective_value,
    }
    context.update(extra)
    return render_template("assessments/assessment.html", **context), status


@bp.route("/vendors/<int:vendor_id>/assessments/new", methods=["GET", "POST"])
@requires(Capability.ASSESSMENT_SEND)
def new(vendor_id: int) -> tuple[str, int] | BaseResponse:
    """Choose questionnaires for a vendor; their current content is pinned."""
    vendor = get_or_404(Vendor, vendor_id)
    library = _library()
    form = NewAssessmentForm()
    form.questionnaires.choices = [
        (key, f"{q.title} ({len(q.questions)} questions, version {q.version})") for key, q in library.items()
    ]
    tier = lifecycle_cycles.tier_of(vendor)
    if request.method == "GET":
        # The vendor's tier says which questionnaires it answers (the tier settings): ticked to start with.
        form.questionnaires.data = list(
            lifecycle_cycles.policies(database.session(), vendor.org_id, list(library))[tier].questionnaires
        )
        primary = vendors.primary_contact(vendor)
        if primary is not None:
            form.contact_name.data, form.contact_email.data = primary.name, primary.email
    if form.validate_on_submit():
        session = database.session()
        try:
            assessment = service.create(
                session,
                current_actor(),
                vendor,
                [library[key] for key in form.questionnaires.data or []],
                due_date=form.due_date.data,
                title=form.title.data,
                contact_name=form.contact_name.data,
                contact_email=form.contact_email.data,
            )
        except AssessmentError as error:
            form.due_date.errors = [*form.due_date.errors, str(error)]
        else:
            session.commit()
            flash("Assessment created. Issue the vendor link when you are ready to send it.", "success")
            return redirect(url_for("assessments.show", assessment_id=assessment.id))
    status = 400 if request.method == "POST" else 200
    return render_template("assessments/new.html", vendor=vendor, form=form, tier=tier), status


@bp.route("/assessments/<int:assessment_id>")
@requires(Capability.VENDOR_READ)
def show(assessment_id: int) -> tuple[str, int]:
    """Status, link, every answer with its review, and the timeline."""
    return _page(get_or_404(Assessment, assessment_id))


@bp.route("/assessments/<int:assessment_id>/link", methods=["POST"])
@requires(Capability.ASSESSMENT_SEND)
def issue_link(assessment_id: int) -> tuple[str, int] | BaseResponse:
    """Issue (or re-issue) the vendor link, email it if a mail server is configured; the token is shown on this
    one page only (the outbox keeps the email with the link redacted)."""
    assessment = get_or_404(Assessment, assessment_id)
    form = LinkForm()
    if not form.validate_on_submit():
        return _page(assessment, 400, link_form=form)
    session = database.session()
    try:
        token = service.issue_link(session, current_actor(), assessment, form.days.data)
    except AssessmentError as error:
        flash(str(error), "error")
        return redirect(url_for("assessments.show", assessment_id=assessment.id))
    url = external_url("portal.overview", token=token)
    server = current_app.extensions["vendorcheck.mail_server"]
    emailed = link_mail.email_link(session, server, current_actor(), assessment, url)  # commits the link first
    return render_template("assessments/link_issued.html", assessment=assessment, url=url, emailed=emailed), 200


@bp.route("/assessments/<int:assessment_id>/link/revoke", methods=["POST"])
@requires(Capability.ASSESSMENT_SEND)
def revoke_link(assessment_id: int) -> BaseResponse:
    """Stop the current link from working."""
    assessment = get_or_404(Assessment, assessment_id)
    if ActionForm().validate_on_submit():
        session = database.session()
        try:
            service.revoke_link(session, current_actor(), assessment)
            session.commit()
            flash("The link no longer works. Issue a new one to let the vendor in again.", "success")
        except AssessmentError as error:
            flash(str(error), "error")
    return redirect(url_for("assessments.show", assessment_id=assessment.id))


@bp.route("/assessments/<int:assessment_id>/cancel", methods=["POST"])
@requires(Capability.ASSESSMENT_SEND)
def cancel(assessment_id: int) -> tuple[str, int] | BaseResponse:
    assessment = get_or_404(Assessment, assessment_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return _page(assessment, 400, cancel_form=form)
    session = database.session()
    try:
        service.cancel(session, current_actor(), assessment, form.reason.data or "")
        session.commit()
        flash("Assessment cancelled; its link no longer works.", "success")
    except AssessmentError as error:
        flash(str(error), "error")
    return redirect(url_for("assessments.show", assessment_id=assessment.id))


@bp.route("/assessments/<int:assessment_id>/answers/<question_id>/review", methods=["POST"])
@requires(Capability.ANSWER_REVIEW)
def review(assessment_id: int, question_id: str) -> tuple[str, int] | BaseResponse:
    """Accept, ask to clarify, or override one answer."""
    assessment = get_or_404(Assessment, assessment_id)
    session = database.session()
    sheet = service.sheet_of(session, assessment)
    if not ActionForm().validate_on_submit():
        flash("The page expired; nothing was recorded. Try again.", "error")
        return redirect(url_for("assessments.show", assessment_id=assessment.id))
    try:
        question = sheet.question(question_id)
    except KeyError:
        flash("That question is not part of this assessment.", "error")
        return redirect(url_for("assessments.show", assessment_id=assessment.id))
    override = request.form.getlist("override") if question.type == "multi_choice" else request.form.get("override")
    try:
        service.review(
            session,
            current_actor(),
            sheet,
            question_id,
            request.form.get("action", ""),
            note=request.form.get("note"),
            override_raw=override,
        )
    except AssessmentError as error:
        session.rollback()
        return _page(assessment, 400, review_errors={question_id: str(error)}, review_kept=request.form)
    session.commit()
    # Reviewing only what needs attention, the officer stays on that list (the answer just settled leaves it).
    show = "attention" if request.args.get("show") == "attention" else None
    return redirect(url_for("assessments.show", assessment_id=assessment.id, show=show) + f"#q-{question_id}")


@bp.route("/assessments/<int:assessment_id>/accept-routine", methods=["POST"])
@requires(Capability.ANSWER_REVIEW)
def accept_routine(assessment_id: int) -> tuple[str, int] | BaseResponse:
    """Accept, in one step, every answer still to review that needs no attention (the count was confirmed)."""
    assessment = get_or_404(Assessment, assessment_id)
    form = ActionForm()
    expected = parse_id(request.form.get("expected")) or 0
    if not form.validate_on_submit():
        return _page(assessment, 400)
    session = database.session()
    try:
        accepted = service.accept_routine(session, current_actor(), service.sheet_of(session, assessment), expected)
    except AssessmentError as error:
        session.rollback()
        flash(str(error), "error")
        return redirect(url_for("assessments.show", assessment_id=assessment.id))
    session.commit()
    flash(f"Accepted {len(accepted)} answer(s) that needed no attention. The rest are shown below.", "success")
    return redirect(url_for("assessments.show", assessment_id=assessment.id, show="attention"))


@bp.route("/assessments/<int:assessment_id>/send-back", methods=["POST"])
@requires(Capability.ANSWER_REVIEW)
def send_back(assessment_id: int) -> BaseResponse:
    """Return the flagged answers to the vendor; the rest stay locked."""
    return _transition(assessment_id, service.send_back, "Sent back: the vendor can now answer the flagged questions.")


@bp.route("/assessments/<int:assessment_id>/complete", methods=["POST"])
@requires(Capability.ANSWER_REVIEW)
def complete(assessment_id: int) -> BaseResponse:
    """Close the review."""
    return _transition(assessment_id, service.complete, "Review completed; the vendor link is closed.")


def _transition(assessment_id: int, step: object, done: str) -> BaseResponse:
    assessment = get_or_404(Assessment, assessment_id)
    if ActionForm().validate_on_submit():
        session = database.session()
        try:
            step(session, current_actor(), service.sheet_of(session, assessment))  # type: ignore[operator]
            session.commit()
            flash(done, "success")
        except AssessmentError as error:
            session.rollback()
            flash(str(error), "error")
    return redirect(url_for("assessments.show", assessment_id=assessment_id))


@bp.route("/assessments/<int:assessment_id>/s/<int:number>", methods=["GET", "POST"])
@requires(Capability.ASSESSMENT_SEND)
def enter(assessment_id: int, number: int) -> tuple[str, int] | BaseResponse:
    """Enter answers on the vendor's behalf (from a call or a PDF); they are marked as entered by you."""
    assessment = get_or_404(Assessment, assessment_id)
    session = database.session()
    sheet = service.sheet_of(session, assessment)
    current = sheet.section(number)
    if current is None:
        return redirect(url_for("assessments.show", assessment_id=assessment.id))
    errors: dict[str, str] = {}
    posted = None
    if request.method == "POST" and ActionForm().validate_on_submit():
        posted = request.form
        try:
            result = service.save(
                session, current_actor(), sheet, entries_from_post(sheet, current, posted), on_behalf=True
            )
        except AssessmentError as error:
            flash(str(error), "error")
            return redirect(url_for("assessments.show", assessment_id=assessment.id))
        session.commit()
        errors = result.errors
        flash_unshown(sheet, current, errors)
        if not errors:
            if request.form.get("go") == "next" and number < len(sheet.sections):
                return redirect(url_for("assessments.enter", assessment_id=assessment.id, number=number + 1))
            flash("Saved, marked as entered by you on the vendor's behalf.", "success")
            return redirect(url_for("assessments.enter", assessment_id=assessment.id, number=number))
    answered, asked = sheet.progress()
    return render_template(
        "portal/section.html",
        on_behalf=True,
        autosave=url_for("assessments.enter_autosave", assessment_id=assessment.id, number=number),
        **section_context(
            sheet, number, errors, posted, {q.id for q in current.questions if sheet.editable_on_behalf(q.id)}
        ),
        assessment=assessment,
        vendor=assessment.vendor,
        sheet=sheet,
        action_form=ActionForm(),
        locked=not sheet.open_on_behalf,
        answered=answered,
        asked=asked,
    ), (400 if errors else 200)


@bp.route("/assessments/<int:assessment_id>/s/<int:number>/answers", methods=["POST"])
@requires(Capability.ASSESSMENT_SEND)
def enter_autosave(assessment_id: int, number: int) -> tuple[Response, int]:
    """The "enter on behalf" page's autosave: JSON, as the vendor portal's (``web.answering.autosave``)."""
    assessment = get_or_404(Assessment, assessment_id)
    session = database.session()
    return answering.autosave(session, current_actor(), service.sheet_of(session, assessment), number, True)


# Spreadsheet round trip


@bp.route("/assessments/<int:assessment_id>/export.xlsx")
@requires(Capability.VENDOR_READ)
def export(assessment_id: int) -> Response:
    """The questionnaire as a workbook: blank (``?blank=1``) or with the current answers."""
    assessment = get_or_404(Assessment, assessment_id)
    sheet = service.sheet_of(database.session(), assessment)
    blank = request.args.get("blank") == "1"
    data = workbook.export_xlsx(sheet, with_answers=not blank)
    name = f"assessment-{assessment.id}{'-blank' if blank else ''}.xlsx"
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="vendorcheck.answers-import")


@bp.route("/assessments/<int:assessment_id>/import", methods=["POST"])
@requires(Capability.ASSESSMENT_SEND)
def import_preview(assessment_id: int) -> tuple[str, int]:
    """Read a filled workbook (or JSON) and show what would change; nothing is applied yet."""
    assessment = get_or_404(Assessment, assessment_id)
    upload = ImportForm()
    sheet = service.sheet_of(database.session(), assessment)
    if not upload.validate_on_submit() or not upload.sheet.data:
        return _page(assessment, 400, import_errors=["Choose the filled .xlsx or .json file."])
    data = upload.sheet.data.read(spreadsheet.MAX_BYTES + 1)
    try:
        if (upload.sheet.data.filename or "").lower().endswith(".json"):
            entries = answers_json.read_json(sheet, data)
        else:
            entries = spreadsheet.read_xlsx(sheet, data)
    except SheetError as error:
        return _page(assessment, 400, import_errors=error.problems)
    changes = spreadsheet.diff(sheet, entries)
    payload = _serializer().dumps({"assessment": assessment.id, "entries": spreadsheet.entries_to_payload(entries)})
    apply_form = ApplyImportForm(payload=payload)
    return render_template(
        "assessments/import_preview.html", assessment=assessment, changes=changes, apply_form=apply_form
    ), 200


@bp.route("/assessments/<int:assessment_id>/import/apply", methods=["POST"])
@requires(Capability.ASSESSMENT_SEND)
def import_apply(assessment_id: int) -> BaseResponse:
    """Apply a previewed import: the answers are marked as entered by you on the vendor's behalf."""
    assessment = get_or_404(Assessment, assessment_id)
    form = ApplyImportForm()
    back = redirect(url_for("assessments.show", assessment_id=assessment.id))
    if not form.validate_on_submit():
        flash("The preview expired; import the file again.", "error")
        return back
    try:
        data = _serializer().loads(form.payload.data or "", max_age=IMPORT_MAX_AGE)
    except BadSignature:
        flash("The preview expired or was altered; import the file again.", "error")
        return back
    if data.get("assessment") != assessment.id:
        flash("That preview belongs to another assessment; import the file again.", "error")
        return back
    session = database.session()
    try:
        result = service.save(
            session,
            current_actor(),
            service.sheet_of(session, assessment),
            spreadsheet.entries_from_payload(data["entries"]),
            on_behalf=True,
        )
    except AssessmentError as error:
        flash(str(error), "error")
        return back
    if result.errors:
        session.rollback()
        flash("Nothing was applied: " + "; ".join(f"{k}: {v}" for k, v in result.errors.items()), "error")
        return back
    session.commit()
    flash(f"Imported: {len(result.changed)} answer(s) changed.", "success")
    return back
