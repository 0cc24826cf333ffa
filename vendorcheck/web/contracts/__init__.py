"""The contract register (/contracts), a vendor's agreements with their clause checklist, and offboarding."""

from flask import Blueprint

bp = Blueprint("contracts", __name__)

from vendorcheck.web.contracts import routes  # noqa: E402, F401  (routes attach themselves to bp)
