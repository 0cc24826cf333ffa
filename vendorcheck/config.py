"""Settings: defaults, then the instance file, then the environment, then an explicit mapping.

Nothing is read at import time. ``load_settings`` validates every value and raises ``ConfigError``
with one sentence that says what to do; the CLI prints it as one line and exits non-zero.
"""

from __future__ import annotations

import configparser
import os
import re
import stat
import tomllib
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from vendorcheck.mail.smtp import SmtpServer, parse_mail_from, parse_smtp_url, server_from
from vendorcheck.network import is_loopback
from vendorcheck.vault.s3store import parse_url

ENVIRONMENTS = ("production", "development", "test")
SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)
KEYRING_FILE = "keyring.json"  # the evidence vault's key-encryption keys
INSTANCE_FILE = "vendorcheck.toml"
MIN_SECRET_LENGTH = 32
# never echoed in an error
SECRET_SETTINGS = frozenset({"secret_key", "keyring", "s3_secret_access_key", "smtp_password"})


class ConfigError(Exception):
    """A setting is missing, unknown or malformed; the message says how to fix it."""


@dataclass(frozen=True)
class Settings:
    """Validated settings for one vendorcheck instance."""

    home: Path
    env: str = "production"
    database_url: str = ""
    secret_key: str | None = None
    session_idle_minutes: int = 15
    session_lifetime_hours: int = 12
    secure_cookies: bool = True
    ratelimit_storage_uri: str = "memory://"
    proxy_hops: int = 0
    keyring: str | None = None
    max_upload_mib: int = 100
    page_cache_mib: int = 32
    checkpoint_minutes: int = 60
    public_url: str | None = None
    blob_store: str = "local"
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = field(default=None, repr=False)
    s3_credentials_file: Path | None = None
    smtp_url: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_password_file: Path | None = None
    mail_from: str | None = None
    reminder_days: tuple[int, ...] = (30, 7, 1)

    @property
    def is_production(self) -> bool:
        """True unless running in development or under the test suite."""
        return self.env == "production"


# name -> (environment variable, parser). The instance file uses the same names in lower case.
def _parse_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected true or false")


def _parse_positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError("expected a whole number above zero")
    return number


def _parse_hops(value: str) -> int:
    number = int(value)
    if not 0 <= number <= 5:
        raise ValueError("expected the number of proxies in front of vendorcheck, 0 to 5")
    return number


def _parse_cache_size(value: str) -> int:
    number = int(value)
    if not 0 <= number <= 4096:
        raise ValueError("expected MiB of rendered pages kept per process, 0 (none) to 4096")
    return number


def _parse_storage(value: str) -> str:
    if not value.startswith(("memory://", "redis://", "rediss://")):
        raise ValueError("expected memory:// or a redis:// URL")
    return value


def _parse_blob_store(value: str) -> str:
    if value == "local":
        return value
    parse_url(value)
    return value


def _parse_endpoint(value: str) -> str:
    """An https:// URL, or http:// to this machine only (requests and blobs cross the network otherwise)."""
    try:
        parts = urllib.parse.urlsplit(value)
        host, _ = parts.hostname or "", parts.port
    except ValueError:
        raise ValueError("expected a URL such as https://s3.example.net") from None
    if parts.scheme not in {"http", "https"} or not host or parts.query or parts.fragment:
        raise ValueError("expected a URL such as https://s3.example.net")
    if parts.username or parts.password:
        raise ValueError("put the credentials in VENDORCHECK_S3_ACCESS_KEY_ID and ..._SECRET_ACCESS_KEY, not the URL")
    if parts.scheme == "http" and not is_loopback(host):
        raise ValueError("use https:// (plain http:// only reaches a server on this machine)")
    return value.rstrip("/")


def _parse_region(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9-]{1,40}", value):
        raise ValueError("expected a region name such as us-east-1")
    return value


def _parse_token(value: str) -> str:
    """An access key id or secret: printable ASCII without spaces."""
    if not re.fullmatch(r"[!-~]{1,256}", value):
        raise ValueError("expected printable characters without spaces")
    return value


