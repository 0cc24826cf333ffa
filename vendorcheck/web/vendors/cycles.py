"""A vendor's tier and reassessment cycle in the browser: raise the tier with a reason, start a reassessment.

A few lines over ``lifecycle.cycles``, which checks and audits; the vendor page shows the tier, the cycle and
every earlier cycle (``cycle_context``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app, flash, redirect, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers.response import Response
from wtforms import DateField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from vendorcheck.assessments import AssessmentError
from vendorcheck.lifecycle import cycles
from vendorcheck.lifecycle.tiers import REASON_CHARS, TIER_WORDS, TIERS, TierError, computed_tier, tier_reasons
from vendorcheck.models import Vendor, utcnow
from vendorcheck.permissions import Capability
from vendorcheck.web import database
from vendorcheck.web.access import current_actor, get_or_404, requires
from vendorcheck.web.vendors import bp

REASSESSMENT_DAYS = 30  # the vendor's time to answer a reassessment, unless the officer sets another date


class TierForm(FlaskForm):
    """Raise a vendor's tier (or return it to its profile's), with the reason."""

    tier = SelectField("Tier", choices=[SelectChoice(str(t), TIER_WORDS[t]) for t in TIERS])
    reason = TextAreaField("Why", validators=[Optional(), Length(max=REASON_CHARS)])


class ReassessForm(FlaskForm):
    """Start a reassessment now; the vendor's answers are due on this date."""

    due_date = DateField("Answers due by", validators=[Optional()])


def cycle_context(vendor: Vendor, **forms: Any) -> dict[str, Any]:
    """What the vendor page shows of the tier and the cycle, with the forms (kept when re-rendered with errors)."""
    today = utcnow().date()
    cycle = cycles.cycles(database.session(), vendor.org_id, [vendor], today)[vendor.id]
    return {
        "cycle": cycle,
        "profile_tier": computed_tier(vendor),
        "tier_reasons": tier_reasons(vendor),
        "tier_words": TIER_WORDS,
        "tier_form": forms.get("tier_form") or TierForm(formdata=None, tier=str(cycle.tier)),
        "reassess_form": forms.get("reassess_form")
        or ReassessForm(formdata=None, due_date=today + timedelta(days=REASSESSMENT_DAYS)),
    }


@bp.route("/vendors/<int:vendor_id>/tier", methods=["POST"])
@requires(Capability.VENDOR_EDIT)
def set_tier(vendor_id: int) -> tuple[str, int] | Response:
    """Raise the vendor's tier with a reason (lowering below the profile's tier is refused)."""
    from vendorcheck.web.vendors.routes import vendor_page  # the page lives beside the dashboard

    found = get_or_404(Vendor, vendor_id)
    form = TierForm()
    if not form.validate_on_submit():
        return vendor_page(found, 400, tier_form=form)
    session = database.session()
    try:
        tier = cycles.set_tier(session, current_actor(), found, form.tier.data, form.reason.data)
    except TierError as error:
        session.rollback()
        form.reason.errors = [*form.reason.errors, str(error)]  # type: ignore[list-item]
        return vendor_page(found, 400, tier_form=form)
    session.commit()
    flash(f"{found.name} is now tier {tier}; the reason is in the audit trail.", "success")
    return redirect(url_for("vendors.vendor", vendor_id=found.id, _anchor="cycle-h"))


@bp.route("/vendors/<int:vendor_id>/reassess", methods=["POST"])
@requires(Capability.ASSESSMENT_SEND)
def reassess(vendor_id: int) -> tuple[str, int] | Response:
    """Start the vendor's reassessment now, pre-filled with its last accepted answers."""
    from vendorcheck.web.vendors.routes import vendor_page

    found = get_or_404(Vendor, vendor_id)
    form = ReassessForm()
    if not form.validate_on_submit():
        return vendor_page(found, 400, reassess_form=form)
    session = database.session()
    library = current_app.extensions["vendorcheck.questionnaires"]
    due: date | None = form.due_date.data
    try:
        assessment = cycles.start_reassessment(session, current_actor(), found, library, due_date=due)
    except AssessmentError as error:
        session.rollback()
        form.due_date.errors = [*form.due_date.errors, str(error)]  # type: ignore[list-item]
        return vendor_page(found, 400, reassess_form=form)
    session.commit()
    flash(
        "Reassessment created, pre-filled with the answers accepted last time. Issue the vendor link to send it.",
        "success",
    )
    return redirect(url_for("assessments.show", assessment_id=assessment.id))
