"""Screening views: principals and the company's location, screening now, deciding candidates (on the vendor
page), and the admin's upload of a public list. Thin over :mod:`vendorcheck.screening`.

A form with an error re-renders the vendor page with the message and what was typed (400).
"""

from __future__ import annotations

import tempfile
from typing import IO, Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers.response import Response as BaseResponse

from vendorcheck import screening
from vendorcheck import vendors as vendor_service
from vendorcheck.models import Candidate, ListVersion, Vendor
from vendorcheck.permissions import Capability
from vendorcheck.screening.importing import visible
from vendorcheck.web import database, security
from vendorcheck.web.access import current_actor, get_or_404, requires
from vendorcheck.web.ids import parse_id
from vendorcheck.web.screening import bp
from vendorcheck.web.screening.forms import (
    DecisionForm,
    ListUploadForm,
    LocationForm,
    PrincipalForm,
    RemovePrincipalForm,
)
from vendorcheck.web.uploads import FormRefused, stream_form
from vendorcheck.web.vendors import routes as vendor_routes  # the page these forms sit on

MAX_LIST_BYTES = 512 * 1024 * 1024  # the SAM extract is the largest, a few hundred MB at most


def _back(vendor: Vendor) -> BaseResponse:
    return redirect(url_for("vendors.vendor", vendor_id=vendor.id) + "#screening-h")


@bp.route("/vendors/<int:vendor_id>/principals", methods=["POST"])
@requires(Capability.VENDOR_EDIT)
def add_principal(vendor_id: int) -> Any:
    """Record an owner, officer or managing employee."""
    vendor = get_or_404(Vendor, vendor_id)
    form = PrincipalForm()
    if form.validate_on_submit():
        try:
            screening.add_principal(
                database.session(), current_actor(), vendor, form.name.data or "", form.title.data or "",
                form.date_of_birth.data, form.state.data or "",
            )  # fmt: skip
        except screening.ScreeningError as error:
            form.name.errors = [*form.name.errors, str(error)]
        else:
            database.session().commit()
            flash(f"{form.name.data} added. Run a screening to check them against the lists.", "success")
            return _back(vendor)
    return vendor_routes.vendor_page(vendor, 400, principal_form=form)


@bp.route("/vendors/<int:vendor_id>/principals/remove", methods=["POST"])
@requires(Capability.VENDOR_EDIT)
def remove_principal(vendor_id: int) -> Any:
    """Remove a principal of this vendor."""
    vendor = get_or_404(Vendor, vendor_id)
    form = RemovePrincipalForm()
    if not form.validate_on_submit():
        flash("The form expired; try again.", "error")
        return _back(vendor)
    principal = next((p for p in vendor.principals if p.id == parse_id(form.principal_id.data)), None)
    if principal is None:
        abort(404)
    screening.remove_principal(database.session(), current_actor(), principal)
    database.session().commit()
    flash(f"{principal.name} removed.", "success")
    return _back(vendor)


@bp.route("/vendors/<int:vendor_id>/location", methods=["POST"])
@requires(Capability.VENDOR_EDIT)
def set_location(vendor_id: int) -> Any:
    """The company's address and state (audited as a vendor change)."""
    vendor = get_or_404(Vendor, vendor_id)
    form = LocationForm()
    if form.validate_on_submit():
        try:
            vendor_service.update(
                database.session(), current_actor(), vendor,
                {"address": form.address.data or "", "state": form.state.data or ""},
            )  # fmt: skip
        except vendor_service.VendorError as error:
            form.address.errors = [*form.address.errors, str(error)]
        else:
            database.session().commit()
            flash("Address saved.", "success")
            return _back(vendor)
    return vendor_routes.vendor_page(vendor, 400, location_form=form)


@bp.route("/vendors/<int:vendor_id>/screen", methods=["POST"])
@requires(Capability.VENDOR_EDIT)
def screen_now(vendor_id: int) -> Any:
    """Screen the vendor against the newest version of each list now."""
    vendor = get_or_404(Vendor, vendor_id)
    if not FlaskForm().validate_on_submit():  # only the CSRF token to check
        flash("The form expired; try again.", "error")
        return _back(vendor)
    done = screening.run(database.session(), current_actor(), [vendor])
    database.session().commit()
    if not done:
        flash("No list has been imported yet: an administrator uploads them under Lists.", "error")
    else:
        flash(f"Screened against {len(done)} list(s).", "success")
    return _back(vendor)


