"""The one list of dated work: every source's items, sorted overdue first, dated against today."""

from datetime import date, timedelta

from sqlalchemy.orm import Session

from tests.helpers import World
from vendorcheck.lifecycle.due import DueItem, DueKind, DueState, due_items


def test_the_demo_lists_documents_questionnaires_and_reviews_in_date_order(demo_data: World, dbs: Session) -> None:
    today = date(2026, 11, 29)
    items = due_items(dbs, demo_data.org.id, today)
    kinds = {item.kind for item in items}
    assert DueKind.EVIDENCE_EXPIRY in kinds
    dated = [item.due_on for item in items if item.due_on is not None]
    assert dated == sorted(dated)
    assert all(item.org_id == demo_data.org.id for item in items)
    assert len({item.key for item in items}) == len(items), "each item is named once"


def test_another_organization_sees_none_of_them(demo_data: World, dbs: Session) -> None:
    assert due_items(dbs, demo_data.other_org.id, date(2026, 11, 29)) == []


def test_states_follow_the_date() -> None:
    today = date(2026, 11, 29)

    def item(due_on: date | None) -> DueItem:
        return DueItem(DueKind.EVIDENCE_EXPIRY, 1, 1, "V", "evidence:1", "x", due_on, "vendor", "evidence.show")  # type: ignore[arg-type]

    assert item(today - timedelta(days=1)).state(today) is DueState.OVERDUE
    assert item(today).state(today) is DueState.DUE_SOON
    assert item(today + timedelta(days=30)).state(today) is DueState.DUE_SOON
    assert item(today + timedelta(days=31)).state(today) is DueState.LATER
    assert item(None).state(today) is DueState.WAITING