def _parse_public_url(value: str) -> str:
    """``https://host[:port]``, normalized: the origin people reach vendorcheck at, from which links are built."""
    try:
        parts = urllib.parse.urlsplit(value.strip())
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        raise ValueError("expected an address such as https://vendorcheck.practice.example") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise ValueError("expected an address such as https://vendorcheck.practice.example")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("expected only the scheme and host, such as https://vendorcheck.practice.example")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _parse_days(value: str) -> tuple[int, ...]:
    """Days before a date that reminders go out, such as ``30,7,1`` (the day itself and weekly after follow)."""
    try:
        days = tuple(sorted({int(part) for part in value.split(",") if part.strip()}, reverse=True))
    except ValueError:
        raise ValueError("expected whole numbers of days separated by commas, such as 30,7,1") from None
    if not days or not all(1 <= d <= 366 for d in days):
        raise ValueError("expected whole numbers of days from 1 to 366 separated by commas, such as 30,7,1")
    return days


def _parse_env(value: str) -> str:
    if value not in ENVIRONMENTS:
        raise ValueError(f"expected one of {', '.join(ENVIRONMENTS)}")
    return value


SETTINGS = {
    "home": ("VENDORCHECK_HOME", lambda v: Path(v).expanduser()),
    "env": ("VENDORCHECK_ENV", _parse_env),
    "database_url": ("DATABASE_URL", str),
    "secret_key": ("VENDORCHECK_SECRET_KEY", str),
    "session_idle_minutes": ("VENDORCHECK_SESSION_IDLE_MINUTES", _parse_positive_int),
    "session_lifetime_hours": ("VENDORCHECK_SESSION_LIFETIME_HOURS", _parse_positive_int),
    "secure_cookies": ("VENDORCHECK_SECURE_COOKIES", _parse_bool),
    "ratelimit_storage_uri": ("VENDORCHECK_RATELIMIT_STORAGE_URI", _parse_storage),
    "proxy_hops": ("VENDORCHECK_PROXY_HOPS", _parse_hops),
    "keyring": ("VENDORCHECK_KEYRING", str),
    "max_upload_mib": ("VENDORCHECK_MAX_UPLOAD_MIB", _parse_positive_int),
    "page_cache_mib": ("VENDORCHECK_PAGE_CACHE_MIB", _parse_cache_size),
    "checkpoint_minutes": ("VENDORCHECK_CHECKPOINT_MINUTES", _parse_positive_int),
    "public_url": ("VENDORCHECK_PUBLIC_URL", _parse_public_url),
    "blob_store": ("VENDORCHECK_BLOB_STORE", _parse_blob_store),
    "s3_endpoint_url": ("VENDORCHECK_S3_ENDPOINT_URL", _parse_endpoint),
    "s3_region": ("VENDORCHECK_S3_REGION", _parse_region),
    "s3_access_key_id": ("VENDORCHECK_S3_ACCESS_KEY_ID", _parse_token),
    "s3_secret_access_key": ("VENDORCHECK_S3_SECRET_ACCESS_KEY", _parse_token),
    "s3_credentials_file": ("VENDORCHECK_S3_CREDENTIALS_FILE", lambda v: Path(v).expanduser()),
    "smtp_url": ("VENDORCHECK_SMTP_URL", parse_smtp_url),
    "smtp_password": ("VENDORCHECK_SMTP_PASSWORD", str),
    "smtp_password_file": ("VENDORCHECK_SMTP_PASSWORD_FILE", lambda v: Path(v).expanduser()),
    "mail_from": ("VENDORCHECK_MAIL_FROM", parse_mail_from),
    "reminder_days": ("VENDORCHECK_REMINDER_DAYS", _parse_days),
}
S3_SETTINGS = ("s3_endpoint_url", "s3_region", "s3_access_key_id", "s3_secret_access_key", "s3_credentials_file")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")  # always answered: the development server, local health checks
assert set(SETTINGS) == {f.name for f in fields(Settings)}


def default_home(environ: Mapping[str, str] | None = None) -> Path:
    """The instance folder when VENDORCHECK_HOME is unset: $XDG_DATA_HOME/vendorcheck."""
    environ = os.environ if environ is None else environ
    data_home = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "vendorcheck"


