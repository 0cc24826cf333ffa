"""The organization's reassessment settings per risk tier (admins): how often, and which questionnaires.

A few lines over ``lifecycle.cycles.save_policies``, which checks (1 to 60 months, at least one questionnaire)
and audits. A refused entry re-renders the page with the message and everything typed kept.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from vendorcheck.lifecycle import cycles
from vendorcheck.lifecycle.tiers import MAX_MONTHS, MIN_MONTHS, TIER_WORDS, TIERS, TierError
from vendorcheck.permissions import Capability
from vendorcheck.web import database
from vendorcheck.web.access import current_actor, requires
from vendorcheck.web.admin import bp
from vendorcheck.web.forms import ActionForm


def _page(entered: dict[int, tuple[str, list[str]]] | None = None, error: str | None = None) -> tuple[str, int]:
    library = current_app.extensions["vendorcheck.questionnaires"]
    saved = cycles.policies(database.session(), current_user.org_id, list(library))
    shown = entered or {t: (str(p.interval_months), list(p.questionnaires)) for t, p in saved.items()}
    return render_template(
        "admin/tiers.html",
        tiers=TIERS,
        tier_words=TIER_WORDS,
        shown=shown,
        library=library,
        error=error,
        form=ActionForm(),
        bounds=(MIN_MONTHS, MAX_MONTHS),
    ), (400 if error else 200)


@bp.route("/tiers", methods=["GET", "POST"])
@requires(Capability.TIERS_EDIT)
def tiers() -> tuple[str, int] | Response:
    """Reassessment interval and questionnaires for each tier."""
    if request.method == "GET":
        return _page()
    entered = {t: (request.form.get(f"months-{t}", ""), request.form.getlist(f"q-{t}")) for t in TIERS}
    if not ActionForm().validate_on_submit():
        return _page(entered, "The page expired; nothing was saved. Save again.")
    library = current_app.extensions["vendorcheck.questionnaires"]
    session = database.session()
    try:
        changed = cycles.save_policies(session, current_actor(), current_user.org_id, entered, list(library))
    except TierError as error:
        session.rollback()
        return _page(entered, str(error))
    session.commit()
    flash(f"Saved: tier {', '.join(map(str, changed))} changed." if changed else "Nothing changed.", "success")
    return redirect(url_for("admin.tiers"))
