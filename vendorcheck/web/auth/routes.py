"""Sign-in, sign-out and password change views."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from vendorcheck import accounts, audit, db
from vendorcheck.models import ActorKind
from vendorcheck.permissions import Capability
from vendorcheck.web.access import SignedInUser, public, requires, start_session
from vendorcheck.web.auth import bp
from vendorcheck.web.auth.forms import ChangePasswordForm, LoginForm, SignOutForm
from vendorcheck.web.security import is_local_path


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> str | Response:
    """Sign in with email and password; a failure says only that the pair did not match."""
    if current_user.is_authenticated:
        return redirect(url_for("vendors.dashboard"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        dbs = db.session()
        user = accounts.authenticate(dbs, form.email.data or "", form.password.data or "")
        if user is None:
            audit.record(
                dbs,
                "auth.login_failed",
                actor_kind=ActorKind.USER,
                actor_label=_label(form.email.data),
                source_ip=request.remote_addr,
                details={"email": _label(form.email.data)},
            )
            dbs.commit()
            flash("That email and password do not match an active account.", "error")
            form.password.data = ""
            return render_template("auth/login.html", form=form), 401
        audit.record(
            dbs,
            "auth.login",
            actor_kind=ActorKind.USER,
            actor_label=user.email,
            actor_user_id=user.id,
            org_id=user.org_id,
            source_ip=request.remote_addr,
        )
        dbs.commit()
        start_session(user)
        target = form.next.data
        return redirect(target if is_local_path(target) else url_for("vendors.dashboard"))
    return render_template("auth/login.html", form=form)


def _label(email: str | None) -> str:
    """An email as typed, shortened for the audit trail."""
    return (email or "").strip()[:254]


@bp.route("/logout", methods=["POST"])
@public
def logout() -> Response:
    """Sign out (a POST with a CSRF token, so no other site can sign you out)."""
    if SignOutForm().validate_on_submit() and current_user.is_authenticated:
        dbs = db.session()
        audit.record(
            dbs,
            "auth.logout",
            actor_kind=ActorKind.USER,
            actor_label=current_user.email,
            actor_user_id=current_user.id,
            org_id=current_user.org_id,
            source_ip=request.remote_addr,
        )
        dbs.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires(Capability.ACCOUNT_SELF)
def change_password() -> str | Response:
    """Change one's own password; required before anything else after a one-time password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        dbs = db.session()
        user = current_user.user
        try:
            accounts.change_password(user, form.current.data or "", form.new.data or "")
        except accounts.AccountError as exc:
            field = form.current if exc.field == "current" else form.new
            field.errors = [*field.errors, str(exc)]
        else:
            audit.record(
                dbs,
                "user.password_change",
                actor_kind=ActorKind.USER,
                actor_label=user.email,
                actor_user_id=user.id,
                org_id=user.org_id,
                target_type="user",
                target_id=user.id,
                source_ip=request.remote_addr,
            )
            dbs.commit()
            login_user(SignedInUser(user))  # this session carries the new session version
            flash("Your password has been changed. Other sessions were signed out.", "success")
            return redirect(url_for("vendors.dashboard"))
    return render_template("auth/change_password.html", form=form), (400 if form.errors else 200)
