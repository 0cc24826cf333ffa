"""Screening on the vendor page (principals, candidates) and the admin's list upload."""

from flask import Blueprint

bp = Blueprint("screening", __name__)

from vendorcheck.web.screening import routes  # noqa: E402, F401  (routes attach themselves to bp)
