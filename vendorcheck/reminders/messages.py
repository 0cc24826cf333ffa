"""The words of each reminder, as plain text and HTML. Pure: no database, no Flask.

What a reminder may contain (docs/reminders.md): the vendor's name, what is due in a few words, the date and
where it stands, and for the practice's assessors a link to the page where the work is done. Never an
answer, a document's content, or anything about a patient. A vendor has no account, so a vendor's reminder
links to nothing inside vendorcheck: it says what is due and whether the link they were emailed still works.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from vendorcheck.lifecycle.due import DueItem, DueKind
from vendorcheck.reminders.schedule import describe_stage

SUBJECT_PREFIX = "[vendorcheck]"


@dataclass(frozen=True)
class Written:
    """A message's subject and its two bodies."""

    subject: str
    text: str
    html: str


def _dated(item: DueItem, today: date) -> str:
    """ "due on 2026-12-20 (in 7 days)", or "waiting since it came back" for an undated item."""
    if item.due_on is None:
        return "waiting for you"
    return f"due on {item.due_on.isoformat()} ({describe_stage(item.due_on, today)})"


def _html(paragraphs: list[str], link: str | None = None) -> str:
    """A small HTML body: escaped paragraphs and at most one plain link (no images, no tracking)."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    if link:
        body += f'<p><a href="{escape(link, quote=True)}">{escape(link)}</a></p>'
    return f'<!DOCTYPE html><html><body style="font-family: sans-serif">{body}</body></html>'


def for_assessors(item: DueItem, today: date, practice: str, link: str) -> Written:
    """The reminder to the practice's assessors: what, which vendor, when, and the page to do it on."""
    subject = f"{SUBJECT_PREFIX} {item.vendor_name}: {item.what} ({_dated(item, today)})"
    lines = [
        f"{item.what} for {item.vendor_name}: {_dated(item, today)}.",
        "Open it in vendorcheck:",
    ]
    footer = f"This reminder was sent by vendorcheck for {practice}. It repeats weekly until the work is done."
    text = "\n\n".join([*lines, link, footer]) + "\n"
    return Written(subject, text, _html([*lines], link).replace("</body>", f"<p>{escape(footer)}</p></body>"))


@dataclass(frozen=True)
class LinkState:
    """What a vendor may be told about the link they were emailed: whether it works, and until when."""

    works: bool
    expires_at: datetime | None = None


def for_vendor(item: DueItem, today: date, practice: str, link: LinkState | None) -> Written:
    """The reminder to the vendor's contact: what is due and how to act, with no link into vendorcheck."""
    subject = f"{SUBJECT_PREFIX} {practice}: {item.what} ({_dated(item, today)})"
    lines = [f"{practice} is waiting on {item.vendor_name}: {item.what}, {_dated(item, today)}."]
    if item.kind == DueKind.ANSWERS and link is not None and link.works and link.expires_at is not None:
        lines.append(
            f"The link {practice} emailed you still works until {link.expires_at.strftime('%Y-%m-%d')}: "
            "open it from that email to continue where you left off."
        )
    elif item.kind == DueKind.ANSWERS:
        lines.append(f"The link you received no longer works: ask {practice} for a new one.")
    elif item.kind == DueKind.EVIDENCE_EXPIRY:
        lines.append(f"Please send {practice} the current version before then.")
    else:
        lines.append(f"Please contact {practice} about it.")
    footer = f"Sent by vendorcheck on behalf of {practice}; reply to your contact there with questions."
    text = "\n\n".join([*lines, footer]) + "\n"
    return Written(subject, text, _html([*lines, footer]))


def vendor_link(
    practice: str, vendor_name: str, what: str, url: str, expires_at: datetime, due_on: date | None
) -> Written:
    """The email that carries a new vendor link (the only message that does; the outbox keeps it redacted)."""
    subject = f"{SUBJECT_PREFIX} {practice}: {what}"
    due = f" Please answer by {due_on.isoformat()}." if due_on else ""
    lines = [
        f"{practice} asks {vendor_name} to complete a security questionnaire ({what}).{due}",
        f"Your personal link works until {expires_at.strftime('%Y-%m-%d')}; you can save drafts and return to it. "
        "Do not forward it: anyone holding it can answer for you.",
    ]
    footer = f"Sent by vendorcheck on behalf of {practice}; reply to your contact there with questions."
    text = "\n\n".join([*lines, url, footer]) + "\n"
    return Written(subject, text, _html(lines, url).replace("</body>", f"<p>{escape(footer)}</p></body>"))
