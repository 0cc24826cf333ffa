"""Adding and editing a vendor in the browser: a few lines over the vendor service, which checks and audits."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers.response import Response

from vendorcheck import vendors as service
from vendorcheck.models import Vendor
from vendorcheck.permissions import Capability
from vendorcheck.web import database
from vendorcheck.web.access import current_actor, get_or_404, requires
from vendorcheck.web.vendors import bp
from vendorcheck.web.vendors.forms import VendorForm


def _page(form: VendorForm, vendor: Vendor | None, status: int = 200) -> tuple[str, int]:
    return render_template("vendors/form.html", form=form, vendor=vendor), status


@bp.route("/vendors/new", methods=["GET", "POST"])
@requires(Capability.VENDOR_EDIT)
def new_vendor() -> tuple[str, int] | Response:
    """Add a vendor with its profile; it starts as a prospect unless said otherwise."""
    form = VendorForm()
    if not form.validate_on_submit():
        return _page(form, None, 400 if form.errors else 200)
    values = form.values()
    name, status = values.pop("name"), values.pop("status")
    session = database.session()
    try:
        found = service.create(session, current_actor(), current_user.org_id, str(name), values, status=status)
    except service.VendorError as error:
        form.name.errors = [*form.name.errors, str(error)]  # type: ignore[list-item]
        session.rollback()
        return _page(form, None, 400)
    session.commit()
    flash(f"{found.name} added. Send it a questionnaire when you are ready.", "success")
    return redirect(url_for("vendors.vendor", vendor_id=found.id))


@bp.route("/vendors/<int:vendor_id>/edit", methods=["GET", "POST"])
@requires(Capability.VENDOR_EDIT)
def edit_vendor(vendor_id: int) -> tuple[str, int] | Response:
    """Change a vendor's name, status or profile; every change is audited with what it was before."""
    found = get_or_404(Vendor, vendor_id)
    form = VendorForm(obj=found)  # a posted form's values take precedence over the stored ones
    if request.method == "GET":
        form.services.data = "\n".join(found.services or [])
        form.status.data, form.phi_volume.data = found.status.value, found.phi_volume.value
        return _page(form, found)
    if not form.validate_on_submit():
        return _page(form, found, 400)
    session = database.session()
    try:
        changed = service.update(session, current_actor(), found, form.values())
    except service.VendorError as error:
        target = form.status if str(error).startswith("status") else form.name
        target.errors = [*target.errors, str(error)]  # type: ignore[list-item]
        session.rollback()
        return _page(form, found, 400)
    session.commit()
    flash(f"Saved: {', '.join(changed)}." if changed else "Nothing changed.", "success" if changed else "info")
    return redirect(url_for("vendors.vendor", vendor_id=found.id))
