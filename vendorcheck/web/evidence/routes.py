"""Upload evidence (streamed into the vault), see it, review it, download it (every read audited)."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse

from vendorcheck import evidence as service
from vendorcheck.evidence import EvidenceDetails, EvidenceError, Vault
from vendorcheck.evidence.proves import what_it_proves
from vendorcheck.models import Evidence, EvidenceKind, Vendor
from vendorcheck.permissions import Capability
from vendorcheck.questionnaire.model import Questionnaire
from vendorcheck.vault.blobstore import StoreUnavailable
from vendorcheck.vault.chunked import VaultError
from vendorcheck.web import database
from vendorcheck.web.access import current_actor, get_or_404, requires
from vendorcheck.web.errors import render_error
from vendorcheck.web.evidence import bp
from vendorcheck.web.evidence.forms import EvidenceForm, NewVersionForm, ReviewForm
from vendorcheck.web.security import csrf, is_local_path
from vendorcheck.web.uploads import Receiver, receive, upload_context

DOWNLOAD_CSP = "default-src 'none'; sandbox"


def _vault() -> Vault:
    return current_app.extensions["vendorcheck.vault"]


def _evidence_form(**kwargs: object) -> EvidenceForm:
    return EvidenceForm(**kwargs).offer_questions(current_app.extensions["vendorcheck.questionnaires"])


def _details_from_evidence_form(form: FlaskForm) -> EvidenceDetails | None:
    if not isinstance(form, EvidenceForm):
        return None
    question_ids = form.question_list()
    issued, valid_until = form.issued_on.data, form.valid_until.data
    if valid_until is None and issued is not None:
        valid_until = default_valid_until(current_app.extensions["vendorcheck.questionnaires"], question_ids, issued)
    return EvidenceDetails(EvidenceKind(form.kind.data), form.title.data or "", question_ids, issued, valid_until)


def default_valid_until(library: dict[str, Questionnaire], question_ids: list[str], issued: date) -> date | None:
    """The shortest validity the chosen questions give their documents, counted from ``issued``."""
    ends = [
        end
        for questionnaire in library.values()
        for q in questionnaire.questions
        if q.id in question_ids and q.evidence is not None and (end := q.evidence.expires(issued)) is not None
    ]
    return min(ends, default=None)


@bp.route("/vendors/<int:vendor_id>/evidence/new", methods=["GET", "POST"])
@requires(Capability.EVIDENCE_UPLOAD)
@csrf.exempt  # the body is streamed; the form's own CSRF field is checked before any byte is stored
def upload(vendor_id: int) -> str | tuple[str, int] | BaseResponse:
    """Add a document to a vendor's evidence: the file is encrypted as it arrives."""
    vendor = get_or_404(Vendor, vendor_id)
    if request.method != "POST":
        form = _evidence_form()
        return render_template("evidence/new.html", vendor=vendor, form=form, error=None, **upload_context())
    receiver = Receiver(vendor, _evidence_form, details_of=_details_from_evidence_form)
    version, error = receive(receiver)
    if version is None:
        form = receiver.form or _evidence_form(formdata=None)
        return render_template("evidence/new.html", vendor=vendor, form=form, error=error, **upload_context()), 400
    note = service.renamed_note(version, receiver.renamed_from)
    flash(f"“{version.evidence.title}” was uploaded and encrypted. It now awaits review.{note}", "success")
    return redirect(url_for("evidence.show", evidence_id=version.evidence_id))


def _document_or_404(evidence_id: int) -> Evidence:
    """A document of the user's organization that has a complete file; one still uploading is not found yet."""
    item = get_or_404(Evidence, evidence_id)
    if not item.versions:
        abort(404)
    return item


