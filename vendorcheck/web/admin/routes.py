"""User management for admins: invite, change role, deactivate, reset MFA or password; the MFA policy."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from vendorcheck import accounts
from vendorcheck.models import AccountToken, Role, User
from vendorcheck.permissions import Capability
from vendorcheck.web import database
from vendorcheck.web.access import current_actor, get_or_404, reauthentication_due, requires
from vendorcheck.web.admin import bp
from vendorcheck.web.admin.forms import InviteForm, PolicyForm, RoleForm
from vendorcheck.web.forms import ActionForm, apply_account_error
from vendorcheck.web.labels import LABELS
from vendorcheck.web.security import external_url


def _users_page(form: InviteForm, status: int = 200) -> tuple[str, int]:
    dbs = database.session()
    return render_template(
        "admin/users.html",
        users=accounts.org_users(dbs, current_user.org_id),
        invitations=accounts.pending_invitations(dbs, current_user.org_id),
        form=form,
        policy=PolicyForm(mfa_required=current_user.organization.mfa_required),
        action=ActionForm(),
    ), status


@bp.route("/users")
@requires(Capability.USER_MANAGE)
def users() -> tuple[str, int]:
    """The organization's users and the invitation form."""
    return _users_page(InviteForm())


@bp.route("/users/invite", methods=["POST"])
@requires(Capability.USER_MANAGE)
def invite() -> tuple[str, int]:
    """Create a one-time invitation link, shown once."""
    form = InviteForm()
    if not form.validate_on_submit():
        return _users_page(form, 400)
    dbs = database.session()
    try:
        link, token = accounts.invite(
            dbs, current_user.organization, form.email.data or "", Role(form.role.data), current_actor()
        )
    except accounts.AccountError as exc:
        apply_account_error(form, exc, default="email")
        return _users_page(form, 400)
    dbs.commit()
    url = external_url("auth.invitation", token=token)
    return render_template("admin/link_issued.html", link=link, url=url, kind="invitation"), 200


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@requires(Capability.USER_MANAGE)
def revoke_invitation(invitation_id: int) -> Response:
    """Withdraw a pending invitation: its link stops working."""
    link = get_or_404(AccountToken, invitation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    dbs = database.session()
    try:
        accounts.revoke_invitation(dbs, link, current_actor())
    except accounts.AccountError as exc:
        flash(str(exc), "error")
    else:
        dbs.commit()
        flash(f"The invitation for {link.email} was withdrawn.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>")
@requires(Capability.USER_MANAGE)
def user(user_id: int) -> str:
    """One user and what an admin can do about them."""
    found = get_or_404(User, user_id)
    return render_template(
        "admin/user.html", user=found, role_form=RoleForm(role=found.role.value), action=ActionForm()
    )


def _act(user_id: int, change: str) -> Response:
    """Apply one admin action to a user of this organization, then show their page with the outcome."""
    found = get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    dbs = database.session()
    actions = {
        "deactivate": (accounts.deactivate, "{} can no longer sign in; their sessions have ended."),
        "reactivate": (accounts.reactivate, "{} can sign in again."),
        "reset-mfa": (accounts.reset_mfa, "{}'s two-step sign-in was removed; they set it up again at next sign-in."),
    }
    action, message = actions[change]
    if change == "deactivate" and request.form.get("confirm") != "yes":
        return _confirm(
            found,
            url_for("admin.deactivate", user_id=found.id),
            f"Deactivate {found.email}?",
            "They are signed out everywhere at once and cannot sign in again until an admin reactivates them. "
            "Their history and everything they did stay.",
            "Deactivate",
        )
    if change == "reset-mfa":  # whoever can remove a factor can take the account over: prove it is you
        due = reauthentication_due(url_for("admin.user", user_id=found.id))
        if due is not None:
            return due
    try:
        action(dbs, found, current_actor())
    except accounts.AccountError as exc:
        flash(str(exc), "error")
    else:
        dbs.commit()
        flash(message.format(found.email), "success")
    return redirect(url_for("admin.user", user_id=found.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@requires(Capability.USER_MANAGE)
def deactivate(user_id: int) -> Response:
    """Stop a user from signing in; their sessions end at once."""
    return _act(user_id, "deactivate")


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@requires(Capability.USER_MANAGE)
def reactivate(user_id: int) -> Response:
    """Let a deactivated user sign in again."""
    return _act(user_id, "reactivate")


@bp.route("/users/<int:user_id>/reset-mfa", methods=["POST"])
@requires(Capability.USER_MANAGE)
def reset_mfa(user_id: int) -> Response:
    """Remove a user's second factor (a lost phone)."""
    return _act(user_id, "reset-mfa")


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@requires(Capability.USER_MANAGE)
def set_role(user_id: int) -> Response | tuple[str, int]:
    """Change a user's role."""
    found = get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return render_template("admin/user.html", user=found, role_form=form, action=ActionForm()), 400
    new_role = Role(form.role.data)
    if new_role != found.role and request.form.get("confirm") != "yes":
        return _confirm(
            found,
            url_for("admin.set_role", user_id=found.id),
            f"Make {found.email} {LABELS.get(new_role, new_role.value).lower()}?",
            f"They are {LABELS.get(found.role, found.role.value).lower()} now. Their sessions end at once and they "
            "sign in again with what the new role allows.",
            "Change the role",
            role=new_role.value,
        )
    dbs = database.session()
    try:
        accounts.set_role(dbs, found, new_role, current_actor())
    except accounts.AccountError as exc:
        flash(str(exc), "error")
    else:
        dbs.commit()
        flash(f"{found.email} is now {found.role.value}.", "success")
    return redirect(url_for("admin.user", user_id=found.id))


@bp.route("/users/<int:user_id>/password-reset", methods=["POST"])
@requires(Capability.USER_MANAGE)
def password_reset(user_id: int) -> str:
    """Issue a one-time password-reset link for a user, shown once."""
    found = get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    dbs = database.session()
    link, token = accounts.issue_password_reset(dbs, found, current_actor())
    dbs.commit()
    url = external_url("auth.reset", token=token)
    return render_template("admin/link_issued.html", link=link, url=url, kind="password reset")


@bp.route("/policy", methods=["POST"])
@requires(Capability.USER_MANAGE)
def policy() -> Response:
    """Require two-step sign-in of everyone in the organization, or not."""
    form = PolicyForm()
    if not form.validate_on_submit():
        abort(400)
    dbs = database.session()
    org = current_user.organization
    accounts.set_org_mfa_required(dbs, org, bool(form.mfa_required.data), current_actor())
    dbs.commit()
    state = "everyone" if org.mfa_required else "admins and auditors"
    flash(f"Two-step sign-in is now required for {state}.", "success")
    return redirect(url_for("admin.users"))


def _confirm(found: User, action: str, question: str, consequence: str, button: str, **fields: str) -> Response:
    """The page that asks once more before a change that signs someone out (no script needed)."""
    page = render_template(
        "admin/confirm.html",
        user=found,
        action=action,
        question=question,
        consequence=consequence,
        button=button,
        fields=fields,
        form=ActionForm(),
    )
    return Response(page, status=200)