def _parse(name: str, raw: Any, source: str) -> Any:
    env_name, parser = SETTINGS[name]
    if isinstance(raw, Path):
        raw = str(raw)
    if isinstance(raw, bool | int) and name != "secret_key":
        raw = str(raw).lower()
    if not isinstance(raw, str):
        raise ConfigError(f"{source}: {name} must be text, got {type(raw).__name__}")
    try:
        return parser(raw)
    except ValueError as exc:
        shown = "(hidden)" if name in SECRET_SETTINGS else repr(re.sub(r"(://[^/@:]*):[^/@]*@", r"\1:(hidden)@", raw))
        raise ConfigError(f"{source}: {env_name}={shown} is not valid ({exc})") from None


def _read_instance_file(home: Path) -> dict[str, Any]:
    path = home / INSTANCE_FILE
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix or remove the file") from None
    allowed = set(SETTINGS) - {"home"}  # the file lives in the home folder, so it cannot move it
    unknown = sorted(set(data) - allowed)
    if unknown:
        known = ", ".join(sorted(allowed))
        raise ConfigError(f"{path}: unknown setting {unknown[0]!r} (known: {known})")
    return data


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    require_instance: bool = True,
) -> Settings:
    """Build validated settings from defaults < instance file < environment < overrides.

    ``require_instance=False`` is for the commands that create the instance (``init``, ``demo``).
    """
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    env_names = {env_name: name for name, (env_name, _) in SETTINGS.items()}
    for key in environ:
        if key.startswith("VENDORCHECK_") and key not in env_names:
            known = ", ".join(sorted(n for n in env_names if n.startswith("VENDORCHECK_")))
            raise ConfigError(f"unknown environment variable {key} (known: {known})")
    unknown = sorted(set(overrides) - set(SETTINGS))
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]!r} passed to create_app")

    if "home" in overrides:
        home = Path(overrides["home"]).expanduser()
    elif environ.get("VENDORCHECK_HOME"):
        home = _parse("home", environ["VENDORCHECK_HOME"], "environment")
    else:
        home = default_home(environ)

    if home.exists() and not home.is_dir():
        raise ConfigError(f"{home} is not a folder: set VENDORCHECK_HOME to a folder for vendorcheck's data")
    values: dict[str, Any] = {"home": home}
    for name, raw in _read_instance_file(home).items():
        values[name] = _parse(name, raw, str(home / INSTANCE_FILE))
    for name, (env_name, _) in SETTINGS.items():
        if name != "home" and environ.get(env_name):
            values[name] = _parse(name, environ[env_name], "environment")
    for name, raw in overrides.items():
        if name != "home":
            values[name] = raw if not isinstance(raw, str | Path) else _parse(name, raw, "create_app")

    if not values.get("database_url"):
        values["database_url"] = f"sqlite:///{home / 'vendorcheck.db'}"
    if not values.get("secret_key"):
        values["secret_key"] = read_secret_key(home)
    settings = Settings(**values)
    _check(settings, require_instance)
    return settings


def trusted_hosts(settings: Settings) -> list[str]:
    """The Host header values the app answers (Flask's TRUSTED_HOSTS): the public URL's host and loopback."""
    public = urllib.parse.urlsplit(settings.public_url).hostname if settings.public_url else None
    return [*([public] if public else []), *LOOPBACK_HOSTS]


def require_public_url(settings: Settings) -> None:
    """Refuse to serve in production without VENDORCHECK_PUBLIC_URL: links would follow the Host header."""
    if settings.is_production and not settings.public_url:
        raise ConfigError(
            "set VENDORCHECK_PUBLIC_URL to the address people use to reach vendorcheck "
            "(for example https://vendorcheck.practice.example): links in invitations and to vendors are built from it"
        )


def read_secret_keys(home: Path) -> list[str]:
    """The session keys in the instance folder, newest first (older ones still verify cookies)."""
    path = home / SECRET_KEY_FILE
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path} ({exc}); check its permissions or run `vendorcheck init`") from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def read_secret_key(home: Path) -> str | None:
    """The active session key that ``vendorcheck init`` wrote into the instance folder, if any."""
    keys = read_secret_keys(home)
    return keys[0] if keys else None


