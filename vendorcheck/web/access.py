"""Sign-in state and the capability every view declares.

Signing in creates a server-side session record (``vendorcheck.accounts.sessions``); Flask-Login keeps only
that record's random token in the cookie, and every request looks the record up, so ending it on the
server signs the browser out at once. ``requires(Capability.X)`` or ``public`` decorates every view; a
test walks ``app.url_map`` and fails on any endpoint without one. Organization-owned objects are fetched
with ``get_or_404`` so another organization's object answers 404, never 403 and never data.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from vendorcheck.accounts import mfa_required
from vendorcheck.accounts import sessions as user_sessions
from vendorcheck.accounts.factors import mfa_required_for
from vendorcheck.audit import Actor
from vendorcheck.models import ActorKind, OrgScoped, Role, SessionEnd, User, UserSession
from vendorcheck.permissions import Capability, can
from vendorcheck.web import database
from vendorcheck.web.security import CSRF_FIELD

PUBLIC = "public"
# Where a signed-in user may still go while a password change or MFA enrollment is owed.
SETUP_ENDPOINTS = frozenset({"account.change_password", "account.mfa_setup", "account.reauthenticate", "auth.logout"})
login_manager = LoginManager()
T = TypeVar("T", bound=OrgScoped)
View = Callable[..., Any]


def init_app(app: Flask) -> None:
    """Set up Flask-Login over server-side session records."""
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


def session_limits() -> user_sessions.Limits:
    """The idle and absolute limits from the settings."""
    settings = current_app.config["VENDORCHECK_SETTINGS"]
    return user_sessions.Limits(
        idle=timedelta(minutes=settings.session_idle_minutes), lifetime=timedelta(hours=settings.session_lifetime_hours)
    )


def client_details() -> tuple[str | None, str | None]:
    """This request's address and user agent, kept on a session record to recognise it on the account page."""
    return request.remote_addr, request.headers.get("User-Agent")


def start_session(user: User, record: UserSession | None = None, token: str | None = None) -> None:
    """Sign ``user`` in on a fresh cookie naming a new server-side session (or ``record`` under ``token``).

    The caller commits the database session (the record must exist before the browser uses it).
    """
    end_current_session()  # someone else signed in on this browser: their session ends, not orphaned
    session.clear()  # nothing carried over from before sign-in
    session.permanent = True
    # A new CSRF secret with the new session (Flask-WTF keeps this request's token in g: forget it first), so
    # that the first page after sign-in can be kept by the page cache (web.pagecache) too.
    g.pop(CSRF_FIELD, None)
    generate_csrf()
    if record is None or token is None:
        record, token = user_sessions.start(database.session(), user, *client_details())
    login_user(SignedInUser(user, record, token))


def end_current_session() -> None:
    """End the signed-in session on the server and forget it in the cookie (the caller commits)."""
    if current_user.is_authenticated:
        user_sessions.end(current_user.record, SessionEnd.SIGN_OUT)
    logout_user()


def renew_session(token: str) -> None:
    """Name the current record by a new token (after a re-authentication), keeping the rest of the cookie."""
    login_user(SignedInUser(current_user.user, current_user.record, token))


