"""Friendly error pages: a message in plain words, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Something in that request was not right", "Go back, check what you entered and try again."),
    403: ("You can't do that", "Your role does not allow this. Ask an administrator if you need it."),
    404: ("Not found", "This page does not exist, or it belongs to another organization."),
    405: ("Not allowed", "That kind of request is not accepted here."),
    413: ("Too large", "What you sent is larger than this installation accepts."),
    429: ("Too many attempts", "Wait a little and try again."),
    500: ("Something went wrong on our side", "The error has been logged. Please try again in a moment."),
}


UNTRUSTED_HOST = (
    "This server does not answer to that address. If it is the right one, the administrator sets it as "
    "VENDORCHECK_PUBLIC_URL."
)


def init_app(app: Flask) -> None:
    """Render every HTTP error, CSRF failure and unexpected exception as a page."""
    app.register_error_handler(SecurityError, _untrusted_host)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def render_error(status: int, detail: str | None = None) -> tuple[str, int] | Response:
    """The error page for ``status``, with an optional more specific explanation."""
    title, advice = MESSAGES.get(status, MESSAGES[400 if status < 500 else 500])
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        return jsonify(saved=False, message=detail or f"{title}. {advice}"), status  # a page's script asked
    if request_ctx.url_adapter is None:  # the Host was refused: no links can be built, so no page around it
        return Response(f"{title}. {detail or advice}\n", status, mimetype="text/plain")
    return render_template("errors/error.html", status=status, title=title, advice=detail or advice), status


def _untrusted_host(error: SecurityError) -> tuple[str, int] | Response:
    """A Host header not in TRUSTED_HOSTS (werkzeug raises SecurityError when the request's host is read)."""
    return render_error(400, UNTRUSTED_HOST)


def _csrf_error(error: CSRFError) -> tuple[str, int] | Response:
    return render_error(400, "The form expired or was sent from elsewhere. Reload the page and try again.")


def _http_error(error: HTTPException) -> tuple[str, int] | HTTPException | Response:
    if error.code is None or error.code < 400:
        return error  # redirects and other non-errors pass through untouched
    if error.response is not None:
        return error.response  # a page the view built itself (the throttled sign-in form)
    return render_error(error.code)


def _unexpected(error: Exception) -> tuple[str, int] | Response:
    log.error("unhandled error on %s %r", request.method, request.path, exc_info=error)
    return render_error(InternalServerError.code)
