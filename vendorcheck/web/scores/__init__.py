"""Scores on the vendor page, the comparison (tables, SVG charts, CSV/JSON), the decision memo, the scoring profile."""

from flask import Blueprint

from vendorcheck.scores.common import EXPLANATIONS

bp = Blueprint("scores", __name__)
bp.add_app_template_global(EXPLANATIONS, "explanations")  # "provisional", "not assessed": explained where shown

from vendorcheck.web.scores import outsourcing, profile, routes  # noqa: E402, F401  (routes attach themselves to bp)