def _enforce_session_limits() -> Response | None:
    """Send a browser whose session just ran out (idle, HIPAA automatic logoff, or too old) to sign in."""
    if request.endpoint == "static" or current_user.is_authenticated:
        return None
    ended = g.pop("session_ended", None)
    if "_user_id" in session:
        session.clear()  # the record is gone or ended: drop what the cookie still says
    if ended is None:
        return None
    settings = current_app.config["VENDORCHECK_SETTINGS"]
    if ended == SessionEnd.IDLE:
        reason = f"after {settings.session_idle_minutes} minutes without activity"
    else:
        reason = "after a long session"
    flash(f"You were signed out {reason}. Please sign in again.", "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None))


class SignedInUser:
    """The Flask-Login wrapper around a User row and the server-side session it signed in on.

    Built either from loaded rows (sign-in, or a check that had to write) or from a :class:`LiveSession` read
    in one plain query; the User and UserSession rows are then loaded only when a view asks for them, so a
    page served from the cache (``web.pagecache``) never loads them.
    """

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(
        self, user: User | None, record: UserSession | None, token: str, live: user_sessions.LiveSession | None = None
    ) -> None:
        self._user = user
        self._record = record
        self.token = token
        self.live = live

    @property
    def user(self) -> User:
        """The User row, loaded into the request's session on first use."""
        if self._user is None:
            assert self.live is not None
            self._user = database.session().get_one(User, self.live.user_id)
        return self._user

    @property
    def record(self) -> UserSession:
        """The UserSession row, loaded into the request's session on first use."""
        if self._record is None:
            assert self.live is not None
            self._record = database.session().get_one(UserSession, self.live.record_id)
        return self._record

    @property
    def id(self) -> int:
        return self.live.user_id if self.live is not None else self.user.id

    @property
    def org_id(self) -> int:
        return self.live.org_id if self.live is not None else self.user.org_id

    @property
    def role(self) -> Role:
        return self.live.role if self.live is not None else self.user.role

    def get_id(self) -> str:
        """The session record's token: what the cookie carries (the server keeps only its hash)."""
        return self.token

    def __getattr__(self, name: str) -> Any:
        return getattr(self.user, name)


def _load_user(token: str) -> SignedInUser | None:
    """The user of the live session ``token`` names; ends it here if it ran out (the reason goes to ``g``).

    Most requests need no write (last seen moved on less than a minute ago): one plain query decides. The
    rest take the full check, which may end the record or move its last-seen time, and commits that.
    """
    live = user_sessions.peek(database.reader(), token, session_limits())
    if live is not None:
        return SignedInUser(None, None, token, live)
    dbs = database.session()
    record, ended = user_sessions.check(dbs, token, session_limits())
    if dbs.dirty:
        dbs.commit()  # an ended record, or last-seen moved on (at most once a minute)
    if ended is not None:
        g.session_ended = ended
    return SignedInUser(record.user, record, token) if record is not None else None


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
            owed = _setup_owed(current_user)
            if owed and request.endpoint not in SETUP_ENDPOINTS:
                return redirect(url_for(owed))
            if not can(current_user.role, capability):
                abort(403)
            return view(*args, **kwargs)

        wrapper.required_capability = capability  # type: ignore[attr-defined]
        return wrapper

    return decorator


def reauthentication_due(next_path: str | None = None) -> Response | None:
    """A redirect to the "confirm it is you" step unless this session re-authenticated moments ago.

    Views that change how someone signs in (a second factor, its recovery codes) call this, or use
    ``requires_recent_authentication``, after their capability and object checks.
    """
    if user_sessions.recently_authenticated(current_user.record, current_user.user):
        return None
    if next_path is None:
        next_path = request.full_path.rstrip("?") if request.method == "GET" else request.path
    flash("Confirm it is you before changing how you sign in.", "info")
    return redirect(url_for("account.reauthenticate", next=next_path))


def requires_recent_authentication(view: View) -> View:
    """Refuse ``view`` (placed under ``requires``) until the session re-authenticated within a few minutes."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return reauthentication_due() or view(*args, **kwargs)

    return wrapper


def _setup_owed(signed_in: SignedInUser) -> str | None:
    """The page a user must finish before anything else: a new password, then a second factor."""
    live = signed_in.live
    if live is None:
        user = signed_in.user
        must_change, needs_mfa, has_mfa = user.must_change_password, mfa_required(user), user.has_mfa
    else:
        must_change, has_mfa = live.must_change_password, live.has_mfa
        needs_mfa = mfa_required_for(live.role, live.org_requires_mfa)
    if must_change:
        return "account.change_password"
    if needs_mfa and not has_mfa:
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
    obj = model.get_for_org(database.session(), object_id, current_user.org_id)
    if obj is None:
        abort(404)
    return obj
