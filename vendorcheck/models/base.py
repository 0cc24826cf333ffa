"""What every table shares: the declarative base, UTC timestamps, portable enum columns, organization scoping.

Every organization-owned row carries ``org_id`` (directly or through its vendor) and is read through
``OrgScoped.get_for_org`` so that another organization's object is simply not found.
Times are stored in UTC and come back timezone-aware on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from sqlalchemy import (
    JSON,
    DateTime,
    Enum,
    MetaData,
    TypeDecorator,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always returned timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Refuse naive times (their zone is a guess) and store the UTC instant."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware time (vendorcheck.models.utcnow())")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Attach UTC to what SQLite returns without a zone."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with constraint names that migrations can refer to."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[str]: JSON()}


def enum_column(cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column: VARCHAR with a CHECK constraint, storing the member's value."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class OrgScoped:
    """Mixin for rows that belong to one organization: the single way views read them by id."""

    id: Mapped[int]
    org_id: Mapped[int]

    @classmethod
    def get_for_org(cls, session: Session, object_id: int, org_id: int) -> Self | None:
        """The row with this id if it belongs to ``org_id``; None otherwise (callers answer 404)."""
        return session.scalar(select(cls).where(cls.id == object_id, cls.org_id == org_id))
