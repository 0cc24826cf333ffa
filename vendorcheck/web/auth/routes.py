"""Sign-in (password, then the second factor), sign-out, and the one-time invitation and reset links."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask_limiter import RequestLimit
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from vendorcheck import accounts, audit
from vendorcheck.accounts import sessions as user_sessions
from vendorcheck.audit import actions
from vendorcheck.models import Role, TokenPurpose, UserSession
from vendorcheck.web import database, ratelimit
from vendorcheck.web.access import (
    client_details,
    current_actor,
    end_current_session,
    public,
    start_session,
    user_actor,
)
from vendorcheck.web.auth import bp
from vendorcheck.web.auth.forms import InvitationForm, LoginForm, NewPasswordForm, SignOutForm, VerifyForm
from vendorcheck.web.forms import apply_account_error
from vendorcheck.web.home.routes import landing_for
from vendorcheck.web.security import is_local_path


def _throttled_login(limit: RequestLimit) -> Response:
    form = LoginForm(formdata=None, email=request.form.get("email", ""), next=request.form.get("next", ""))
    minutes = ratelimit.minutes_until_reset(limit)
    flash(f"Too many sign-in attempts. Try again in {minutes} minute{'s' if minutes > 1 else ''}.", "error")
    return make_response(render_template("auth/login.html", form=form), 429)


@bp.route("/login", methods=["GET", "POST"])
@public
@ratelimit.limiter.shared_limit(
    ratelimit.PER_ACCOUNT,
    scope=ratelimit.ACCOUNT_SCOPE,
    key_func=ratelimit.submitted_account,
    methods=["POST"],
    deduct_when=ratelimit.failed,
    on_breach=_throttled_login,
)
@ratelimit.limiter.limit(
    ratelimit.PER_ADDRESS, methods=["POST"], deduct_when=ratelimit.failed, on_breach=_throttled_login
)
def login() -> str | Response | tuple[str, int]:
    """Sign in with email and password; a failure says only that the pair did not match."""
    if current_user.is_authenticated:
        return redirect(landing_for(current_user.role))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    dbs = database.session()
    user = accounts.authenticate(dbs, form.email.data or "", form.password.data or "")
    target = _target(form.next.data, user.role if user is not None else None)
    if user is None:
        email = (form.email.data or "").strip()[:254]
        audit.record(dbs, actions.AUTH_LOGIN_FAILED, current_actor(), details={"email": email})
        dbs.commit()
        flash("That email and password do not match an active account.", "error")
        return render_template("auth/login.html", form=form), 401
    if user.has_mfa:
        # A half-finished sign-in lives on the server too: ending the user's sessions (a password reset,
        # deactivation) also ends it. The cookie holds its token, the user id (a throttling key) and the target.
        _record, token = user_sessions.start(dbs, user, *client_details(), awaiting_second_factor=True)
        dbs.commit()  # the record, and a rehashed password if any
        session.clear()
        session["mfa_pending"] = {"token": token, "uid": user.id, "next": target}
        return redirect(url_for("auth.verify"))
    accounts.record_sign_in(dbs, user, user_actor(user))
    start_session(user)
    dbs.commit()
    return redirect(target)


def _target(wanted: str | None, role: Role | None) -> str:
    """Where signing in leads: the local page asked for, else the person's landing page. The bare root counts as
    no page asked for (it is where every visit without a session starts), so officers land on their home page."""
    if is_local_path(wanted) and wanted != "/":
        return str(wanted)
    return landing_for(role) if role is not None else url_for("vendors.dashboard")


def _pending_sign_in() -> UserSession | None:
    """The record of the sign-in that gave the right password moments ago and now owes the second factor."""
    pending = session.get("mfa_pending")
    if not isinstance(pending, dict):
        return None
    return user_sessions.awaiting_second_factor(database.session(), pending.get("token"))


def _mfa_key() -> str:
    pending = session.get("mfa_pending")
    return f"mfa:{pending.get('uid') if isinstance(pending, dict) else request.remote_addr}"


def _throttled_verify(limit: RequestLimit) -> Response:
    minutes = ratelimit.minutes_until_reset(limit)
    flash(f"Too many wrong codes. Try again in {minutes} minute{'s' if minutes > 1 else ''}.", "error")
    return make_response(render_template("auth/verify.html", form=VerifyForm(formdata=None)), 429)


@bp.route("/login/verify", methods=["GET", "POST"])
@public
@ratelimit.limiter.limit(
    ratelimit.PER_ACCOUNT,
    key_func=_mfa_key,
    methods=["POST"],
    deduct_when=ratelimit.failed,
    on_breach=_throttled_verify,
)
def verify() -> str | Response | tuple[str, int]:
    """The second step of signing in: a code from the authenticator app or a recovery code."""
    record = _pending_sign_in()
    if record is None:
        session.pop("mfa_pending", None)
        flash("Please sign in again.", "info")
        return redirect(url_for("auth.login"))
    user = record.user
    form = VerifyForm()
    if not form.validate_on_submit():
        return render_template("auth/verify.html", form=form)
    dbs = database.session()
    actor = user_actor(user)
    if not accounts.verify_second_factor(dbs, user, form.code.data or "", actor):
        dbs.commit()
        form.code.errors = ["That code is not right, or it was already used. Enter the newest code."]
        form.code.data = ""
        return render_template("auth/verify.html", form=form), 401
    target = session["mfa_pending"]["next"]
    accounts.record_sign_in(dbs, user, actor)
    token = user_sessions.complete_second_factor(record)  # a new token: the half-signed-in one dies
    dbs.commit()
    start_session(user, record, token)
    return redirect(_target(target, user.role))


@bp.route("/logout", methods=["POST"])
@public
def logout() -> Response:
    """Sign out (a POST with a CSRF token, so no other site can sign you out): the server ends the session."""
    if SignOutForm().validate_on_submit() and current_user.is_authenticated:
        dbs = database.session()
        audit.record(dbs, actions.AUTH_LOGOUT, current_actor(), org_id=current_user.org_id)
        end_current_session()
        dbs.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


def _link_error(error: accounts.AccountError) -> tuple[str, int]:
    return render_template("auth/link_error.html", message=str(error)), 410


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
@ratelimit.guards_link
def invitation(token: str) -> str | Response | tuple[str, int]:
    """Accept an invitation: choose a name and password, then sign in."""
    dbs = database.session()
    try:
        link = accounts.find_link(dbs, token, TokenPurpose.INVITATION)
    except accounts.AccountError as exc:
        return _link_error(exc)
    form = InvitationForm()
    if form.validate_on_submit():
        try:
            user = accounts.accept_invitation(
                dbs, token, form.display_name.data or "", form.password.data or "", request.remote_addr
            )
        except accounts.AccountError as exc:
            apply_account_error(form, exc, default="password")
        else:
            accounts.record_sign_in(dbs, user, current_actor())
            start_session(user)
            dbs.commit()
            flash(f"Welcome to {user.organization.name}.", "success")
            return redirect(landing_for(user.role))
    return render_template("auth/invitation.html", form=form, link=link), (400 if form.errors else 200)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@ratelimit.guards_link
def reset(token: str) -> str | Response | tuple[str, int]:
    """Set a new password through a reset link an administrator issued."""
    dbs = database.session()
    try:
        link = accounts.find_link(dbs, token, TokenPurpose.PASSWORD_RESET)
    except accounts.AccountError as exc:
        return _link_error(exc)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(dbs, token, form.password.data or "", request.remote_addr)
        except accounts.AccountError as exc:
            apply_account_error(form, exc, default="password")
        else:
            end_current_session()
            dbs.commit()
            session.clear()
            flash("Your password has been set. Sign in with it now.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, link=link), (400 if form.errors else 200)
