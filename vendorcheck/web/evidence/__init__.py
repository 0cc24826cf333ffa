"""Evidence pages: upload (streamed into the vault), review, download."""

from flask import Blueprint

bp = Blueprint("evidence", __name__)

from vendorcheck.web.evidence import routes  # noqa: E402, F401  (routes attach themselves to bp)
