"""Accounts: the service the CLI, the demo and the web share for organizations, people, links and factors.

``users`` (organizations, users, roles, sign-in, passwords), ``links`` (invitations, password resets) and
``factors`` (the second factor and re-authentication). Every change writes its audit event in the caller's
transaction. No Flask.
"""

from vendorcheck.accounts.factors import (
    MFA_ROLES,
    confirm_mfa_enrollment,
    mfa_required,
    reauthenticate,
    reset_mfa,
    set_org_mfa_required,
    verify_second_factor,
)
from vendorcheck.accounts.links import (
    INVITATION_LIFETIME,
    RESET_LIFETIME,
    accept_invitation,
    find_link,
    invite,
    issue_password_reset,
    pending_invitations,
    reset_password,
    revoke_invitation,
)
from vendorcheck.accounts.users import (
    AccountError,
    all_users,
    authenticate,
    change_password,
    create_user,
    deactivate,
    find_user,
    get_or_create_organization,
    normalize_email,
    org_users,
    reactivate,
    record_sign_in,
    set_role,
    sign_out_everywhere,
)

__all__ = [
    "INVITATION_LIFETIME",
    "MFA_ROLES",
    "RESET_LIFETIME",
    "AccountError",
    "accept_invitation",
    "all_users",
    "authenticate",
    "change_password",
    "confirm_mfa_enrollment",
    "create_user",
    "deactivate",
    "find_link",
    "find_user",
    "get_or_create_organization",
    "invite",
    "issue_password_reset",
    "mfa_required",
    "normalize_email",
    "org_users",
    "pending_invitations",
    "reactivate",
    "reauthenticate",
    "record_sign_in",
    "reset_mfa",
    "reset_password",
    "revoke_invitation",
    "set_org_mfa_required",
    "set_role",
    "sign_out_everywhere",
    "verify_second_factor",
]
