"""The outbox page: every email vendorcheck sent or is waiting to send, to read, copy and retry."""

from flask import Blueprint

bp = Blueprint("outbox", __name__)

from vendorcheck.web.outbox import routes  # noqa: E402, F401  (routes attach themselves to bp)
