"""The scoring profile editor: weights, knock-outs and thresholds as forms, a preview of what changes, restoring.

Thresholds are a row per question that has them (searchable by its words), with the built-in values shown;
a blank row keeps the built-in values. "Preview" scores the organization's current vendors with the profile
as typed and shows whose rating would change, saving nothing; "Save" stores it as the next version. An
earlier version is restored by loading it into the form (``?from=N``), previewing it and saving it again, so
the history only ever grows and says who restored what.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from vendorcheck import scores
from vendorcheck.enums import VendorStatus
from vendorcheck.models import ScoringProfileVersion, Vendor
from vendorcheck.numbers import NumberError, parse_number
from vendorcheck.permissions import Capability
from vendorcheck.questionnaire.model import Question, Questionnaire, Thresholds
from vendorcheck.scoring import DOMAIN_LABELS, ProfileError, ScoringProfile
from vendorcheck.scoring.profile import MAX_WEIGHT
from vendorcheck.web import database
from vendorcheck.web.access import current_actor, requires
from vendorcheck.web.scores import bp
from vendorcheck.web.scores.forms import ProfileForm

NOT_PREVIEWED = (VendorStatus.ARCHIVED, VendorStatus.REJECTED)  # vendors whose rating no longer matters


@dataclass(frozen=True)
class RatingChange:
    """One vendor's rating now and with the profile as typed."""

    vendor: Vendor
    now: str
    then: str
    claimed_now: float | None
    claimed_then: float | None

    @property
    def changed(self) -> bool:
        return self.now != self.then


def _library() -> dict[str, Questionnaire]:
    return current_app.extensions["vendorcheck.questionnaires"]


def _threshold_questions() -> dict[str, list[Question]]:
    """The questions whose numbers are judged against thresholds, by questionnaire title."""
    grouped: dict[str, list[Question]] = {}
    for questionnaire in _library().values():
        found = [q for q in questionnaire.questions if q.thresholds is not None]
        if found:
            grouped[questionnaire.title] = found
    return grouped


def _offer_knockouts(form: ProfileForm) -> None:
    """Knock-out rules that may be switched off, grouped by questionnaire (the law's cannot)."""
    grouped: dict[str, list[SelectChoice]] = {}
    for questionnaire in _library().values():
        choices = [
            SelectChoice(q.id, q.text)
            for q in questionnaire.questions
            if q.knockout is not None and not q.knockout.disqualifying
        ]
        if choices:
            grouped[questionnaire.title] = choices
    form.knockouts_off.choices = grouped  # type: ignore[assignment]


def _typed(profile: ScoringProfile) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """The profile's weights and threshold overrides as the form's inputs show them."""
    weights = {d: f"{profile.weight(d):g}" for d in DOMAIN_LABELS}
    thresholds = {qid: (f"{t.good:g}", f"{t.poor:g}") for qid, t in profile.thresholds.items()}
    return weights, thresholds


def _page(
    form: ProfileForm,
    weights: dict[str, str],
    thresholds: dict[str, tuple[str, str]],
    errors: dict[str, str],
    status: int = 200,
    preview: list[RatingChange] | None = None,
    loaded: int | None = None,
) -> tuple[str, int]:
    session = database.session()
    return render_template(
        "scores/profile.html",
        form=form,
        weights=weights,
        thresholds=thresholds,
        threshold_questions=_threshold_questions(),
        errors=errors,
        labels=DOMAIN_LABELS,
        history=scores.profile_history(session, current_user.org_id),
        profile=scores.current_profile(session, current_user.org_id),
        preview=preview,
        loaded=loaded,
    ), status


def _version(number: int) -> ScoringProfile | None:
    row = database.session().scalar(
        select(ScoringProfileVersion).where(
            ScoringProfileVersion.org_id == current_user.org_id, ScoringProfileVersion.version == number
        )
    )
    return None if row is None else ScoringProfile.from_json(row.content, row.version)


