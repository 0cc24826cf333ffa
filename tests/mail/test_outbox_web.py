"""The outbox page (admins and assessors; viewers and auditors get 403) and vendor links emailed when issued:
sent at once through the server, kept in the outbox with the link redacted, still shown once on the page."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import Auth, World, csrf_token
from tests.mail.conftest import CONTACT, Lifecycle
from tests.smtp import LoopbackSmtp
from tests.web.conftest import outbox_draft
from vendorcheck.mail import outbox
from vendorcheck.mail.links import REDACTED
from vendorcheck.models import MailKind, MailStatus, OutboxMessage, Role

LINK_RE = re.compile(r'<code id="issued-link">([^<]+)</code>')


def _issue(client: FlaskClient, auth: Auth, world: World, lifecycle: Lifecycle) -> str:
    auth.login_as(world.users[Role.ASSESSOR])
    page = f"/assessments/{lifecycle.assessment_id}"
    response = client.post(f"{page}/link", data={"csrf_token": csrf_token(client, page), "days": "14"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_new_vendor_link_is_emailed_at_once_and_kept_redacted(
    app: Flask, client: FlaskClient, auth: Auth, dbs: Session, world: World, lifecycle: Lifecycle, smtp: LoopbackSmtp
) -> None:
    app.extensions["vendorcheck.mail_server"] = smtp.server()
    page = _issue(client, auth, world, lifecycle)
    url = LINK_RE.search(page).group(1)  # still shown once
    assert f"emailed to <strong>{CONTACT}</strong>" in page
    (received,) = smtp.received
    assert received.rcpt_tos == [CONTACT] and url in received.part("plain") and url in received.part("html")
    dbs.rollback()
    (message,) = dbs.scalars(select(OutboxMessage)).all()
    token = url.rsplit("/", 1)[1]
    assert message.kind == MailKind.VENDOR_LINK and message.status == MailStatus.SENT and message.attempts == 1
    assert token not in message.text_body + message.html_body and REDACTED in message.text_body


def test_a_link_that_could_not_be_emailed_is_shown_with_the_error_and_cannot_be_retried(
    app: Flask, client: FlaskClient, auth: Auth, dbs: Session, world: World, lifecycle: Lifecycle, smtp: LoopbackSmtp
) -> None:
    smtp.stop()
    app.extensions["vendorcheck.mail_server"] = smtp.server()
    page = _issue(client, auth, world, lifecycle)
    assert "could not be emailed" in page and "Connection refused" in page and LINK_RE.search(page)
    dbs.rollback()
    (message,) = dbs.scalars(select(OutboxMessage)).all()
    assert message.status == MailStatus.FAILED and "Connection refused" in message.last_error
    path = "/outbox"
    response = client.post(f"/outbox/{message.id}/retry", data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 302
    assert "issue a new vendor link" in client.get(path).get_data(as_text=True)
    dbs.refresh(message)
    assert message.status == MailStatus.FAILED


def test_without_a_mail_server_the_link_is_shown_once_as_before_and_nothing_is_queued(
    client: FlaskClient, auth: Auth, dbs: Session, world: World, lifecycle: Lifecycle
) -> None:
    page = _issue(client, auth, world, lifecycle)
    assert LINK_RE.search(page) and "No mail server is configured" in page
    dbs.rollback()
    assert dbs.scalars(select(OutboxMessage)).all() == []


@pytest.mark.parametrize(
    ("role", "status"), [(Role.ADMIN, 200), (Role.ASSESSOR, 200), (Role.VIEWER, 403), (Role.AUDITOR, 403)]
)
def test_the_outbox_page_is_for_admins_and_assessors(
    client: FlaskClient, auth: Auth, dbs: Session, world: World, role: Role, status: int
) -> None:
    mine = outbox.queue(dbs, world.org.id, outbox_draft("mine"))
    theirs = outbox.queue(dbs, world.other_org.id, outbox_draft("theirs", "them@elsewhere.example"))
    dbs.commit()
    auth.login_as(world.users[role])
    listing = client.get("/outbox")
    assert listing.status_code == status
    assert client.get(f"/outbox/{mine.id}").status_code == status
    assert client.get(f"/outbox/{theirs.id}").status_code == (404 if status == 200 else 403)
    nav = client.get("/").get_data(as_text=True) if status == 403 else listing.get_data(as_text=True)
    assert ('href="/outbox"' in nav) == (status == 200)
    if status == 200:
        text = listing.get_data(as_text=True)
        assert "officer@riverside.example" in text and "them@elsewhere.example" not in text
        assert "Text body" in text and "Retry now" in text and "No mail server" in text


def test_retry_now_makes_a_queued_message_due_at_once(
    client: FlaskClient, auth: Auth, dbs: Session, world: World
) -> None:
    from datetime import timedelta

    message = outbox.queue(dbs, world.org.id, outbox_draft("later"))
    message.next_attempt_at += timedelta(hours=6)
    dbs.commit()
    auth.login_as(world.users[Role.ASSESSOR])
    response = client.post(f"/outbox/{message.id}/retry", data={"csrf_token": csrf_token(client, "/outbox")})
    assert response.status_code == 302
    dbs.refresh(message)
    assert message.next_attempt_at < message.created_at + timedelta(hours=1)
