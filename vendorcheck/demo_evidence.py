"""Old home of the demo's documents, kept importable for cli.py until it calls ``vendorcheck.demo.seed_all``."""

from vendorcheck.demo.documents import DOCUMENTS, seed_evidence

__all__ = ["DOCUMENTS", "seed_evidence"]
