"""One's own account: overview, password change, authenticator enrollment, sign out everywhere."""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from vendorcheck import accounts, db, mfa
from vendorcheck.permissions import Capability
from vendorcheck.web.access import current_actor, requires, start_session
from vendorcheck.web.account import bp
from vendorcheck.web.account.forms import ChangePasswordForm, EnrollForm
from vendorcheck.web.forms import ActionForm, apply_account_error


@bp.route("/")
@requires(Capability.ACCOUNT_SELF)
def overview() -> str:
    """What the account is and what can be changed."""
    user = current_user.user
    return render_template(
        "account/overview.html", user=user, mfa_required=accounts.mfa_required(user), action=ActionForm()
    )


@bp.route("/password", methods=["GET", "POST"])
@requires(Capability.ACCOUNT_SELF)
def change_password() -> str | Response | tuple[str, int]:
    """Change one's own password; required before anything else after a one-time password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        dbs = db.session()
        user = current_user.user
        try:
            accounts.change_password(dbs, user, form.current.data or "", form.new.data or "", current_actor())
        except accounts.AccountError as exc:
            apply_account_error(form, exc, default="new")
        else:
            dbs.commit()
            start_session(user)  # this session carries the new session version; the others end
            flash("Your password has been changed. Other sessions were signed out.", "success")
            return redirect(url_for("vendors.dashboard"))
    return render_template("account/change_password.html", form=form), (400 if form.errors else 200)


@bp.route("/mfa", methods=["GET", "POST"])
@requires(Capability.ACCOUNT_SELF)
def mfa_setup() -> str | Response | tuple[str, int]:
    """Enroll an authenticator app: scan the QR code, confirm a code, keep the recovery codes."""
    user = current_user.user
    secret = session.get("mfa_enrolling")
    if not isinstance(secret, str):
        secret = session["mfa_enrolling"] = mfa.new_secret()
    form = EnrollForm()
    if form.validate_on_submit():
        dbs = db.session()
        try:
            codes = accounts.confirm_mfa_enrollment(dbs, user, secret, form.code.data or "", current_actor())
        except accounts.AccountError as exc:
            apply_account_error(form, exc, default="code")
            form.code.data = ""
        else:
            dbs.commit()
            session.pop("mfa_enrolling", None)
            return render_template("account/recovery_codes.html", codes=codes)
    uri = mfa.provisioning_uri(secret, user.email)
    return render_template(
        "account/mfa.html", form=form, qr=mfa.qr_svg(uri), secret=secret, required=accounts.mfa_required(user)
    ), (400 if form.errors else 200)


@bp.route("/sign-out-everywhere", methods=["POST"])
@requires(Capability.ACCOUNT_SELF)
def sign_out_everywhere() -> Response:
    """End every other session of this user (a lost laptop, a shared computer)."""
    if ActionForm().validate_on_submit():
        dbs = db.session()
        user = current_user.user
        accounts.sign_out_everywhere(dbs, user, current_actor())
        dbs.commit()
        start_session(user)
        flash("Every other session has been signed out.", "success")
    return redirect(url_for("account.overview"))
