"""Evidence packets (moved from packet.py and packets.py; split into format, verify and export next)."""

from vendorcheck.packets.export import Export, prepare, record_failure, slug, write_file

__all__ = ["Export", "prepare", "record_failure", "slug", "write_file"]
