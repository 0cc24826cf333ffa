"""The mail server from the settings, and sending one message to it. Standard library only (``smtplib``).

``VENDORCHECK_SMTP_URL`` names the server: ``smtps://host[:465]`` (TLS from the first byte),
``smtp://host[:587]?starttls=1`` (STARTTLS, required: a server that does not offer it is refused), or plain
``smtp://host[:25]`` to a server on this machine only (a local relay). A user name may come in the URL
(``smtps://user@host``); its password comes from ``VENDORCHECK_SMTP_PASSWORD`` or the file named by
``VENDORCHECK_SMTP_PASSWORD_FILE`` (owner-only, like the S3 credentials), never from the URL, which ends up in
logs and process listings. Certificates are checked against the system's trust store.
"""

from __future__ import annotations

import smtplib
import ssl
import stat
import urllib.parse
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from vendorcheck.network import is_loopback

TIMEOUT = 30.0  # seconds for each network step; a hung server must not hold a claimed message for long
PORTS = {"smtps": 465, "starttls": 587, "smtp": 25}


class MailError(Exception):
    """The server refused or could not be reached; the message says what happened, for the outbox page.

    ``permanent`` marks a message that can never be sent as it is (an address that cannot be written).
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to deliver: host, port, TLS mode, the user and password, the From address."""

    host: str
    port: int
    tls: str  # "smtps" (implicit TLS), "starttls", or "plain" (loopback only)
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    def describe(self) -> str:
        """The server in words for logs and the outbox page (never the password)."""
        who = f"{self.user}@" if self.user else ""
        return f"{self.tls} {who}{self.host}:{self.port}"


def parse_smtp_url(value: str) -> str:
    """Check ``value`` as an SMTP URL (see the module); the URL itself, for the settings."""
    _parts(value)
    return value


def _parts(value: str) -> tuple[str, str, int, str | None]:
    """(tls mode, host, port, user) of an SMTP URL; ValueError with what to write otherwise."""
    example = "expected smtps://host, smtp://host:587?starttls=1, or smtp://localhost:25"
    try:
        parts = urllib.parse.urlsplit(value.strip())
        host, port = parts.hostname or "", parts.port
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise ValueError(example) from None
    if parts.scheme not in ("smtp", "smtps") or not host or parts.path not in ("", "/") or parts.fragment:
        raise ValueError(example)
    if parts.password is not None:
        raise ValueError("put the password in VENDORCHECK_SMTP_PASSWORD or VENDORCHECK_SMTP_PASSWORD_FILE, not the URL")
    if set(query) - {"starttls"} or any(len(v) != 1 for v in query.values()):
        raise ValueError("the only option is ?starttls=1")
    starttls_value = query.get("starttls", ["0"])[0].lower()
    if starttls_value not in ("0", "1", "true", "false", "yes", "no"):
        raise ValueError("expected ?starttls=1 or ?starttls=0")
    starttls = starttls_value in ("1", "true", "yes")
    if parts.scheme == "smtps":
        if starttls:
            raise ValueError("smtps:// is TLS from the start; starttls applies to smtp:// only")
        tls = "smtps"
    else:
        tls = "starttls" if starttls else "plain"
    if tls == "plain" and not is_loopback(host):
        raise ValueError("use smtps:// or ?starttls=1 (plain smtp:// only reaches a server on this machine)")
    user = urllib.parse.unquote(parts.username) if parts.username else None
    return tls, host, port or PORTS["smtp" if tls == "plain" else tls], user


def parse_mail_from(value: str) -> str:
    """A From address: ``name@domain`` or ``Practice Name <name@domain>``, one line."""
    text = value.strip()
    if not text or "\r" in text or "\n" in text:
        raise ValueError("expected an address such as vendorcheck@practice.example")
    address = text.rsplit("<", 1)[-1].rstrip(">").strip() if text.endswith(">") else text
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in address):
        raise ValueError("expected an address such as vendorcheck@practice.example")
    return text


def read_password_file(path: Path) -> str:
    """The SMTP password in ``path`` (its first line); the file must be readable by its owner only."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read the SMTP password file {path} ({exc})") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ValueError(f"the SMTP password file {path} is readable by others: chmod 600 {path}")
    password = text.splitlines()[0].strip() if text.strip() else ""
    if not password:
        raise ValueError(f"the SMTP password file {path} is empty")
    return password


def server_from(
    url: str | None, sender: str | None, password: str | None = None, password_file: Path | None = None
) -> SmtpServer | None:
    """The configured server, or None when no SMTP URL is set; ValueError (one sentence) when it cannot work."""
    if url is None:
        if password is not None or password_file is not None or sender is not None:
            raise ValueError(
                "VENDORCHECK_SMTP_PASSWORD, ..._PASSWORD_FILE and VENDORCHECK_MAIL_FROM need VENDORCHECK_SMTP_URL"
            )
        return None
    tls, host, port, user = _parts(url)
    if sender is None:
        raise ValueError("set VENDORCHECK_MAIL_FROM (the address emails come from) with VENDORCHECK_SMTP_URL")
    if password is not None and password_file is not None:
        raise ValueError("the SMTP password comes from VENDORCHECK_SMTP_PASSWORD or ..._PASSWORD_FILE, not both")
    if password_file is not None:
        password = read_password_file(password_file)
    if password is not None and user is None:
        raise ValueError("an SMTP password is set but the URL names no user: write smtps://USER@host")
    return SmtpServer(host, port, tls, sender, user, password)


def build_message(server: SmtpServer, recipient: str, subject: str, text: str, html: str) -> EmailMessage:
    """A plain-text message with an HTML alternative (no images, nothing fetched from anywhere)."""
    message = EmailMessage()
    message["From"] = server.sender
    message["To"] = Address(addr_spec=recipient)  # refuses an address that would add a header or recipient
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=server.sender.rsplit("@", 1)[-1].rstrip(">"))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a reminder
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send(server: SmtpServer, recipient: str, subject: str, text: str, html: str) -> None:
    """Hand one message to the server; :class:`MailError` saying why if it was not accepted."""
    try:
        message = build_message(server, recipient, subject, text, html)
    except (ValueError, TypeError) as exc:
        raise MailError(f"the message cannot be written ({exc})", permanent=True) from None
    context = ssl.create_default_context()
    try:
        if server.tls == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=context)
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
        with client:
            if server.tls == "starttls":
                client.starttls(context=context)  # raises if the server does not offer it: never falls back
            if server.user is not None:
                client.login(server.user, server.password or "")
            refused = client.send_message(message)
    except smtplib.SMTPResponseException as exc:
        detail = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        raise MailError(f"{server.describe()} refused the message: {exc.smtp_code} {detail}") from None
    except smtplib.SMTPRecipientsRefused as exc:
        code, detail = next(iter(exc.recipients.values()))
        said = detail.decode("utf-8", "replace")
        raise MailError(f"{server.describe()} refused the recipient: {code} {said}") from None
    except (smtplib.SMTPException, OSError) as exc:  # unreachable, TLS failure, connection dropped, timeout
        raise MailError(f"could not deliver through {server.describe()}: {type(exc).__name__}: {exc}") from None
    if refused:
        raise MailError(f"{server.describe()} refused the recipient: {refused}")
