"""Sign-in throttling: per account and per address, failures only, with a clear wait."""

from flask.testing import FlaskClient

from tests.conftest import Auth, World
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
