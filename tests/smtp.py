"""A real SMTP server on a loopback port for the tests (aiosmtpd): it collects what it accepts, can be told
to refuse (550), and can be stopped and started again on the same port (unreachable, then back)."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from vendorcheck.mail.smtp import SmtpServer

SENDER = "Riverside vendorcheck <vendorcheck@riverside.example>"


@dataclass
class Received:
    """One message the server accepted: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    def part(self, subtype: str) -> str:
        """The text/plain or text/html body."""
        found = self.message.get_body(preferencelist=(subtype,))
        assert found is not None and found.get_content_subtype() == subtype, subtype
        return found.get_content()


class _Handler:
    def __init__(self, owner: LoopbackSmtp) -> None:
        self.owner = owner

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.owner.refuse:
            return self.owner.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.owner.lock:
            self.owner.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LoopbackSmtp:
    """The server: ``received`` holds what it accepted; set ``refuse`` to an SMTP reply to refuse recipients."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[Received] = []
        self.refuse: str | None = None
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> None:
        """Listen (again) on the same port."""
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening: connections are refused, as with a server that is down."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def url(self) -> str:
        """VENDORCHECK_SMTP_URL for it (plain SMTP: it is on this machine)."""
        return f"smtp://127.0.0.1:{self.port}"

    def server(self) -> SmtpServer:
        """The settings' view of it."""
        return SmtpServer("127.0.0.1", self.port, "plain", SENDER)

    def to(self, address: str) -> list[Received]:
        """What was delivered to ``address``."""
        return [r for r in self.received if address in r.rcpt_tos]
