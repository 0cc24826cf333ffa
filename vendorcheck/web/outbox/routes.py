"""Outbox views: the organization's messages newest first (status, attempts, last error, the body to copy)
and "retry now". Thin over :mod:`vendorcheck.mail.outbox`; admins and assessors only (``OUTBOX_READ``)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from vendorcheck.mail import outbox
from vendorcheck.models import OutboxMessage
from vendorcheck.permissions import Capability
from vendorcheck.web import database
from vendorcheck.web.access import current_actor, get_or_404, requires
from vendorcheck.web.forms import ActionForm
from vendorcheck.web.outbox import bp


@bp.route("/outbox")
@requires(Capability.OUTBOX_READ)
def index() -> str:
    """Every message of the organization, newest first."""
    messages = outbox.listing(database.session(), current_user.org_id)
    server = current_app.extensions["vendorcheck.mail_server"]
    return render_template("outbox/index.html", messages=messages, server=server, action_form=ActionForm())


@bp.route("/outbox/<int:message_id>")
@requires(Capability.OUTBOX_READ)
def show(message_id: int) -> str:
    """One message: its headers, delivery state and both bodies."""
    message = get_or_404(OutboxMessage, message_id)
    return render_template("outbox/show.html", message=message, action_form=ActionForm())


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@requires(Capability.OUTBOX_READ)
def retry(message_id: int) -> BaseResponse:
    """Make a queued or failed message due now; the scheduler sends it within minutes."""
    message = get_or_404(OutboxMessage, message_id)
    if ActionForm().validate_on_submit():
        session = database.session()
        try:
            outbox.retry_now(session, current_actor(), message)
        except ValueError as error:
            flash(str(error), "error")
        else:
            session.commit()
            flash("The message will be tried again within a few minutes.", "success")
    return redirect(url_for("outbox.index"))
