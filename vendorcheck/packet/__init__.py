"""The packet format's old module name, kept for vendorcheck/cli.py until it imports vendorcheck.packets."""

from vendorcheck.packets.format import ENVELOPE_SUFFIX, PacketReport, verify

__all__ = ["ENVELOPE_SUFFIX", "PacketReport", "verify"]
