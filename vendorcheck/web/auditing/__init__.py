"""The auditor's view of the audit trail: filter, chain status, CSV export."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")

from vendorcheck.web.auditing import routes  # noqa: E402, F401  (routes attach themselves to bp)
