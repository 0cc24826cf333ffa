"""Who acts, as the audit trail records it. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from vendorcheck.enums import ActorKind

__all__ = ["Actor", "ActorKind"]


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, a vendor link, the CLI or the system, and from where."""

    kind: ActorKind
    label: str
    user_id: int | None = None
    source_ip: str | None = None

    @classmethod
    def cli(cls, label: str = "vendorcheck CLI") -> Actor:
        """The operator at the command line."""
        return cls(ActorKind.CLI, label)
