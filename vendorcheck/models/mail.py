"""The outbox: every email vendorcheck sends (reminders, vendor links), kept with its delivery state.

A message is queued once per organization and dedupe key (a reminder's key names its item and which reminder,
so running the reminders twice queues nothing new), then claimed by one process at a time and sent through
the configured SMTP server, retried with backoff while the server refuses or is away, never dropped.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vendorcheck.enums import MailKind, MailStatus
from vendorcheck.models.base import Base, OrgScoped, enum_column, utcnow


class OutboxMessage(OrgScoped, Base):
    """One email to one recipient, with both bodies, its dedupe key and where its delivery stands."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("org_id", "dedupe_key", name="uq_outbox_messages_org_id_dedupe_key"),
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_messages_org_id_item_key", "org_id", "item_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id"))
    kind: Mapped[MailKind] = mapped_column(enum_column(MailKind, "mail_kind"))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(400))
    item_key: Mapped[str | None] = mapped_column(String(200))  # the due item a reminder is about (DueItem.key)
    status: Mapped[MailStatus] = mapped_column(enum_column(MailStatus, "mail_status"), default=MailStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]  # when a process took it to send (stale after ten minutes)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
