"""One's own account: password, second factor, sessions."""

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from vendorcheck.web.account import routes  # noqa: E402, F401  (routes attach themselves to bp)
