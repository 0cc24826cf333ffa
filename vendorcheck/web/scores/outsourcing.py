"""'Should we outsource?': the practice's own billing figures and checklist, read against the benchmarks."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from vendorcheck import baseline as baselines
from vendorcheck.permissions import Capability
from vendorcheck.scoring.economics import (
    ANSWERS,
    BASELINE_FIELDS,
    BENCHMARKS,
    CHECKLIST,
    FEE_RANGE,
    denial_leakage,
    readiness,
)
from vendorcheck.web import database
from vendorcheck.web.access import current_actor, requires
from vendorcheck.web.scores import bp


def _shown(value: float | None) -> str:
    return "" if value is None else f"{value:g}" if abs(value) < 1e15 else ""


def _page(typed: dict[str, str], chosen: dict[str, str], problems: dict[str, str], status: int = 200):
    row = baselines.get_baseline(database.session(), current_user.org_id)
    figures = baselines.figures(row)
    answers = baselines.answers(row)
    return render_template(
        "scores/outsourcing.html",
        fields=BASELINE_FIELDS,
        checklist=CHECKLIST,
        answers_allowed=ANSWERS,
        typed=typed,
        chosen=chosen,
        problems=problems,
        reading=readiness(figures, answers),
        leakage=denial_leakage(figures),
        benchmarks=BENCHMARKS,
        fee_range=FEE_RANGE,
        baseline=row,
    ), status


@bp.route("/outsourcing")
@requires(Capability.SCORE_READ)
def outsourcing() -> tuple[str, int]:
    """The practice's figures and checklist, what they point to, and the form to change them."""
    row = baselines.get_baseline(database.session(), current_user.org_id)
    typed = {k: _shown(v) for k, v in baselines.figures(row).items()}
    return _page(typed, baselines.answers(row), {})


@bp.route("/outsourcing", methods=["POST"])
@requires(Capability.BASELINE_EDIT)
def baseline_save() -> BaseResponse | tuple[str, int]:
    """Save the figures and checklist; refused figures are shown beside their fields, the rest kept as typed."""
    typed = {key: (request.form.get(key) or "")[:100] for key, *_ in BASELINE_FIELDS}
    chosen = {key: request.form.get(key) or "" for key, *_ in CHECKLIST}
    session = database.session()
    try:
        baselines.save_baseline(session, current_actor(), current_user.org_id, typed, chosen)
    except baselines.BaselineError as error:
        session.rollback()
        return _page(typed, chosen, error.problems, 400)
    session.commit()
    flash("Your billing figures were saved; the comparison and the memo now use them.", "success")
    return redirect(url_for("scores.outsourcing"))