@bp.route("/vendors/<int:vendor_id>/candidates/decide", methods=["POST"])
@requires(Capability.SCREENING_DECIDE)
def decide(vendor_id: int) -> Any:
    """Confirm or dismiss one of this vendor's candidates."""
    vendor = get_or_404(Vendor, vendor_id)
    form = DecisionForm()
    if form.validate_on_submit():
        candidate = Candidate.get_for_org(database.session(), parse_id(form.candidate_id.data) or 0, vendor.org_id)
        if candidate is None or candidate.vendor_id != vendor.id:
            abort(404)
        try:
            screening.decide(
                database.session(), current_actor(), candidate, form.decision.data == "confirm", form.note.data or ""
            )
        except screening.ScreeningError as error:
            form.note.errors = [*form.note.errors, str(error)]
        else:
            database.session().commit()
            flash(f"Candidate {candidate.status.value}.", "success")
            return _back(vendor)
    return vendor_routes.vendor_page(vendor, 400, decision_form=form, decision_for=parse_id(form.candidate_id.data))


# The admin's list upload


class _Spool:
    """The uploaded list, into a temporary file (public data; deleted when closed), up to MAX_LIST_BYTES."""

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the view)
        self.size = 0

    def write(self, data: bytes) -> None:
        """Append, refusing a file beyond the limit."""
        self.size += len(data)
        if self.size > MAX_LIST_BYTES:
            raise FormRefused(f"The file is larger than {MAX_LIST_BYTES // (1024 * 1024)} MB; no list is that large.")
        self.file.write(data)


def _lists_page(form: ListUploadForm, error: str | None = None, status: int = 200) -> tuple[str, int]:
    versions = database.session().scalars(
        select(ListVersion).where(visible(current_user.org_id)).order_by(ListVersion.id.desc()).limit(50)
    )
    context = {"form": form, "error": error, "versions": list(versions), "labels": screening.LABELS}
    return render_template("screening/lists.html", limit_mb=MAX_LIST_BYTES // (1024 * 1024), **context), status


@bp.route("/admin/lists", methods=["GET", "POST"])
@requires(Capability.LIST_IMPORT)
@security.csrf.exempt  # the body is streamed; the form's CSRF field is checked before the file is kept
def lists() -> Any:
    """Upload a public list for the organization; every vendor is re-screened against it."""
    if request.method != "POST":
        return _lists_page(ListUploadForm())
    spool = _Spool()
    chosen: dict[str, ListUploadForm] = {}

    def on_file(fields: MultiDict[str, str], filename: str | None) -> _Spool:
        form = ListUploadForm(formdata=fields)
        chosen["form"] = form
        if not form.validate():
            raise FormRefused("The form expired or the list was not chosen; reload the page and try again.")
        chosen["filename"] = filename or "upload.csv"  # type: ignore[assignment]
        return spool

    try:
        try:
            received = stream_form(on_file, MAX_LIST_BYTES)
        except FormRefused as error:
            return _lists_page(ListUploadForm(formdata=None), str(error), 400)
        form = chosen.get("form") or ListUploadForm(formdata=received.fields)
        if received.error is not None:
            return _lists_page(form, str(received.error), 400)
        if not received.file_seen or spool.size == 0:
            return _lists_page(form, "Choose the list file to upload.", 400)
        session = database.session()
        try:
            imported = screening.import_and_screen(
                session, current_actor(), form.source.data, spool.file, str(chosen["filename"]),
                org_id=current_user.org_id,
            )  # fmt: skip
        except screening.ListImportError as error:
            session.rollback()
            return _lists_page(form, f"{chosen['filename']}: {error}. Nothing was imported.", 400)
        session.commit()
        flash(f"{chosen['filename']}: {imported.summary}.", "success")
        return redirect(url_for("screening.lists"))
    finally:
        spool.file.close()
