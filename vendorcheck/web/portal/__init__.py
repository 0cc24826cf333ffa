"""The vendor portal: a vendor contact answers one assessment through its link, without an account."""

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/a")

from vendorcheck.web.portal import routes  # noqa: E402, F401  (routes attach themselves to bp)
