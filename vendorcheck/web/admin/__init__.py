"""Administration: the organization's users and its sign-in policy."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from vendorcheck.web.admin import routes, tiers  # noqa: E402, F401  (routes attach themselves to bp)
