"""Emailing a vendor link when it is issued. No Flask.

The link is the vendor contact's only key (its token is stored nowhere, only its hash), so the outbox must
not keep it either. What we chose (docs/reminders.md): with a mail server configured, the link's email is
sent at once, while the token is in hand, and the outbox records it with the link *redacted* (sent, or
failed with the server's answer; a failed one cannot be retried from the outbox: issue a new link). The
officer still sees the link once on the page, as before, and is told whether the email went. With no mail
server, nothing is queued: the page shows the link once to send by hand, as before.

The caller's transaction is committed before the server is contacted, so no database lock is held while it
talks (a slow server would otherwise hold up every writer on SQLite).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from vendorcheck import vendors
from vendorcheck.audit import Actor, actions
from vendorcheck.enums import MailKind, MailStatus
from vendorcheck.mail import outbox
from vendorcheck.mail.smtp import MailError, SmtpServer, send
from vendorcheck.models import Assessment, Organization, utcnow
from vendorcheck.reminders import messages

REDACTED = "[the vendor link: shown once to the officer, not kept]"


@dataclass(frozen=True)
class LinkEmail:
    """What became of a new link's email: ``sent``, ``failed`` (``error`` says why), ``no_server`` or
    ``no_contact``; ``recipient`` is who it went (or would have gone) to."""

    outcome: str
    recipient: str | None = None
    error: str | None = None


def recipient_of(assessment: Assessment) -> str | None:
    """The assessment's contact, else the vendor's primary contact; None if neither has an address."""
    if assessment.contact_email:
        return assessment.contact_email
    contact = vendors.primary_contact(assessment.vendor)
    return contact.email if contact is not None and contact.email else None


def email_link(
    session: Session, server: SmtpServer | None, actor: Actor, assessment: Assessment, url: str
) -> LinkEmail:
    """Send the newly issued link ``url`` to the vendor's contact, if a server is configured; record it redacted.

    Commits ``session`` (which holds the issued link) before anything is sent, then records the outcome and
    commits again.
    """
    recipient = recipient_of(assessment)
    if recipient is None or server is None:
        session.commit()
        return LinkEmail("no_server" if recipient else "no_contact", recipient)
    practice = session.get(Organization, assessment.org_id)
    assert practice is not None and assessment.link_expires_at is not None and assessment.link_issued_at is not None
    title = assessment.title or "the security questionnaire"
    written = messages.vendor_link(
        practice.name, assessment.vendor.name, title, url, assessment.link_expires_at, assessment.due_date
    )
    key = f"link:assessment:{assessment.id}:{assessment.link_issued_at.isoformat()}"
    org_id, vendor_id = assessment.org_id, assessment.vendor_id
    session.commit()
    try:
        send(server, recipient, written.subject, written.text, written.html)
    except MailError as exc:
        error: str | None = str(exc)
    else:
        error = None
    draft = outbox.Draft(
        MailKind.VENDOR_LINK,
        recipient,
        written.subject,
        written.text.replace(url, REDACTED),
        written.html.replace(url, REDACTED),
        key,
        None,
        vendor_id,
    )
    status = MailStatus.FAILED if error else MailStatus.SENT
    message = outbox.queue(session, org_id, draft, actor=actor, status=status)
    if message is not None:
        message.attempts, message.last_error = 1, error
        if error is None:
            message.sent_at = utcnow()
            outbox.record_event(session, actions.MAIL_SENT, actor, message, attempts=1)
        else:
            outbox.record_event(session, actions.MAIL_FAILED, actor, message, reason=error)
    session.commit()
    return LinkEmail("failed" if error else "sent", recipient, error)
