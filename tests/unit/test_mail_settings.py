"""The mail settings: the SMTP URL, its TLS mode, the password from the environment or a file, the From."""

from pathlib import Path

import pytest

from vendorcheck.config import ConfigError, load_settings, mail_server


def _settings(tmp_path: Path, **environ: str):
    return load_settings({"home": tmp_path, "env": "test", "secret_key": "s" * 40}, environ)


def test_no_smtp_url_means_no_server(tmp_path: Path) -> None:
    assert mail_server(_settings(tmp_path)) is None


@pytest.mark.parametrize(
    ("url", "tls", "port"),
    [
        ("smtps://mail.example.net", "smtps", 465),
        ("smtp://mail.example.net?starttls=1", "starttls", 587),
        ("smtp://mail.example.net:2525?starttls=1", "starttls", 2525),
        ("smtp://127.0.0.1:1025", "plain", 1025),
        ("smtp://localhost", "plain", 25),
    ],
)
def test_the_url_names_host_port_and_tls(tmp_path: Path, url: str, tls: str, port: int) -> None:
    server = mail_server(_settings(tmp_path, VENDORCHECK_SMTP_URL=url, VENDORCHECK_MAIL_FROM="vc@practice.example"))
    assert server is not None and (server.tls, server.port) == (tls, port)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("ftp://mail.example.net", "expected smtps://host"),
        ("smtp://", "expected smtps://host"),
        ("smtp://mail.example.net", "plain smtp:// only reaches a server on this machine"),
        ("smtps://user:hunter2@mail.example.net", "not the URL"),
        ("smtp://mail.example.net?starttls=maybe", "starttls=1"),
        ("smtp://mail.example.net?tls=1", "the only option"),
        ("smtps://mail.example.net?starttls=1", "smtp:// only"),
        ("smtp://mail.example.net:99999", "expected smtps://host"),
    ],
)
def test_a_malformed_url_refuses_to_start_with_one_line(tmp_path: Path, url: str, says: str) -> None:
    with pytest.raises(ConfigError) as raised:
        _settings(tmp_path, VENDORCHECK_SMTP_URL=url, VENDORCHECK_MAIL_FROM="vc@practice.example")
    message = str(raised.value)
    assert "VENDORCHECK_SMTP_URL" in message and says in message and "\n" not in message
    assert "hunter2" not in message, "a password in the URL is never echoed"


def test_the_password_comes_from_the_environment_or_an_owner_only_file(tmp_path: Path) -> None:
    base = {
        "VENDORCHECK_SMTP_URL": "smtps://vc%40practice.example@mail.example.net",
        "VENDORCHECK_MAIL_FROM": "vc@x.example",
    }
    server = mail_server(_settings(tmp_path, **base, VENDORCHECK_SMTP_PASSWORD="pw-env"))
    assert server is not None and (server.user, server.password) == ("vc@practice.example", "pw-env")
    assert "pw-env" not in repr(server)
    secret = tmp_path / "smtp-password"
    secret.write_text("pw-file\n")
    secret.chmod(0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        _settings(tmp_path, **base, VENDORCHECK_SMTP_PASSWORD_FILE=str(secret))
    secret.chmod(0o600)
    server = mail_server(_settings(tmp_path, **base, VENDORCHECK_SMTP_PASSWORD_FILE=str(secret)))
    assert server is not None and server.password == "pw-file"
    with pytest.raises(ConfigError, match="not both"):
        _settings(tmp_path, **base, VENDORCHECK_SMTP_PASSWORD="x", VENDORCHECK_SMTP_PASSWORD_FILE=str(secret))


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"VENDORCHECK_SMTP_URL": "smtps://mail.example.net"}, "set VENDORCHECK_MAIL_FROM"),
        ({"VENDORCHECK_MAIL_FROM": "vc@practice.example"}, "need VENDORCHECK_SMTP_URL"),
        (
            {"VENDORCHECK_SMTP_URL": "smtps://mail.example.net", "VENDORCHECK_MAIL_FROM": "x@y.example",
             "VENDORCHECK_SMTP_PASSWORD": "pw"},
            "names no user",
        ),
        ({"VENDORCHECK_MAIL_FROM": "not an address"}, "expected an address"),
        ({"VENDORCHECK_REMINDER_DAYS": "30,seven"}, "whole numbers"),
        ({"VENDORCHECK_REMINDER_DAYS": "0"}, "from 1 to 366"),
    ],
)  # fmt: skip
def test_settings_that_cannot_work_are_refused(tmp_path: Path, environ: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        _settings(tmp_path, **environ)


def test_reminder_days_are_read_in_order(tmp_path: Path) -> None:
    assert _settings(tmp_path, VENDORCHECK_REMINDER_DAYS="1, 30,7").reminder_days == (30, 7, 1)
