"""Sign-in state and the capability every view declares.

``requires(Capability.X)`` or ``public`` decorates every view; a test walks ``app.url_map`` and fails on
any endpoint without one. Organization-owned objects are fetched with ``get_or_404`` so another
organization's object answers 404, never 403 and never data.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from werkzeug.wrappers import Response

from vendorcheck import db
from vendorcheck.accounts import mfa_required
from vendorcheck.audit import Actor
from vendorcheck.models import ActorKind, OrgScoped, User
from vendorcheck.permissions import Capability, can

PUBLIC = "public"
# Where a signed-in user may still go while a password change or MFA enrollment is owed.
SETUP_ENDPOINTS = frozenset({"account.change_password", "account.mfa_setup", "auth.logout"})
login_manager = LoginManager()
T = TypeVar("T", bound=OrgScoped)
View = Callable[..., Any]


def init_app(app: Flask) -> None:
    """Set up Flask-Login with session ids that die when the user's session_version moves."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)
    app.before_request(_enforce_session_limits)
    app.context_processor(lambda: {"can": _can})


def _can(capability: str) -> bool:
    """For templates: may the signed-in user do ``capability``? (Shows or hides links; views still check.)"""
    return bool(current_user.is_authenticated and can(current_user.role, Capability(capability)))


def start_session(user: User) -> None:
    """Sign ``user`` in on a fresh session that remembers when it began (for the time limits)."""
    session.clear()  # nothing carried over from before sign-in
    session.permanent = True
    login_user(SignedInUser(user))
    now = int(time.time())
    session["signed_in_at"] = session["last_seen"] = now


def _enforce_session_limits() -> Response | None:
    """Sign out after the idle timeout (HIPAA automatic logoff) or the absolute lifetime."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    settings = current_app.config["VENDORCHECK_SETTINGS"]
    now = int(time.time())
    idle = now - session.get("last_seen", 0) > settings.session_idle_minutes * 60
    expired = now - session.get("signed_in_at", 0) > settings.session_lifetime_hours * 3600
    if idle or expired:
        logout_user()
        session.clear()
        reason = f"after {settings.session_idle_minutes} minutes without activity" if idle else "after a long session"
        flash(f"You were signed out {reason}. Please sign in again.", "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None))
    session["last_seen"] = now
    return None


class SignedInUser:
    """The Flask-Login wrapper around a User row, identified by id and session version."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        """'<user id>:<session version>': bumping the version signs every session out."""
        return f"{self.user.id}:{self.user.session_version}"

    def __getattr__(self, name: str) -> Any:
        return getattr(self.user, name)


def _load_user(user_key: str) -> SignedInUser | None:
    user_id, _, version = user_key.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session().get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return SignedInUser(user)


def public(view: View) -> View:
    """Declare a view open to everyone (sign-in page, health check)."""
    view.required_capability = PUBLIC  # type: ignore[attr-defined]
    return view


def requires(capability: Capability) -> Callable[[View], View]:
    """Declare and enforce the capability a view needs; anonymous users go to sign-in."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            owed = _setup_owed(current_user.user)
            if owed and request.endpoint not in SETUP_ENDPOINTS:
                return redirect(url_for(owed))
            if not can(current_user.role, capability):
                abort(403)
            return view(*args, **kwargs)

        wrapper.required_capability = capability  # type: ignore[attr-defined]
        return wrapper

    return decorator


def _setup_owed(user: User) -> str | None:
    """The page a user must finish before anything else: a new password, then a second factor."""
    if user.must_change_password:
        return "account.change_password"
    if mfa_required(user) and not user.has_mfa:
        return "account.mfa_setup"
    return None


def current_actor() -> Actor:
    """The signed-in user (or an anonymous visitor) and their address, for the audit trail."""
    if current_user.is_authenticated:
        return user_actor(current_user)
    return Actor(ActorKind.USER, "anonymous", None, request.remote_addr)


def user_actor(user: User | SignedInUser) -> Actor:
    """``user`` acting from this request's address (also while signing in, before the session exists)."""
    return Actor(ActorKind.USER, user.email, user.id, request.remote_addr)


def get_or_404(model: type[T], object_id: int) -> T:
    """The signed-in user's organization's object with this id, or a 404."""
    obj = model.get_for_org(db.session(), object_id, current_user.org_id)
    if obj is None:
        abort(404)
    return obj