def _evidence_page(item: Evidence, status: int = 200, **extra: object) -> tuple[str, int]:
    context: dict[str, object] = {
        "item": item,
        "vendor": item.vendor,
        "version_form": NewVersionForm(),
        "review_form": ReviewForm(),
        "upload_error": None,
        "latest": service.latest_version(item),
        "today": date.today(),
        "proves": what_it_proves(
            database.session(), item, current_app.extensions["vendorcheck.questionnaires"], date.today()
        ),
        **upload_context(),
    }
    context.update(extra)
    return render_template("evidence/evidence.html", **context), status


@bp.route("/evidence/<int:evidence_id>")
@requires(Capability.VENDOR_READ)
def show(evidence_id: int) -> tuple[str, int]:
    """One document: what it proves, its versions, its review."""
    return _evidence_page(_document_or_404(evidence_id))


@bp.route("/evidence/<int:evidence_id>/versions", methods=["POST"])
@requires(Capability.EVIDENCE_UPLOAD)
@csrf.exempt  # streamed, as above
def new_version(evidence_id: int) -> tuple[str, int] | BaseResponse:
    """Upload a newer file; the old one stays, and the document goes back to awaiting review."""
    item = _document_or_404(evidence_id)
    receiver = Receiver(item.vendor, NewVersionForm, evidence=item)
    version, error = receive(receiver)
    if version is None:
        database.session().expire_all()
        return _evidence_page(item, 400, upload_error=error)
    note = service.renamed_note(version, receiver.renamed_from)
    flash(f"Version {version.version_no} was uploaded and encrypted. It now awaits review.{note}", "success")
    return redirect(url_for("evidence.show", evidence_id=item.id))


@bp.route("/evidence/<int:evidence_id>/review", methods=["POST"])
@requires(Capability.EVIDENCE_REVIEW)
def review(evidence_id: int) -> tuple[str, int] | BaseResponse:
    """Accept or reject the newest file."""
    item = _document_or_404(evidence_id)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            service.review(
                database.session(),
                current_actor(),
                item,
                form.decision.data == "accept",
                form.reason.data or "",
                current_user.id,
            )
        except EvidenceError as exc:
            form.reason.errors = [*form.reason.errors, str(exc)]
        else:
            database.session().commit()
            flash(f"Your decision on “{item.title}” was recorded.", "success")
            # Accepted from the assessment's review (the document beside its question): back to that place.
            back = request.form.get("back")
            return redirect(back if is_local_path(back) else url_for("evidence.show", evidence_id=item.id))
    return _evidence_page(item, 400, review_form=form)


@bp.route("/evidence/<int:evidence_id>/versions/<int:version_no>/download")
@requires(Capability.EVIDENCE_READ)
def download(evidence_id: int, version_no: int) -> Response | tuple[str, int]:
    """The decrypted file as an attachment, checked whole before the first byte is sent; the read is audited."""
    item = _document_or_404(evidence_id)
    version = next((v for v in item.versions if v.version_no == version_no), None)  # complete ones only
    if version is None:
        abort(404)
    session, vault = database.session(), _vault()
    try:
        service.verify_version(vault, version)  # never partial content: a bad blob fails before any byte goes out
    except StoreUnavailable:  # an outage of the object store is not a tampered file: no security event
        return render_error(503, "The evidence store cannot be reached right now. Please try again in a moment.")
    except VaultError as exc:
        service.record_failure(session, current_actor(), version, exc)
        session.commit()
        return render_template("evidence/integrity_error.html", item=item, version=version), 500
    service.record_read(session, current_actor(), version)
    session.commit()
    # If the blob changes between the check and the stream, the stream stops short of Content-Length.
    # Type and name both come from the detected type, never from what the uploader's name claimed.
    response = Response(service.open_version(vault, version), mimetype=service.served_type(version).media_type)
    response.headers["Content-Length"] = str(version.size)
    response.headers["Content-Disposition"] = _attachment(service.served_name(version))
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"  # also set for every response in web/security.py
    return response


def _attachment(filename: str) -> str:
    ascii_name = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
