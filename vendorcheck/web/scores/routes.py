"""Comparison, exports, decision memo and decision: thin views over vendorcheck.scores (the profile: ``profile``)."""

from __future__ import annotations

import io
import json
from datetime import date

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from vendorcheck import printing, scores
from vendorcheck.cells import csv_writer
from vendorcheck.models import Vendor
from vendorcheck.permissions import Capability
from vendorcheck.scores.memo import Memo, build_memo
from vendorcheck.web import database
from vendorcheck.web.access import current_actor, requires
from vendorcheck.web.ids import parse_ids
from vendorcheck.web.pagecache import cached_page
from vendorcheck.web.scores import bp
from vendorcheck.web.scores.charts import bar_chart
from vendorcheck.web.scores.forms import DecisionForm

# Beyond this many assessed vendors the domain table and the charts show the best-ranked ones only (a column or a
# bar per vendor stops being readable, and 200 of them took most of a second to render); the ranking lists everyone
# and the CSV and JSON exports carry every vendor's domain scores.
DETAILED = 8


def _chosen_vendors() -> tuple[list[Vendor], list[Vendor]]:
    """(the vendors asked for with ?vendor=ID..., or the shortlist), and every vendor of the organization."""
    everyone = list(
        database.session().scalars(select(Vendor).where(Vendor.org_id == current_user.org_id).order_by(Vendor.name))
    )
    asked = set(parse_ids(request.args.getlist("vendor")))
    if asked:
        return [v for v in everyone if v.id in asked], everyone
    return scores.shortlisted(database.session(), current_user.org_id), everyone


def _comparison() -> tuple[scores.Comparison | None, list[Vendor], list[Vendor], str | None]:
    chosen, everyone = _chosen_vendors()
    profile = scores.current_profile(database.session(), current_user.org_id)
    try:
        return scores.compare(database.session(), chosen, profile), chosen, everyone, None
    except scores.ScoreError as error:
        return None, chosen, everyone, str(error)


def _query(comparison: scores.Comparison) -> dict[str, list[int]]:
    return {"vendor": [e.vendor.id for e in comparison.entries]}


@bp.route("/compare")
@requires(Capability.SCORE_READ)
@cached_page
def compare() -> str | tuple[str, int]:
    """Shortlisted (or chosen) vendors side by side, best first, with charts and the ranking's stability."""
    comparison, chosen, everyone, error = _comparison()
    if comparison is None:
        return render_template("scores/compare.html", comparison=None, error=error, chosen=chosen, everyone=everyone)
    assessed = comparison.assessed[:DETAILED]
    names = [e.vendor.name for e in assessed]
    overall = bar_chart(
        "Overall score: claimed and proven",
        names,
        [("Claimed", [e.score.claimed for e in assessed]), ("Proven", [e.score.proven for e in assessed])],  # type: ignore[union-attr]
    )
    by_domain = bar_chart(
        "Score per domain (claimed)",
        names,
        [
            (label, [next((d.claimed for d in e.score.domains if d.domain == domain), None) for e in assessed])  # type: ignore[union-attr]
            for domain, label in comparison.domains
        ],
    )
    form = DecisionForm(vendors=",".join(str(e.vendor.id) for e in comparison.entries))
    form.chosen.choices = [SelectChoice(e.vendor.id, e.vendor.name) for e in assessed]
    return render_template(
        "scores/compare.html",
        comparison=comparison,
        error=None,
        chosen=chosen,
        everyone=everyone,
        charts=[overall, by_domain],
        figures=scores.FIGURES,
        detailed=assessed,
        query=_query(comparison),
        form=form,
        decision=scores.latest_decision(
            database.session(), current_user.org_id, [e.vendor.id for e in comparison.entries]
        ),
    )


@bp.route("/compare.csv")
@requires(Capability.SCORE_READ)
def compare_csv() -> Response | tuple[str, int]:
    """The comparison table as CSV."""
    comparison, _, _, error = _comparison()
    if comparison is None:
        return render_template("errors/error.html", status=400, title="Nothing to export", advice=error), 400
    buffer = io.StringIO()
    csv_writer(buffer).writerows(scores.comparison_rows(comparison))
    return _attachment(buffer.getvalue().encode("utf-8"), "text/csv; charset=utf-8", "vendor-comparison.csv")


@bp.route("/compare.json")
@requires(Capability.SCORE_READ)
def compare_json() -> Response | tuple[str, int]:
    """The comparison as JSON (format vendorcheck-comparison/1, as `vendorcheck compare --json`)."""
    comparison, _, _, error = _comparison()
    if comparison is None:
        return render_template("errors/error.html", status=400, title="Nothing to export", advice=error), 400
    data = json.dumps(scores.comparison_json(comparison), indent=2, ensure_ascii=False).encode("utf-8")
    return _attachment(data, "application/json", "vendor-comparison.json")


def _attachment(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _memo(comparison: scores.Comparison) -> Memo:
    """The memo for this comparison, with the latest decision that chose or compared one of its vendors."""
    decision = scores.latest_decision(
        database.session(), current_user.org_id, [e.vendor.id for e in comparison.entries]
    )
    return build_memo(comparison, current_user.organization.name, decision=decision)


@bp.route("/memo")
@requires(Capability.SCORE_READ)
def memo() -> str | tuple[str, int]:
    """The decision memo for the practice owner (one or two pages)."""
    comparison, chosen, everyone, error = _comparison()
    if comparison is None:
        return render_template("scores/compare.html", comparison=None, error=error, chosen=chosen, everyone=everyone)
    return render_template("scores/memo.html", memo=_memo(comparison), comparison=comparison, query=_query(comparison))


@bp.route("/memo.pdf")
@requires(Capability.SCORE_READ)
def memo_download() -> Response | tuple[str, int]:
    """The decision memo as a tagged PDF, printed from the same template as the page (vendorcheck.printing)."""
    comparison, _, _, error = _comparison()
    if comparison is None:
        return render_template("errors/error.html", status=400, title="No memo yet", advice=error), 400
    data = printing.html_to_pdf(render_template("scores/memo_print.html", memo=_memo(comparison)))
    return _attachment(data, "application/pdf", f"decision-memo-{date.today().isoformat()}.pdf")


@bp.route("/decision", methods=["POST"])
@requires(Capability.DECISION_RECORD)
def decide() -> BaseResponse | tuple[str, int]:
    """Record the owner's choice; the compared vendors' scores are frozen beside it."""
    form = DecisionForm()
    ids = parse_ids((form.vendors.data or "").split(","))
    session = database.session()
    vendors = list(session.scalars(select(Vendor).where(Vendor.org_id == current_user.org_id, Vendor.id.in_(ids))))
    profile = scores.current_profile(session, current_user.org_id)
    try:
        comparison = scores.compare(session, vendors, profile)
    except scores.ScoreError as error:
        flash(str(error), "error")
        return redirect(url_for("scores.compare"))
    form.chosen.choices = [SelectChoice(e.vendor.id, e.vendor.name) for e in comparison.assessed]
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("scores.compare", **_query(comparison)))
    chosen = next(e.vendor for e in comparison.entries if e.vendor.id == form.chosen.data)
    scores.record_decision(session, current_actor(), comparison, chosen, form.reason.data or "")
    session.commit()
    flash(f"Decision recorded: {chosen.name} is selected. The scores as they stand were saved with it.", "success")
    return redirect(url_for("vendors.vendor", vendor_id=chosen.id))
