"""One's own account: overview, password change, re-authentication, authenticator enrollment, sessions."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_limiter import RequestLimit
from flask_login import current_user
from werkzeug.wrappers import Response

from vendorcheck import accounts
from vendorcheck.accounts import sessions as user_sessions
from vendorcheck.accounts import totp as mfa
from vendorcheck.permissions import Capability
from vendorcheck.web import database, ratelimit
from vendorcheck.web.access import (
    current_actor,
    renew_session,
    requires,
    requires_recent_authentication,
    session_limits,
)
from vendorcheck.web.account import bp
from vendorcheck.web.account.forms import ChangePasswordForm, EnrollForm, ReauthForm
from vendorcheck.web.forms import ActionForm, apply_account_error
from vendorcheck.web.security import is_local_path


@bp.route("/")
@requires(Capability.ACCOUNT_SELF)
def overview() -> str:
    """What the account is, where it is signed in, and what can be changed."""
    user = current_user.user
    return render_template(
        "account/overview.html",
        user=user,
        mfa_required=accounts.mfa_required(user),
        sessions=user_sessions.active_sessions(database.session(), user, session_limits()),
        this_session=current_user.record.id,
        action=ActionForm(),
    )


@bp.route("/password", methods=["GET", "POST"])
@requires(Capability.ACCOUNT_SELF)
def change_password() -> str | Response | tuple[str, int]:
    """Change one's own password (it asks for the current one); required first after a one-time password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        dbs = database.session()
        user = current_user.user
        record = current_user.record
        try:
            accounts.change_password(
                dbs, user, form.current.data or "", form.new.data or "", current_actor(), keep_session_id=record.id
            )
        except accounts.AccountError as exc:
            apply_account_error(form, exc, default="new")
        else:
            token = user_sessions.rotate(record)  # the password was just proven: a new session id
            dbs.commit()
            renew_session(token)
            flash("Your password has been changed. Other sessions were signed out.", "success")
            return redirect(url_for("vendors.dashboard"))
    return render_template("account/change_password.html", form=form), (400 if form.errors else 200)


def _reauth_page(form: ReauthForm, status: int = 200) -> tuple[str, int]:
    return render_template("account/reauthenticate.html", form=form, has_mfa=current_user.has_mfa), status


def _reauth_account() -> str:
    """The throttling key: the same per-account bucket as sign-in, so the two doors share one budget."""
    if not current_user.is_authenticated:
        return "address:" + (request.remote_addr or "")
    return "account:" + accounts.normalize_email(current_user.email)


def _throttled_reauth(limit: RequestLimit) -> Response:
    minutes = ratelimit.minutes_until_reset(limit)
    flash(f"Too many wrong attempts. Try again in {minutes} minute{'s' if minutes > 1 else ''}.", "error")
    form = ReauthForm(formdata=None, next=request.form.get("next", ""))
    return make_response(_reauth_page(form)[0], 429)


@bp.route("/confirm", methods=["GET", "POST"])
@requires(Capability.ACCOUNT_SELF)
@ratelimit.limiter.shared_limit(
    ratelimit.PER_ACCOUNT,
    scope=ratelimit.ACCOUNT_SCOPE,
    key_func=_reauth_account,
    methods=["POST"],
    deduct_when=ratelimit.failed,
    on_breach=_throttled_reauth,
)
def reauthenticate() -> str | Response | tuple[str, int]:
    """Confirm it is you (password and current second factor) before changing how you sign in."""
    user = current_user.user
    form = ReauthForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return _reauth_page(form, 400 if form.errors else 200)
    if user.has_mfa and not (form.code.data or "").strip():
        form.code.errors = ["Enter the code your authenticator app shows, or one of your recovery codes."]
        return _reauth_page(form, 400)
    dbs = database.session()
    record = current_user.record
    try:
        accounts.reauthenticate(dbs, user, record, form.password.data or "", form.code.data or "", current_actor())
    except accounts.AccountError as exc:
        dbs.commit()  # the failed attempt's audit event
        apply_account_error(form, exc, default="password")
        form.code.data = ""
        return _reauth_page(form, 401)
    token = user_sessions.rotate(record)  # a new session id after authenticating again
    dbs.commit()
    renew_session(token)
    return redirect(form.next.data if is_local_path(form.next.data) else url_for("account.overview"))


@bp.route("/mfa", methods=["GET", "POST"])
@requires(Capability.ACCOUNT_SELF)
@requires_recent_authentication
def mfa_setup() -> str | Response | tuple[str, int]:
    """Enroll an authenticator app (or move to a new one): scan the QR code, confirm a code, keep the recovery codes.

    The secret being enrolled stays on the server-side session record, never in the cookie.
    """
    user = current_user.user
    record = current_user.record
    dbs = database.session()
    if record.pending_mfa_secret is None:
        record.pending_mfa_secret = mfa.new_secret()
        dbs.commit()
    secret = record.pending_mfa_secret
    form = EnrollForm()
    if form.validate_on_submit():
        try:
            codes = accounts.confirm_mfa_enrollment(
                dbs, user, secret, form.code.data or "", current_actor(), keep_session_id=record.id
            )
        except accounts.AccountError as exc:
            apply_account_error(form, exc, default="code")
            form.code.data = ""
        else:
            record.pending_mfa_secret = None
            dbs.commit()
            return render_template("account/recovery_codes.html", codes=codes)
    uri = mfa.provisioning_uri(secret, user.email)
    return render_template(
        "account/mfa.html", form=form, qr=mfa.qr_svg(uri), secret=secret, required=accounts.mfa_required(user)
    ), (400 if form.errors else 200)


@bp.route("/sign-out-everywhere", methods=["POST"])
@requires(Capability.ACCOUNT_SELF)
def sign_out_everywhere() -> Response:
    """End every other session of this user (a lost laptop, a shared computer); this one stays."""
    if ActionForm().validate_on_submit():
        dbs = database.session()
        accounts.sign_out_everywhere(dbs, current_user.user, current_actor(), keep_session_id=current_user.record.id)
        dbs.commit()
        flash("Every other session has been signed out.", "success")
    return redirect(url_for("account.overview"))
