"""Throttling of guesses: sign-in per account and per address, links per address; failures only, a clear wait."""

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Auth, World
from tests.web.conftest import Targets
from vendorcheck.models import Role


def test_sixth_fast_wrong_password_is_throttled(auth: Auth, world: World) -> None:
    email = world.users[Role.VIEWER].email
    for _ in range(5):
        assert auth.login(email, "wrong password entirely").status_code == 401
    response = auth.login(email)  # even the right password waits now
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Too many sign-in attempts. Try again in 15 minutes." in page
    assert f'value="{email}"' in page


def test_throttling_is_per_account(auth: Auth, world: World) -> None:
    for _ in range(5):
        auth.login(world.users[Role.VIEWER].email, "wrong password entirely")
    assert auth.login(world.users[Role.ASSESSOR].email).status_code == 302


def test_successful_sign_ins_do_not_count(client: FlaskClient, auth: Auth, world: World) -> None:
    for _ in range(7):
        auth.login_as(world.users[Role.VIEWER])
        auth.logout()


def test_one_address_trying_many_accounts_is_throttled(auth: Auth, world: World) -> None:
    statuses = [auth.login(f"nobody{n}@riverside.example").status_code for n in range(31)]
    assert statuses[:30] == [401] * 30
    assert statuses[30] == 429


def _from(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


GUESSES = ["/a/{}", "/invitation/{}", "/reset/{}", "/a/{}/s/1"]


def test_guessing_links_is_throttled_per_address_across_every_kind_of_link(app: Flask, targets: Targets) -> None:
    guesser = _from(app, "198.51.100.9")
    statuses = [guesser.get(GUESSES[n % len(GUESSES)].format(f"guess-{n}")).status_code for n in range(21)]
    assert all(status in (404, 410) for status in statuses[:20]), statuses
    response = guesser.get("/a/one-more-guess")
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Too many links that do not work were opened from your address. Try again in 60 minutes" in page
    assert guesser.get(f"/a/{targets.tokens['portal.']}").status_code == 429  # this address waits for everything

    vendor = _from(app, "203.0.113.7")  # someone else's failures cost them nothing
    assert vendor.get(f"/a/{targets.tokens['portal.']}").status_code == 200
    assert vendor.get(f"/invitation/{targets.tokens['auth.invitation']}").status_code == 200
    assert vendor.get(f"/reset/{targets.tokens['auth.reset']}").status_code == 200


def test_working_links_never_count(app: Flask, targets: Targets) -> None:
    vendor = app.test_client()
    for _ in range(25):
        assert vendor.get(f"/a/{targets.tokens['portal.']}").status_code == 200


def test_every_route_with_a_token_in_its_url_is_throttled(app: Flask) -> None:
    tokened = [r for r in app.url_map.iter_rules() if "token" in r.arguments]
    assert len(tokened) >= 6
    assert [r.rule for r in tokened if not getattr(app.view_functions[r.endpoint], "guards_link", False)] == []
