"""Upload evidence (streamed into the vault), see it, review it, download it (every read audited)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import quote

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from vendorcheck import db
from vendorcheck import evidence as service
from vendorcheck.audit import Actor
from vendorcheck.evidence import EvidenceDetails, EvidenceError, Upload, Vault
from vendorcheck.models import Evidence, EvidenceKind, EvidenceVersion, Vendor
from vendorcheck.permissions import Capability
from vendorcheck.questionnaire.model import Questionnaire
from vendorcheck.vault.blobstore import StoreUnavailable
from vendorcheck.vault.chunked import VaultError
from vendorcheck.vault.filetypes import ACCEPTED, ACCEPTED_TEXT
from vendorcheck.web.access import current_actor, get_or_404, requires
from vendorcheck.web.errors import render_error
from vendorcheck.web.evidence import bp
from vendorcheck.web.evidence.forms import EvidenceForm, NewVersionForm, ReviewForm
from vendorcheck.web.security import csrf
from vendorcheck.web.uploads import FormRefused, StreamedForm, stream_form

DOWNLOAD_CSP = "default-src 'none'; sandbox"
ACCEPT_ATTRIBUTE = ",".join(sorted({f".{t.extension}" for t in ACCEPTED} | {t.media_type for t in ACCEPTED}))


def _vault() -> Vault:
    return current_app.extensions["vendorcheck.vault"]


def _max_upload() -> int:
    return current_app.config["VENDORCHECK_SETTINGS"].max_upload_mib * 1024 * 1024


def upload_context() -> dict[str, object]:
    return {"accept": ACCEPT_ATTRIBUTE, "accepted_text": ACCEPTED_TEXT, "max_mib": _max_upload() // (1024 * 1024)}


DetailsOf = Callable[[FlaskForm], "EvidenceDetails | None"]


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


class Receiver:
    """Starts the upload when the file part begins (fields validated, rows created) and feeds it.

    ``details_of`` turns the validated form into what the document is (a new item), or None for a new
    version of ``evidence``; ``actor`` is who uploads (the signed-in user unless given: a vendor link).
    """

    def __init__(
        self,
        vendor: Vendor,
        make_form: Callable[..., FlaskForm],
        evidence: Evidence | None = None,
        *,
        details_of: DetailsOf = _details_from_evidence_form,
        actor: Actor | None = None,
    ) -> None:
        self.vendor, self.make_form, self.evidence = vendor, make_form, evidence
        self.details_of, self.actor = details_of, actor or current_actor()
        self.form: FlaskForm | None = None
        self.upload: Upload | None = None
        self.version_id: int | None = None
        self.renamed_from: str | None = None  # the uploader's name, when the stored one got the right extension

    def __call__(self, fields: MultiDict[str, str], filename: str | None) -> Upload:
        self.form = self.make_form(formdata=fields)
        if not self.form.validate():
            if "csrf_token" in self.form.errors:
                raise FormRefused("The form expired or was sent from elsewhere. Reload the page and try again.")
            raise FormRefused("Correct the fields marked above, then choose the file again.")
        if not filename:
            raise FormRefused("Choose the document to upload.")
        details = self.details_of(self.form)
        session = db.session()
        version = service.start_upload(
            session, self.actor, self.vendor, filename, details=details, evidence=self.evidence
        )
        session.commit()  # the ids exist before any byte is encrypted under them
        self.version_id = version.id
        self.upload = Upload(_vault(), version, _max_upload())
        return self.upload

    def complete(self, streamed: StreamedForm) -> EvidenceVersion:
        """Finish the upload, or abandon it and raise the error to show on the form."""
        session = db.session()
        try:
            if streamed.error is not None:
                raise streamed.error
            if not streamed.file_seen or self.upload is None:
                self.form = self.form or self.make_form(formdata=streamed.fields)
                self.form.validate()
                raise FormRefused("Choose the document to upload.")
            sealed, file_type = self.upload.finish()
            # Read afresh and lock: a sweep skips a locked row, and one that already went is said plainly.
            version = session.get(EvidenceVersion, self.version_id, populate_existing=True, with_for_update=True)
            if version is None:  # only an upload running for longer than the sweep's grace period can lose it
                raise FormRefused("The upload took too long and was discarded. Please try again.")
            self.renamed_from = service.finish_upload(session, self.actor, version, sealed, file_type)
            session.commit()
            return version
        except BaseException as exc:
            session.rollback()
            if self.upload is not None:
                self.upload.abort()
            if self.version_id is not None:
                service.abandon_upload(session, _vault(), self.version_id, self.actor, str(exc))
                session.commit()
            raise


def receive(receiver: Receiver) -> tuple[EvidenceVersion | None, str | None]:
    """(version, None) on success, or (None, message for the form)."""
    try:
        streamed = stream_form(receiver, _max_upload())
    except FormRefused as exc:
        return None, str(exc)
    try:
        return receiver.complete(streamed), None
    except (FormRefused, EvidenceError, VaultError) as exc:
        return None, str(exc)


@bp.route("/vendors/<int:vendor_id>/evidence/new", methods=["GET", "POST"])
@requires(Capability.EVIDENCE_UPLOAD)
@csrf.exempt  # the body is streamed; the form's own CSRF field is checked before any byte is stored
def upload(vendor_id: int) -> str | tuple[str, int] | BaseResponse:
    """Add a document to a vendor's evidence: the file is encrypted as it arrives."""
    vendor = get_or_404(Vendor, vendor_id)
    if request.method != "POST":
        form = _evidence_form()
        return render_template("evidence/new.html", vendor=vendor, form=form, error=None, **upload_context())
    receiver = Receiver(vendor, _evidence_form)
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
        db.session().expire_all()
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
                db.session(),
                current_actor(),
                item,
                form.decision.data == "accept",
                form.reason.data or "",
                current_user.id,
            )
        except EvidenceError as exc:
            form.reason.errors = [*form.reason.errors, str(exc)]
        else:
            db.session().commit()
            flash("Your decision was recorded.", "success")
            return redirect(url_for("evidence.show", evidence_id=item.id))
    return _evidence_page(item, 400, review_form=form)


@bp.route("/evidence/<int:evidence_id>/versions/<int:version_no>/download")
@requires(Capability.EVIDENCE_READ)
def download(evidence_id: int, version_no: int) -> Response | tuple[str, int]:
    """The decrypted file as an attachment, checked whole before the first byte is sent; the read is audited."""
    item = _document_or_404(evidence_id)
    version = next((v for v in item.versions if v.version_no == version_no), None)  # complete ones only
    if version is None:
        abort(404)
    session, vault = db.session(), _vault()
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
