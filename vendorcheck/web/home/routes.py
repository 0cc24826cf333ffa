"""The officer's home page (``/home``): the organization's dated work in four groups, in plain words.

It reads the one list of dated work (``lifecycle.due``) that ``vendorcheck vendors due`` and the reminders
read too. Admins and assessors land here after signing in; the practice owner and the auditor keep the vendor
list (``landing_for``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import render_template, url_for
from flask_login import current_user

from vendorcheck.lifecycle.due import DueItem, DueKind, DueState, due_items
from vendorcheck.lifecycle.listing import when
from vendorcheck.models import Role, utcnow
from vendorcheck.permissions import Capability, can
from vendorcheck.web import database
from vendorcheck.web.access import requires
from vendorcheck.web.home import bp
from vendorcheck.web.pagecache import cached_page

# The groups, in the order the page shows them, with what each says when it is empty.
GROUPS = (
    ("overdue", "Overdue", "Nothing is overdue."),
    ("soon", "Due in the next 30 days", "Nothing falls due in the next 30 days."),
    ("review", "Waiting on your review", "No answers are waiting on your review."),
    ("unanswered", "Not answered yet", "Every questionnaire sent has been answered."),
)


def landing_for(role: Role) -> str:
    """Where a person lands after signing in: the home page for those who do the work, else the vendor list."""
    return url_for("home.index") if can(role, Capability.WORK_READ) else url_for("vendors.dashboard")


@dataclass(frozen=True)
class Row:
    """One line of the page: the item, its date in words, and the page where the work is done."""

    item: DueItem
    when: str
    url: str


def group_of(item: DueItem, today: date) -> str | None:
    """Which group an item belongs to (each item in one), or None when it is further off than 30 days."""
    state = item.state(today)
    if state is DueState.OVERDUE:
        return "overdue"
    if item.kind is DueKind.REVIEW:
        return "review"
    if item.kind is DueKind.ANSWERS:
        return "unanswered"
    return "soon" if state is DueState.DUE_SOON else None


@bp.route("/home")
@requires(Capability.WORK_READ)
@cached_page
def index() -> str:
    """What is due and overdue across every vendor of the organization."""
    today = utcnow().date()
    groups: dict[str, list[Row]] = {key: [] for key, _, _ in GROUPS}
    for item in due_items(database.session(), current_user.org_id, today):
        key = group_of(item, today)
        if key is not None:
            groups[key].append(Row(item, when(item, today), url_for(item.endpoint, **dict(item.endpoint_args))))
    return render_template("home/index.html", groups=groups, titles=GROUPS, today=today)
