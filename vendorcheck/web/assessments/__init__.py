"""Assessor pages: create an assessment, issue its vendor link, enter answers, review, spreadsheets."""

from flask import Blueprint

bp = Blueprint("assessments", __name__)

from vendorcheck.web.assessments import routes  # noqa: E402, F401  (routes attach themselves to bp)
