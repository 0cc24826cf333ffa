"""User management by admins: invitations, roles, deactivation, MFA and password resets."""

import re
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import PASSWORD, Auth, World, csrf_token
from vendorcheck import accounts
from vendorcheck.audit import Actor
from vendorcheck.models import AccountToken, AuditEvent, Role, User

NEW_PASSWORD = "a fresh and private passphrase"


def _post(client: FlaskClient, path: str, page: str, **data: str):
    return client.post(path, data={"csrf_token": csrf_token(client, page), **data})


def _issued_link(response) -> str:
    return re.search(r'id="issued-link">https?://[^/]+(/[^<]+)<', response.get_data(as_text=True)).group(1)


def _actions(dbs: Session) -> list[str]:
    dbs.expire_all()
    return list(dbs.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_invitation_creates_an_account_and_signs_in(app, client: FlaskClient, auth: Auth, world: World, dbs: Session):
    auth.login_as(world.users[Role.ADMIN])
    response = _post(
        client, "/admin/users/invite", "/admin/users", email="New.Person@Riverside.example", role="assessor"
    )
    link = _issued_link(response)
    newcomer = app.test_client()
    page = newcomer.get(link).get_data(as_text=True)
    assert "new.person@riverside.example" in page
    response = newcomer.post(
        link,
        data={
            "csrf_token": csrf_token(newcomer, link),
            "display_name": "New Person",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert newcomer.get("/").status_code == 200
    user = accounts.find_user(dbs, "new.person@riverside.example")
    assert user is not None and user.role == Role.ASSESSOR and user.org_id == world.org.id
    assert "user.invite" in _actions(dbs)


def test_used_invitation_gets_a_clear_page(app, client: FlaskClient, auth: Auth, world: World) -> None:
    auth.login_as(world.users[Role.ADMIN])
    link = _issued_link(
        _post(client, "/admin/users/invite", "/admin/users", email="x@riverside.example", role="viewer")
    )
    first = app.test_client()
    first.post(
        link,
        data={
            "csrf_token": csrf_token(first, link),
            "display_name": "X",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    again = app.test_client().get(link)
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)


def test_expired_invitation_gets_a_clear_page(client: FlaskClient, world: World, dbs: Session) -> None:
    _, token = accounts.invite(dbs, world.org, "late@riverside.example", Role.VIEWER, Actor.cli())
    link = dbs.scalar(select(AccountToken))
    link.expires_at -= timedelta(days=8)
    dbs.commit()
    response = client.get(f"/invitation/{token}")
    assert response.status_code == 410
    assert "This link expired on" in response.get_data(as_text=True)


def test_unknown_link_gets_a_clear_page(client: FlaskClient) -> None:
    response = client.get("/invitation/not-a-real-token")
    assert response.status_code == 410
    assert "not valid" in response.get_data(as_text=True)


def test_weak_password_on_invitation_keeps_the_name(app, client: FlaskClient, auth: Auth, world: World) -> None:
    auth.login_as(world.users[Role.ADMIN])
    link = _issued_link(
        _post(client, "/admin/users/invite", "/admin/users", email="w@riverside.example", role="viewer")
    )
    visitor = app.test_client()
    response = visitor.post(
        link,
        data={
            "csrf_token": csrf_token(visitor, link),
            "display_name": "Wanda Weak",
            "password": "Password2024!",
            "confirm": "Password2024!",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "too common" in page
    assert 'value="Wanda Weak"' in page
    assert "Password2024!" not in page


def test_inviting_an_existing_email_is_refused_on_the_form(client: FlaskClient, auth: Auth, world: World) -> None:
    auth.login_as(world.users[Role.ADMIN])
    response = _post(client, "/admin/users/invite", "/admin/users", email="viewer@riverside.example", role="viewer")
    assert response.status_code == 400
    assert "already has an account" in response.get_data(as_text=True)


def test_role_change_is_audited_and_ends_the_users_sessions(app, client, auth: Auth, world: World, dbs: Session):
    target = world.users[Role.VIEWER]
    their = Auth(app.test_client())
    their.login_as(target)
    auth.login_as(world.users[Role.ADMIN])
    page = f"/admin/users/{target.id}"
    asked = _post(client, f"{page}/role", page, role="assessor")
    assert asked.status_code == 200 and "Their sessions end at once" in asked.get_data(as_text=True)
    dbs.expire_all()
    assert target.role == Role.VIEWER and their.client.get("/").status_code == 200  # nothing yet: a question
    dbs.rollback()  # end this read, so the next one sees the confirmed change
    assert _post(client, f"{page}/role", page, role="assessor", confirm="yes").status_code == 302
    dbs.expire_all()
    assert target.role == Role.ASSESSOR
    assert their.client.get("/").status_code == 302
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "user.role_change"))
    assert event.details == {"old": "viewer", "new": "assessor"}


def test_deactivation_ends_sessions_at_once(app, client, auth: Auth, world: World, dbs: Session) -> None:
    target = world.users[Role.ASSESSOR]
    their = Auth(app.test_client())
    their.login_as(target)
    auth.login_as(world.users[Role.ADMIN])
    page = f"/admin/users/{target.id}"
    asked = _post(client, f"{page}/deactivate", page)
    assert "Deactivate assessor@riverside.example?" in asked.get_data(as_text=True)
    assert their.client.get("/").status_code == 200  # asked first, nothing done
    _post(client, f"{page}/deactivate", page, confirm="yes")
    assert their.client.get("/").status_code == 302
    assert their.login(target.email).status_code == 401
    assert "user.deactivate" in _actions(dbs)


def test_the_last_admin_cannot_be_demoted_or_deactivated(client, auth: Auth, world: World, dbs: Session) -> None:
    admin = world.users[Role.ADMIN]
    other = accounts.create_user(dbs, world.org, "second.admin@riverside.example", Role.ASSESSOR, PASSWORD)
    dbs.commit()
    auth.login_as(admin)
    response = client.post(
        f"/admin/users/{admin.id}/role",
        data={"role": "viewer", "confirm": "yes", "csrf_token": csrf_token(client, f"/admin/users/{admin.id}")},
        follow_redirects=True,
    )
    assert "only administrator" in response.get_data(as_text=True)
    response = client.post(
        f"/admin/users/{admin.id}/deactivate",
        data={"confirm": "yes", "csrf_token": csrf_token(client, f"/admin/users/{admin.id}")},
        follow_redirects=True,
    )
    assert "cannot deactivate your own account" in response.get_data(as_text=True)
    dbs.expire_all()
    assert admin.role == Role.ADMIN and admin.is_active and other.role == Role.ASSESSOR


def test_reset_mfa_and_password_reset_link(app, client: FlaskClient, auth: Auth, world: World, dbs: Session) -> None:
    target = world.users[Role.AUDITOR]
    auth.login_as(world.users[Role.ADMIN])
    auth.reauthenticate(world.users[Role.ADMIN])  # removing a factor needs the admin to prove it is them
    page = f"/admin/users/{target.id}"
    _post(client, f"{page}/reset-mfa", page)
    link = _issued_link(_post(client, f"{page}/password-reset", page))
    visitor = app.test_client()
    response = visitor.post(
        link, data={"csrf_token": csrf_token(visitor, link), "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.headers["Location"] == "/login"
    dbs.expire_all()
    assert not target.has_mfa
    assert accounts.authenticate(dbs, target.email, NEW_PASSWORD) is not None
    assert visitor.get(link).status_code == 410  # used once
    assert {"user.mfa_reset", "user.password_reset_issued", "user.password_reset"} <= set(_actions(dbs))


def test_admin_cannot_manage_another_organizations_users(client, auth: Auth, world: World) -> None:
    theirs = world.other_users[Role.VIEWER]
    auth.login_as(world.users[Role.ADMIN])
    assert client.get(f"/admin/users/{theirs.id}").status_code == 404
    response = client.post(f"/admin/users/{theirs.id}/deactivate", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 404


def test_users_page_lists_only_own_organization(client: FlaskClient, auth: Auth, world: World) -> None:
    auth.login_as(world.users[Role.ADMIN])
    page = client.get("/admin/users").get_data(as_text=True)
    assert "viewer@riverside.example" in page
    assert "elsewhere.example" not in page


def test_sign_out_everywhere_keeps_this_session(app, client: FlaskClient, auth: Auth, world: World) -> None:
    user = world.users[Role.VIEWER]
    elsewhere = Auth(app.test_client())
    elsewhere.login_as(user)
    auth.login_as(user)
    assert _post(client, "/account/sign-out-everywhere", "/account/").status_code == 302
    assert client.get("/").status_code == 200
    assert elsewhere.client.get("/").status_code == 302


def test_new_accounts_get_the_users_table_role(dbs: Session, world: World) -> None:
    assert dbs.scalar(select(User).where(User.email == "admin@riverside.example")).role == Role.ADMIN


def test_withdrawn_invitation_stops_working(app, client: FlaskClient, auth: Auth, world: World, dbs: Session) -> None:
    auth.login_as(world.users[Role.ADMIN])
    link = _issued_link(
        _post(client, "/admin/users/invite", "/admin/users", email="z@riverside.example", role="viewer")
    )
    page = client.get("/admin/users").get_data(as_text=True)
    assert "z@riverside.example" in page and "Withdraw" in page
    invitation = dbs.scalar(select(AccountToken))
    _post(client, f"/admin/invitations/{invitation.id}/revoke", "/admin/users")
    response = app.test_client().get(link)
    assert response.status_code == 410
    assert "withdrawn" in response.get_data(as_text=True)
    client.get("/admin/users")  # the page that shows the flash message
    assert "z@riverside.example" not in client.get("/admin/users").get_data(as_text=True)
