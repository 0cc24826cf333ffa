"""The vendorcheck command as a newcomer and a script use it."""

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vendorcheck import create_app
from vendorcheck.cli import cli
from vendorcheck.config import ConfigError


def run(home: Path, *args: str, **env: str) -> Result:
    """Run the CLI against ``home`` with a clean environment."""
    environ = {"VENDORCHECK_HOME": str(home), "DATABASE_URL": None, "VENDORCHECK_SECRET_KEY": None, **env}
    return CliRunner().invoke(cli, list(args), env=environ)


def test_help_explains_where_to_start(tmp_path: Path) -> None:
    result = run(tmp_path, "--help")
    assert result.exit_code == 0
    assert "vendorcheck demo" in result.output
    for command in ("init", "demo", "serve", "db"):
        assert command in result.output


def test_init_creates_secret_and_database_readable_by_owner_only(tmp_path: Path) -> None:
    home = tmp_path / "vc"
    result = run(home, "init")
    assert result.exit_code == 0, result.output
    assert (home / "secret_key").stat().st_mode & 0o777 == 0o600
    assert home.stat().st_mode & 0o777 == 0o700
    assert (home / "vendorcheck.db").exists()


def test_init_twice_keeps_secrets_and_admin(tmp_path: Path) -> None:
    home = tmp_path / "vc"
    first = run(home, "init", "--admin-email", "Boss@Practice.example")
    assert "One-time password" in first.output
    secret = (home / "secret_key").read_text()
    second = run(home, "init", "--admin-email", "boss@practice.example")
    assert second.exit_code == 0, second.output
    assert (home / "secret_key").read_text() == secret
    assert "already exists: left unchanged" in second.output
    assert "One-time password" not in second.output


def test_init_refuses_a_home_that_is_a_file(tmp_path: Path) -> None:
    home = tmp_path / "file"
    home.write_text("not a folder")
    result = run(home, "init")
    assert result.exit_code == 2
    assert result.output.strip().startswith("vendorcheck: error:")
    assert "is not a folder" in result.output


def test_serve_without_an_instance_says_to_run_init(tmp_path: Path) -> None:
    result = run(tmp_path / "missing", "serve")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"vendorcheck: error: instance folder {tmp_path / 'missing'} does not exist: run `vendorcheck init` "
        "(or set VENDORCHECK_HOME to an existing instance)"
    ]


def test_malformed_setting_is_one_line(tmp_path: Path) -> None:
    result = run(tmp_path, "db", "upgrade", VENDORCHECK_SESSION_IDLE_MINUTES="soon")
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "VENDORCHECK_SESSION_IDLE_MINUTES='soon' is not valid" in result.output


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    result = run(tmp_path, "db", "upgrade", DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "cannot reach the database at postgresql+psycopg://nobody@127.0.0.1:1/none" in result.output


def test_password_in_database_url_is_never_printed(tmp_path: Path) -> None:
    result = run(tmp_path, "db", "upgrade", DATABASE_URL="postgresql://u:hunter2secret@127.0.0.1:1/x")
    assert "hunter2secret" not in result.output


def test_db_upgrade_brings_an_empty_database_to_head(tmp_path: Path) -> None:
    tmp_path.joinpath("home").mkdir()
    first = run(tmp_path / "home", "db", "upgrade")
    assert "upgraded from empty to" in first.output
    assert "is up to date" in run(tmp_path / "home", "db", "upgrade").output


def test_demo_twice_seeds_once_and_prints_the_same_logins(tmp_path: Path) -> None:
    first = run(tmp_path / "demo", "demo", "--no-serve")
    second = run(tmp_path / "demo", "demo", "--no-serve")
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    logins = [line for line in first.output.splitlines() if "@riverside.example" in line]
    assert len(logins) == 4
    assert all(line in second.output for line in logins)
    assert "kept     database" in second.output


def test_app_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    run(tmp_path / "vc", "init")
    (tmp_path / "vc" / "vendorcheck.db").unlink()
    with pytest.raises(ConfigError, match="is empty: run `vendorcheck init`"):
        create_app({"home": tmp_path / "vc", "public_url": "https://vendorcheck.practice.example"})


def test_app_starts_on_an_initialized_instance(tmp_path: Path) -> None:
    run(tmp_path / "vc", "init")
    app = create_app({"home": tmp_path / "vc", "public_url": "https://vendorcheck.practice.example"})
    with app.test_client() as client:
        assert client.get("/login").status_code == 200


def test_serve_builds_links_on_the_address_it_listens_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import werkzeug.serving

    served = []
    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda host, port, app, **kw: served.append(app))
    run(tmp_path / "vc", "init")
    assert run(tmp_path / "vc", "serve", "--port", "8123").exit_code == 0
    assert served[0].config["VENDORCHECK_SETTINGS"].public_url == "http://127.0.0.1:8123"
    configured = run(tmp_path / "vc", "serve", "--host", "192.0.2.1", VENDORCHECK_PUBLIC_URL="https://vc.example")
    assert configured.exit_code == 0 and served[1].config["TRUSTED_HOSTS"][0] == "vc.example"
    refused = run(tmp_path / "vc", "serve", "--host", "192.0.2.1")
    assert refused.exit_code != 0 and "set VENDORCHECK_PUBLIC_URL" in refused.output and len(served) == 2


