"""The officer's home page: what is due and overdue across every vendor, each one click from the work."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from vendorcheck.web.home import routes  # noqa: E402, F401  (views attach themselves to bp)
