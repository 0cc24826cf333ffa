"""The dashboard and vendor pages."""

from flask import Blueprint

bp = Blueprint("vendors", __name__)

from vendorcheck.web.vendors import cycles, editing, routes  # noqa: E402, F401  (views attach themselves to bp)
