"""The old module name of the packet format and its verifier, kept only because vendorcheck/cli.py still imports
it (``packet.verify``): delete this file once the CLI imports ``vendorcheck.packets.verify``."""

from vendorcheck.packets.format import ENVELOPE_SUFFIX
from vendorcheck.packets.verify import PacketReport, verify

__all__ = ["ENVELOPE_SUFFIX", "PacketReport", "verify"]
