"""The vendor list's rows, filters and sort order, all carried in the query string.

The filters and the sort are a GET form (no JavaScript needed; a link or a bookmark keeps them). A value the form
does not know is dropped and named in a message (the page answers 400 with the list as the other filters give
it), never a 500. Rows are built from what the dashboard already loaded (the vendors with their assessments, the
ratings, the cycles), so filtering and sorting add no query.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, Length, Optional

from vendorcheck.assessments.stage import STAGES, Stage, stage_of
from vendorcheck.lifecycle.cycles import Cycle
from vendorcheck.models import Vendor, VendorStatus
from vendorcheck.scores.vendor_scores import VendorScore
from vendorcheck.scoring import LEVELS
from vendorcheck.web.labels import LABELS

# Shortlisted vendors first, then the rest in the order a decision moves through.
STATUS_ORDER = [
    VendorStatus.SHORTLISTED,
    VendorStatus.SELECTED,
    VendorStatus.PROSPECT,
    VendorStatus.REJECTED,
    VendorStatus.OFFBOARDING,
    VendorStatus.ENDED,
    VendorStatus.ARCHIVED,
]
NOT_ASSESSED = "not-assessed"
RATINGS = {level.lower().replace(" ", "-"): f"{level} risk" for level in LEVELS} | {NOT_ASSESSED: "Not assessed"}
SORTS = {"name": "Name", "rating": "Rating", "status": "Status", "stage": "Assessment stage", "due": "Next due"}
ORDERS = {"asc": "First to last", "desc": "Last to first"}
DEFAULT_SORT, DEFAULT_ORDER = "status", "asc"
SEARCH_CHARS = 200


def _choice(label: str, choices: Mapping[str, str], everything: str | None, default: str = "") -> SelectField:
    """A select whose unknown values are refused with the values it knows, not WTForms' bare 'Not a valid choice'."""
    options = ([SelectChoice("", everything)] if everything else []) + [SelectChoice(k, v) for k, v in choices.items()]
    known = ", ".join(choices)
    return SelectField(
        label,
        choices=options,
        default=default,
        validate_choice=False,
        validators=[Optional(), AnyOf(list(choices), message=f"{label}: choose one of {known}; this one was ignored.")],
    )


class ListForm(FlaskForm):
    """The list's filters and sort order, read from the query string (a GET form: nothing changes, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(
        "Name contains",
        validators=[Optional(), Length(max=SEARCH_CHARS, message=f"Search with at most {SEARCH_CHARS} characters.")],
    )
    status = _choice("Status", {s.value: LABELS[s] for s in STATUS_ORDER}, "Any status")
    rating = _choice("Rating", RATINGS, "Any rating")
    stage = _choice("Assessment stage", STAGES, "Any stage")
    sort = _choice("Sort by", SORTS, None, DEFAULT_SORT)
    order = _choice("Order", ORDERS, None, DEFAULT_ORDER)


@dataclass(frozen=True)
class Row:
    """One vendor as the list shows it."""

    vendor: Vendor
    entry: VendorScore | None
    cycle: Cycle
    stage: Stage

    @property
    def rating_key(self) -> str:
        """The rating as a filter value ('very-high', 'not-assessed')."""
        name = self.entry.rating if self.entry else "Not assessed"
        return name.lower().replace(" ", "-")


def rows_of(
    vendors: list[Vendor], ratings: Mapping[int, VendorScore], cycles: Mapping[int, Cycle], today: date
) -> list[Row]:
    """The rows of ``vendors``; each vendor's newest assessment (loaded with it, newest first) gives its stage."""
    return [
        Row(v, ratings.get(v.id), cycles[v.id], stage_of(v.assessments[0] if v.assessments else None, today))
        for v in vendors
    ]


def settled(form: ListForm) -> tuple[dict[str, str], list[str]]:
    """The filters and sort that can be applied (unknown values dropped), and a message for each one dropped."""
    form.validate()
    args: dict[str, str] = {}
    problems: list[str] = []
    for name in ("q", "status", "rating", "stage", "sort", "order"):
        field = getattr(form, name)
        if field.errors:
            problems.extend(field.errors)
            field.data = field.default
        value = (field.data or "").strip()
        if value:
            args[name] = value
    return args, problems


# Each sort's key; None sorts last whichever way the list runs.
_SORT_KEYS: dict[str, Callable[[Row], Any]] = {
    "name": lambda r: r.vendor.name.casefold(),
    "rating": lambda r: (
        None if r.rating_key == NOT_ASSESSED else (LEVELS.index(r.entry.rating), bool(r.entry.score.disqualified))  # type: ignore[union-attr]
    ),
    "status": lambda r: STATUS_ORDER.index(r.vendor.status),
    "stage": lambda r: r.stage.order,
    "due": lambda r: r.cycle.next_due,
}


def apply(rows: list[Row], args: Mapping[str, str]) -> list[Row]:
    """The rows ``args`` keep (name search, status, rating, stage), in the order they ask (ties by name)."""
    needle = args.get("q", "").casefold()
    kept = [
        r
        for r in rows
        if needle in r.vendor.name.casefold()
        and args.get("status", r.vendor.status.value) == r.vendor.status.value
        and args.get("rating", r.rating_key) == r.rating_key
        and args.get("stage", r.stage.key) == r.stage.key
    ]
    key = _SORT_KEYS[args.get("sort", DEFAULT_SORT)]
    kept.sort(key=lambda r: (r.vendor.name.casefold(), r.vendor.id))
    present = [r for r in kept if key(r) is not None]
    present.sort(key=key, reverse=args.get("order") == "desc")  # stable: ties keep the name order
    return present + [r for r in kept if key(r) is None]
