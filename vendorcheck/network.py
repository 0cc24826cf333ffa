"""Facts about network addresses the settings and the CLI check. Pure: no Flask, no database."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """True for a name or address of this machine (where a plain connection never crosses a network)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
