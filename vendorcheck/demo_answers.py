"""Old home of the demo's answers, kept importable for cli.py until it calls ``vendorcheck.demo.seed_all``."""

from vendorcheck.demo.answers import seed_answers

__all__ = ["seed_answers"]