def test_users_create_list_and_set_role(tmp_path: Path) -> None:
    home = tmp_path / "vc"
    run(home, "init")
    created = run(
        home, "users", "create", "Carmen@Riverside.example", "--role", "assessor", "--organization", "Riverside"
    )
    assert created.exit_code == 0, created.output
    assert "One-time password" in created.output
    listed = run(home, "users", "list", "--json")
    assert json.loads(listed.output) == [
        {
            "email": "carmen@riverside.example",
            "name": "carmen",
            "role": "assessor",
            "organization": "Riverside",
            "active": True,
            "mfa": False,
            "last_login_at": None,
        }
    ]
    assert run(home, "users", "set-role", "carmen@riverside.example", "viewer").exit_code == 0
    assert "viewer" in run(home, "users", "list").output


def test_users_commands_explain_bad_input(tmp_path: Path) -> None:
    home = tmp_path / "vc"
    run(home, "init")
    bad_role = run(home, "users", "create", "a@b.example", "--role", "boss", "--organization", "X")
    assert bad_role.exit_code == 2
    assert "unknown role 'boss': use one of admin, assessor, viewer, auditor" in bad_role.output
    missing = run(home, "users", "set-role", "nobody@b.example", "viewer")
    assert missing.exit_code == 2
    assert "see `vendorcheck users list`" in missing.output
    run(home, "users", "create", "a@b.example", "--role", "viewer", "--organization", "X")
    duplicate = run(home, "users", "create", "A@b.example", "--role", "viewer", "--organization", "X")
    assert duplicate.exit_code == 2
    assert "already exists" in duplicate.output


def test_sessions_rotate_key_keeps_the_old_key_for_verifying(tmp_path: Path) -> None:
    home = tmp_path / "vc"
    run(home, "init")
    old = (home / "secret_key").read_text().strip()
    result = run(home, "sessions", "rotate-key")
    assert result.exit_code == 0, result.output
    lines = (home / "secret_key").read_text().split()
    assert len(lines) == 2 and lines[1] == old


def test_audit_verify_passes_then_names_a_tampered_entry(tmp_path: Path) -> None:
    home = tmp_path / "vc"
    run(home, "init", "--admin-email", "boss@practice.example")
    checkpoint = run(home, "audit", "checkpoint")
    assert checkpoint.exit_code == 0, checkpoint.output
    assert "Checkpoint signed for the chain of organization 1: 2 entries" in checkpoint.output
    assert "Nothing to sign" in run(home, "audit", "checkpoint").output
    verified = run(home, "audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert "Audit trail intact: 1 chain(s), 2 entries and 1 signed checkpoint(s) verified." in verified.output
    with sqlite3.connect(home / "vendorcheck.db") as conn:
        conn.execute("UPDATE audit_events SET actor_label = 'someone else' WHERE chain = 1 AND seq = 2")
    tampered = run(home, "audit", "verify")
    assert tampered.exit_code == 1
    assert "audit trail FAILED verification: chain of organization 1 (" in tampered.output
    assert "): entry 2 (user.create) was edited" in tampered.output


def test_audit_checkpoint_without_a_signing_key_says_what_to_do(tmp_path: Path) -> None:
    home = tmp_path / "vc"
    run(home, "init")
    (home / "signing_key.pem").unlink()
    result = run(home, "audit", "checkpoint")
    assert result.exit_code == 2
    assert "no signing key at" in result.output and "run `vendorcheck init`" in result.output