def secret_key_fallbacks(settings: Settings) -> list[str]:
    """Older session keys that still verify cookies after a rotation (when the key comes from the file)."""
    keys = read_secret_keys(settings.home)
    return keys[1:] if keys and keys[0] == settings.secret_key else []


def _check(settings: Settings, require_instance: bool) -> None:
    """Refuse settings that would run insecurely or could never work."""
    if not settings.database_url.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
        raise ConfigError(
            "DATABASE_URL must start with sqlite:// or postgresql:// "
            "(for example postgresql://user:password@localhost/vendorcheck)"
        )
    if settings.is_production and require_instance:
        if not settings.home.is_dir():
            raise ConfigError(
                f"instance folder {settings.home} does not exist: run `vendorcheck init` "
                "(or set VENDORCHECK_HOME to an existing instance)"
            )
        if not settings.secret_key:
            raise ConfigError(
                f"no session secret in {settings.home / SECRET_KEY_FILE}: run `vendorcheck init` "
                "or set VENDORCHECK_SECRET_KEY"
            )
        if not settings.keyring and not (settings.home / KEYRING_FILE).is_file():
            raise ConfigError(
                f"no evidence key ring in {settings.home / KEYRING_FILE}: run `vendorcheck init` "
                "or set VENDORCHECK_KEYRING"
            )
    if settings.secret_key is not None and len(settings.secret_key) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"the session secret is shorter than {MIN_SECRET_LENGTH} characters: "
            "generate a new one with `vendorcheck init` or a longer VENDORCHECK_SECRET_KEY"
        )
    _check_blob_store(settings)
    mail_server(settings)  # a mail setting that cannot work stops the start, not the first reminder


def _check_blob_store(settings: Settings) -> None:
    """S3 settings only with an s3:// store, credentials from exactly one place, and a readable file."""
    given = [name for name in S3_SETTINGS if getattr(settings, name) is not None]
    if settings.blob_store == "local":
        if given:
            raise ConfigError(
                f"{SETTINGS[given[0]][0]} is set but VENDORCHECK_BLOB_STORE is local: "
                "set VENDORCHECK_BLOB_STORE=s3://bucket/prefix, or remove the S3 settings"
            )
        return
    if (settings.s3_access_key_id is None) != (settings.s3_secret_access_key is None):
        raise ConfigError("set both VENDORCHECK_S3_ACCESS_KEY_ID and VENDORCHECK_S3_SECRET_ACCESS_KEY, or neither")
    if settings.s3_access_key_id is not None and settings.s3_credentials_file is not None:
        raise ConfigError(
            "the S3 credentials come from VENDORCHECK_S3_ACCESS_KEY_ID/..._SECRET_ACCESS_KEY "
            "or from VENDORCHECK_S3_CREDENTIALS_FILE, not both"
        )
    s3_credentials(settings)  # a bad credentials file stops the start, not the first upload


def mail_server(settings: Settings) -> SmtpServer | None:
    """The SMTP server the settings name (password read from its file now), or None without one."""
    try:
        return server_from(settings.smtp_url, settings.mail_from, settings.smtp_password, settings.smtp_password_file)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def s3_credentials(settings: Settings) -> tuple[str, str] | None:
    """(access key id, secret) from the settings or the credentials file; None leaves boto3's own chain.

    The file is an AWS shared-credentials file: ``[default]`` with ``aws_access_key_id`` and
    ``aws_secret_access_key``. Like an SSH key it must not be readable by group or others.
    """
    if settings.s3_access_key_id is not None and settings.s3_secret_access_key is not None:
        return settings.s3_access_key_id, settings.s3_secret_access_key
    path = settings.s3_credentials_file
    if path is None:
        return None
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the S3 credentials file {path} ({exc})") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"the S3 credentials file {path} is readable by others: chmod 600 {path}")
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, str(path))
        section = parser["default"]
        key_id, secret = section["aws_access_key_id"].strip(), section["aws_secret_access_key"].strip()
        return _parse_token(key_id), _parse_token(secret)
    except (configparser.Error, KeyError, ValueError):
        raise ConfigError(
            f"the S3 credentials file {path} must have a [default] section with aws_access_key_id "
            "and aws_secret_access_key"
        ) from None
