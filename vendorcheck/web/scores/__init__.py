"""Scores on the vendor page, the comparison (tables, SVG charts, CSV/JSON), the decision memo, the scoring profile."""

from flask import Blueprint

bp = Blueprint("scores", __name__)

from vendorcheck.web.scores import outsourcing, profile, routes  # noqa: E402, F401  (routes attach themselves to bp)
