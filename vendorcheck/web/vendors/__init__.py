"""The dashboard and vendor pages."""

from flask import Blueprint

bp = Blueprint("vendors", __name__)

from vendorcheck.web.vendors import routes  # noqa: E402, F401  (routes attach themselves to bp)
