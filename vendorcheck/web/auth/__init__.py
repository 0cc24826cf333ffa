"""Sign-in, sign-out and one's own password."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from vendorcheck.web.auth import routes  # noqa: E402, F401  (routes attach themselves to bp)
