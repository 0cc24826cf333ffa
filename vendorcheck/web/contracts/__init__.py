"""The contract register (/contracts), a vendor's agreements with their clause checklist, and offboarding."""

from flask import Blueprint

from vendorcheck.contracts import catalogue

bp = Blueprint("contracts", __name__)
# The clause catalogue is read and checked when the app is made: a bad edit stops it at start (CatalogueError
# naming the clause and field), as an invalid questionnaire does, rather than showing a wrong checklist later.
bp.record_once(lambda _state: catalogue())

from vendorcheck.web.contracts import routes  # noqa: E402, F401  (routes attach themselves to bp)