@bp.route("/admin/scoring", methods=["GET", "POST"])
@requires(Capability.PROFILE_EDIT)
def profile() -> Any:
    """See and change the scoring profile; every save is a new version and an audit event."""
    if request.method == "GET":
        return _show()
    form = ProfileForm()
    _offer_knockouts(form)
    raw_weights = {d: (request.form.get(f"w-{d}") or "").strip() for d in DOMAIN_LABELS}
    raw_thresholds = {
        q.id: ((request.form.get(f"t-{q.id}-good") or "").strip(), (request.form.get(f"t-{q.id}-poor") or "").strip())
        for group in _threshold_questions().values()
        for q in group
    }
    errors: dict[str, str] = {}
    weights = _weights(raw_weights, errors)
    thresholds = _thresholds(raw_thresholds, errors)
    previewing = request.form.get("action") == "preview"
    if previewing:  # a preview saves nothing and needs no note yet
        form.note.validators = []
    valid = form.validate_on_submit()
    if not valid or errors:
        return _page(form, raw_weights, raw_thresholds, errors, 400)
    candidate = ScoringProfile(
        weights=weights,
        thresholds=thresholds,
        knockouts_off=frozenset(form.knockouts_off.data or []),
        knockout_floor=form.knockout_floor.data or "High",
        rating_basis=form.rating_basis.data or "claimed",
    )
    session = database.session()
    try:
        if previewing:
            candidate.check()
            return _page(form, raw_weights, raw_thresholds, errors, preview=_preview(candidate))
        saved = scores.save_profile(session, current_actor(), current_user.org_id, candidate, form.note.data or "")
    except ProfileError as error:
        form.note.errors = [*form.note.errors, *error.problems]  # type: ignore[list-item]
        return _page(form, raw_weights, raw_thresholds, errors, 400)
    session.commit()
    flash(f"Scoring profile version {saved.version} saved; scores now use it.", "success")
    return redirect(url_for("scores.profile"))


def _show() -> tuple[str, int]:
    """The form filled from the profile in use, or from an earlier version to restore (``?from=N``)."""
    session = database.session()
    shown = scores.current_profile(session, current_user.org_id)
    loaded = None
    asked = request.args.get("from", "")
    if asked:
        earlier = _version(int(asked)) if asked.isdigit() and len(asked) < 10 else None
        if earlier is None:
            flash(f"There is no version {asked[:20]} to restore; the form shows the profile in use.", "error")
        else:
            shown, loaded = earlier, earlier.version
    form = ProfileForm(
        knockouts_off=sorted(shown.knockouts_off),
        knockout_floor=shown.knockout_floor,
        rating_basis=shown.rating_basis,
        note=f"Restore version {loaded}" if loaded else None,
    )
    _offer_knockouts(form)
    weights, thresholds = _typed(shown)
    return _page(form, weights, thresholds, {}, loaded=loaded)


def _weights(raw: dict[str, str], errors: dict[str, str]) -> dict[str, float]:
    weights: dict[str, float] = {}
    for domain, text in raw.items():
        try:
            weights[domain] = float(parse_number(text, low=0, high=MAX_WEIGHT))
        except NumberError:
            errors[f"w-{domain}"] = f"Enter a number, zero or more. The most a weight can be is {MAX_WEIGHT}."
    return weights


def _thresholds(raw: dict[str, tuple[str, str]], errors: dict[str, str]) -> dict[str, Thresholds]:
    """The overrides typed: both numbers, or neither (the built-in values); "good" on the better side."""
    known = {q.id: q for group in _threshold_questions().values() for q in group}
    found: dict[str, Thresholds] = {}
    for qid, (good_text, poor_text) in raw.items():
        if not good_text and not poor_text:
            continue
        builtin = known[qid].thresholds
        assert builtin is not None
        try:
            good, poor = float(parse_number(good_text)), float(parse_number(poor_text))
        except NumberError:
            errors[f"t-{qid}"] = "Enter both numbers (digits only), or leave both blank for the built-in values."
            continue
        better = "higher" if builtin.direction == "higher_is_better" else "lower"
        if good == poor or (good > poor) != (builtin.direction == "higher_is_better"):
            errors[f"t-{qid}"] = f"“Good” must be {better} than “poor” for this question."
            continue
        if (good, poor) != (builtin.good, builtin.poor):
            found[qid] = Thresholds(builtin.direction, good, poor)
    return found


def _preview(candidate: ScoringProfile) -> list[RatingChange]:
    """Each current vendor's rating now and with ``candidate``, changed ones first."""
    session = database.session()
    vendors = [
        v
        for v in session.scalars(select(Vendor).where(Vendor.org_id == current_user.org_id).order_by(Vendor.name))
        if v.status not in NOT_PREVIEWED
    ]
    current = scores.current_profile(session, current_user.org_id)
    before = scores.score_vendors(session, vendors, current)
    after = scores.score_vendors(session, vendors, candidate)
    changes = [
        RatingChange(
            now_.vendor,
            now_.rating,
            then_.rating,
            now_.score.claimed if now_.score else None,
            then_.score.claimed if then_.score else None,
        )
        for now_, then_ in zip(before, after, strict=True)
    ]
    return sorted(changes, key=lambda change: (not change.changed, change.vendor.name))
