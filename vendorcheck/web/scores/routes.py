"""Comparison, exports, decision memo, decision and the scoring profile: thin views over vendorcheck.scores."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from vendorcheck import printing, scores
from vendorcheck.cells import csv_writer
from vendorcheck.models import Vendor
from vendorcheck.numbers import NumberError, parse_number
from vendorcheck.permissions import Capability
from vendorcheck.questionnaire.model import Questionnaire, Thresholds
from vendorcheck.scores.memo import Memo, build_memo
from vendorcheck.scoring import DOMAIN_LABELS, ProfileError, ScoringProfile
from vendorcheck.scoring.profile import MAX_WEIGHT
from vendorcheck.web import database
from vendorcheck.web.access import current_actor, requires
from vendorcheck.web.ids import parse_ids
from vendorcheck.web.scores import bp
from vendorcheck.web.scores.charts import bar_chart
from vendorcheck.web.scores.forms import DecisionForm, ProfileForm

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


# The scoring profile


def _library() -> dict[str, Questionnaire]:
    return current_app.extensions["vendorcheck.questionnaires"]


def _profile_page(form: ProfileForm, weights: dict[str, str], errors: dict[str, str], status: int = 200):
    history = scores.profile_history(database.session(), current_user.org_id)
    return render_template(
        "scores/profile.html",
        form=form,
        weights=weights,
        errors=errors,
        labels=DOMAIN_LABELS,
        history=history,
        profile=scores.current_profile(database.session(), current_user.org_id),
    ), status


def _offer_knockouts(form: ProfileForm) -> None:
    form.knockouts_off.choices = [
        SelectChoice(q.id, f"{q.text} ({q.id})")
        for questionnaire in _library().values()
        for q in questionnaire.questions
        if q.knockout is not None and not q.knockout.disqualifying  # the law cannot be switched off
    ]


@bp.route("/admin/scoring", methods=["GET", "POST"])
@requires(Capability.PROFILE_EDIT)
def profile() -> Any:
    """See and change the scoring profile; every save is a new version and an audit event."""
    session = database.session()
    current = scores.current_profile(session, current_user.org_id)
    if request.method == "GET":
        form = ProfileForm(
            knockouts_off=sorted(current.knockouts_off),
            knockout_floor=current.knockout_floor,
            rating_basis=current.rating_basis,
            thresholds="\n".join(f"{qid}: {t.good:g}, {t.poor:g}" for qid, t in sorted(current.thresholds.items())),
        )
        _offer_knockouts(form)
        return _profile_page(form, {d: f"{current.weight(d):g}" for d in DOMAIN_LABELS}, {})
    form = ProfileForm()
    _offer_knockouts(form)
    raw = {d: (request.form.get(f"w-{d}") or "").strip() for d in DOMAIN_LABELS}
    errors: dict[str, str] = {}
    weights: dict[str, float] = {}
    for domain, text in raw.items():
        try:
            weights[domain] = float(parse_number(text, low=0, high=MAX_WEIGHT))
        except NumberError:
            errors[domain] = f"Enter a number, zero or more. The most a weight can be is {MAX_WEIGHT}."
    thresholds, threshold_errors = _parse_thresholds(form.thresholds.data or "")
    valid = form.validate_on_submit()
    for message in threshold_errors:
        form.thresholds.errors = [*form.thresholds.errors, message]  # type: ignore[list-item]
    if not valid or errors or threshold_errors:
        return _profile_page(form, raw, errors, 400)
    candidate = ScoringProfile(
        weights=weights,
        thresholds=thresholds,
        knockouts_off=frozenset(form.knockouts_off.data or []),
        knockout_floor=form.knockout_floor.data or "High",
        rating_basis=form.rating_basis.data or "claimed",
    )
    try:
        saved = scores.save_profile(session, current_actor(), current_user.org_id, candidate, form.note.data or "")
    except ProfileError as error:
        form.note.errors = [*form.note.errors, *error.problems]  # type: ignore[list-item]
        return _profile_page(form, raw, errors, 400)
    session.commit()
    flash(f"Scoring profile version {saved.version} saved; scores now use it.", "success")
    return redirect(url_for("scores.profile"))


def _parse_thresholds(text: str) -> tuple[dict[str, Thresholds], list[str]]:
    """``question_id: good, poor`` per line, for number and percent questions with thresholds."""
    known = {q.id: q for questionnaire in _library().values() for q in questionnaire.questions if q.thresholds}
    found: dict[str, Thresholds] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        qid, _, rest = line.partition(":")
        qid = qid.strip()
        parts = [p.strip() for p in rest.split(",")]
        if qid not in known:
            problems.append(f"Line {number}: “{qid}” is not a question with thresholds.")
            continue
        try:
            good, poor = (float(parse_number(p)) for p in parts)
        except (NumberError, ValueError):  # ValueError: not exactly two numbers
            problems.append(f"Line {number}: write it as “{qid}: good, poor”, with two numbers.")
            continue
        rule = Thresholds(known[qid].thresholds.direction, good, poor)  # type: ignore[union-attr]
        if good == poor or (good > poor) != (rule.direction == "higher_is_better"):
            better = "higher" if rule.direction == "higher_is_better" else "lower"
            problems.append(f"Line {number}: for {qid}, “good” must be {better} than “poor”.")
            continue
        found[qid] = rule
    return found, problems
