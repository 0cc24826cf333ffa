"""Dashboard listing the organization's vendors, and one vendor's page."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers.response import Response as BaseResponse

from vendorcheck import packets, scores, screening, signing
from vendorcheck import vendors as service
from vendorcheck.evidence import Vault
from vendorcheck.lifecycle import cycles as lifecycle_cycles
from vendorcheck.models import Vendor, utcnow
from vendorcheck.permissions import Capability
from vendorcheck.scoring import LEVELS
from vendorcheck.web import database
from vendorcheck.web.access import current_actor, get_or_404, requires
from vendorcheck.web.contracts.routes import vendor_context as contract_context
from vendorcheck.web.pagecache import cached_page
from vendorcheck.web.screening.forms import DecisionForm, LocationForm, PrincipalForm
from vendorcheck.web.vendors import bp, listing
from vendorcheck.web.vendors.cycles import cycle_context


@bp.route("/")
@requires(Capability.VENDOR_READ)
@cached_page
def dashboard() -> tuple[str, int]:
    """Every vendor of the signed-in user's organization, filtered and sorted as the query string asks
    (shortlisted first by default); a filter value it does not know is named and dropped (400)."""
    session = database.session()
    form = listing.ListForm(request.args)
    args, problems = listing.settled(form)
    vendors = service.list_for(session, current_user.org_id)
    counts = {status: sum(v.status == status for v in vendors) for status in listing.STATUS_ORDER}
    # Each vendor's rating at a glance (served from the score cache while nothing changed).
    profile = scores.current_profile(session, current_user.org_id)
    ratings = {entry.vendor.id: entry for entry in scores.score_vendors(session, vendors, profile)}
    today = utcnow().date()
    cycles = lifecycle_cycles.cycles(session, current_user.org_id, vendors, today)
    rows = listing.apply(listing.rows_of(vendors, ratings, cycles, today), args)
    page = render_template(
        "vendors/dashboard.html",
        rows=rows,
        total=len(vendors),
        counts=counts,
        candidates=screening.open_counts(session, current_user.org_id),
        form=form,
        args=args,
        problems=problems,
        filtered=any(key in args for key in ("q", "status", "rating", "stage")),
        today=today,
    )
    return page, (400 if problems else 200)


@bp.route("/vendors/<int:vendor_id>")
@requires(Capability.VENDOR_READ)
@cached_page
def vendor(vendor_id: int) -> tuple[str, int]:
    """One vendor: profile, contacts, screening, score, assessments and evidence."""
    return vendor_page(get_or_404(Vendor, vendor_id))


def vendor_page(found: Vendor, status: int = 200, **forms: Any) -> tuple[str, int]:
    """The vendor page; the screening views pass a form back with its errors and what was typed."""
    session = database.session()
    [entry] = scores.score_vendors(session, [found], scores.current_profile(session, found.org_id))
    forms.setdefault("principal_form", PrincipalForm(formdata=None))
    forms.setdefault("location_form", LocationForm(formdata=None, obj=found))
    forms.setdefault("decision_form", DecisionForm(formdata=None))
    context = {
        "screening_status": screening.status(session, found),
        "candidates": screening.candidates_of(session, found.id),
        "decision": scores.latest_decision(session, found.org_id, [found.id]),
        **cycle_context(found, **forms),
        **contract_context(session, found, date.today()),
        **forms,
    }
    page = render_template(
        "vendors/vendor.html", vendor=found, today=date.today(), entry=entry, levels=LEVELS, **context
    )
    return page, status


@bp.route("/vendors/<int:vendor_id>/packet", methods=["POST"])
@requires(Capability.PACKET_EXPORT)
def export_packet(vendor_id: int) -> Response | BaseResponse:
    """The vendor's evidence packet as a ZIP, streamed: the download starts at once, memory stays flat.

    The export event and the signed checkpoint covering it are committed before the first byte. A document
    that fails to decrypt midway cuts the stream off before the ZIP's central directory (the browser reports
    a failed download, never a short but valid-looking packet) and is recorded as an integrity failure.
    """
    found = get_or_404(Vendor, vendor_id)
    if not FlaskForm().validate_on_submit():  # only the CSRF token to check
        flash("The export form expired; press Export again.", "error")
        return redirect(url_for("vendors.vendor", vendor_id=vendor_id))
    settings = current_app.config["VENDORCHECK_SETTINGS"]
    try:
        signer = signing.load_signer(settings.home)
    except signing.SigningKeyError:
        current_app.logger.error("packet export refused: no signing key in %s", settings.home)
        flash(
            "Packets cannot be signed: this instance has no signing key. Ask an administrator to run "
            "`vendorcheck init`.",
            "error",
        )
        return redirect(url_for("vendors.vendor", vendor_id=vendor_id))
    vault: Vault = current_app.extensions["vendorcheck.vault"]
    session = database.session()
    export = packets.prepare(session, vault, signer, current_actor(), found)
    session.commit()
    # The stream records its own failure (packets.Export.stream), as it does for the command line.
    response = Response(stream_with_context(export.stream(signer)), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
