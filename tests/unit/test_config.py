"""Settings: sources, precedence and the one-line errors for bad values."""

import re
from pathlib import Path

import pytest

from vendorcheck import create_app
from vendorcheck.config import ConfigError, default_home, load_settings, trusted_hosts
from vendorcheck.vault.keyring import create_keyring

SECRET = "s" * 40


def test_defaults_put_everything_in_the_home_folder(tmp_path: Path) -> None:
    settings = load_settings({"home": tmp_path, "env": "test"}, environ={})
    assert settings.database_url == f"sqlite:///{tmp_path / 'vendorcheck.db'}"
    assert settings.session_idle_minutes == 15
    assert settings.secure_cookies is True


def test_default_home_follows_xdg_data_home() -> None:
    assert default_home({"XDG_DATA_HOME": "/data"}) == Path("/data/vendorcheck")


def test_environment_overrides_instance_file(tmp_path: Path) -> None:
    (tmp_path / "vendorcheck.toml").write_text("session_idle_minutes = 30\nsecure_cookies = false\n")
    env = {"VENDORCHECK_HOME": str(tmp_path), "VENDORCHECK_SESSION_IDLE_MINUTES": "5", "VENDORCHECK_ENV": "test"}
    settings = load_settings(environ=env)
    assert settings.session_idle_minutes == 5
    assert settings.secure_cookies is False


def test_secret_key_is_read_from_the_instance_folder(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text(SECRET + "\n")
    create_keyring(tmp_path)
    assert load_settings({"home": tmp_path}, environ={}).secret_key == SECRET


def test_production_refuses_to_start_without_a_key_ring(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text(SECRET + "\n")
    with pytest.raises(ConfigError, match=r"no evidence key ring .* run `vendorcheck init` or set VENDORCHECK_KEYRING"):
        load_settings({"home": tmp_path}, environ={})
    ring = load_settings({"home": tmp_path}, environ={"VENDORCHECK_KEYRING": "{}"})
    assert ring.keyring == "{}"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"VENDORCHECK_DATABSE_URL": "x"}, "unknown environment variable VENDORCHECK_DATABSE_URL"),
        ({"VENDORCHECK_SESSION_IDLE_MINUTES": "soon"}, "VENDORCHECK_SESSION_IDLE_MINUTES='soon' is not valid"),
        ({"VENDORCHECK_SESSION_IDLE_MINUTES": "0"}, "above zero"),
        ({"VENDORCHECK_SECURE_COOKIES": "maybe"}, "expected true or false"),
        ({"VENDORCHECK_PAGE_CACHE_MIB": "-1"}, "0 (none) to 4096"),
        ({"VENDORCHECK_PAGE_CACHE_MIB": "lots"}, "VENDORCHECK_PAGE_CACHE_MIB='lots' is not valid"),
        ({"VENDORCHECK_ENV": "staging"}, "expected one of production, development, test"),
        ({"DATABASE_URL": "mysql://db/x"}, "DATABASE_URL must start with sqlite:// or postgresql://"),
        ({"VENDORCHECK_SECRET_KEY": "short"}, "shorter than 32 characters"),
        ({"VENDORCHECK_PUBLIC_URL": "vendorcheck.practice.example"}, "such as https://vendorcheck.practice.example"),
        ({"VENDORCHECK_PUBLIC_URL": "ftp://vendorcheck.example"}, "such as https://vendorcheck.practice.example"),
        ({"VENDORCHECK_PUBLIC_URL": "https://user@vendorcheck.example"}, "such as https://vendorcheck"),
        ({"VENDORCHECK_PUBLIC_URL": "https://vendorcheck.example:port"}, "such as https://vendorcheck"),
        ({"VENDORCHECK_PUBLIC_URL": "https://vendorcheck.example/vc?x=1"}, "only the scheme and host"),
    ],
)
def test_bad_settings_say_what_is_wrong(tmp_path: Path, environ: dict[str, str], message: str) -> None:
    environ = {"VENDORCHECK_HOME": str(tmp_path), "VENDORCHECK_ENV": "test", **environ}
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(environ=environ)


def test_public_url_is_normalized_and_gives_the_trusted_hosts(tmp_path: Path) -> None:
    environ = {"VENDORCHECK_ENV": "test", "VENDORCHECK_PUBLIC_URL": "https://VendorCheck.Practice.example:8443/"}
    settings = load_settings({"home": tmp_path}, environ=environ)
    assert settings.public_url == "https://vendorcheck.practice.example:8443"
    assert trusted_hosts(settings) == ["vendorcheck.practice.example", "localhost", "127.0.0.1"]
    assert trusted_hosts(load_settings({"home": tmp_path}, environ={"VENDORCHECK_ENV": "test"})) == [
        "localhost",
        "127.0.0.1",
    ]


def test_the_production_app_refuses_to_start_without_a_public_url(tmp_path: Path) -> None:
    create_keyring(tmp_path)
    (tmp_path / "secret_key").write_text(SECRET + "\n")
    with pytest.raises(ConfigError, match=r"^set VENDORCHECK_PUBLIC_URL to the address people use"):
        create_app({"home": tmp_path})


def test_production_refuses_a_missing_instance_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist: run `vendorcheck init`"):
        load_settings({"home": tmp_path / "nowhere"}, environ={})


def test_production_refuses_to_run_without_a_secret(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no session secret .* run `vendorcheck init`"):
        load_settings({"home": tmp_path}, environ={})


def test_commands_that_create_the_instance_may_start_without_it(tmp_path: Path) -> None:
    settings = load_settings({"home": tmp_path / "new"}, environ={}, require_instance=False)
    assert settings.secret_key is None


def test_instance_file_with_unknown_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "vendorcheck.toml").write_text('databse_url = "sqlite://"\n')
    with pytest.raises(ConfigError, match="unknown setting 'databse_url'"):
        load_settings({"home": tmp_path, "env": "test"}, environ={})


def test_instance_file_that_is_not_toml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "vendorcheck.toml").write_text("this is = = not toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings({"home": tmp_path, "env": "test"}, environ={})


def test_unknown_override_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        load_settings({"home": tmp_path, "colour": "blue"}, environ={})
