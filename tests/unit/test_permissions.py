"""Capabilities by role, as the README's roles table states them."""

import pytest

from vendorcheck.models import Role
from vendorcheck.permissions import Capability, can

CHANGES = [
    Capability.VENDOR_EDIT,
    Capability.ASSESSMENT_SEND,
    Capability.ANSWER_REVIEW,
    Capability.EVIDENCE_REVIEW,
    Capability.USER_MANAGE,
    Capability.PROFILE_EDIT,
    Capability.KEYS_MANAGE,
]


@pytest.mark.parametrize("capability", CHANGES)
def test_auditors_and_practice_owners_change_nothing_in_assessments(capability: Capability) -> None:
    assert not can(Role.AUDITOR, capability)
    assert not can(Role.VIEWER, capability)


def test_admin_holds_every_capability() -> None:
    assert all(can(Role.ADMIN, c) for c in Capability)


def test_only_auditors_and_admins_export_packets_and_read_the_audit_trail() -> None:
    holders = {r for r in Role if can(r, Capability.PACKET_EXPORT) and can(r, Capability.AUDIT_READ)}
    assert holders == {Role.ADMIN, Role.AUDITOR}


def test_every_role_reads_vendors_and_manages_its_own_password() -> None:
    assert all(can(r, Capability.VENDOR_READ) and can(r, Capability.ACCOUNT_SELF) for r in Role)


def test_the_practice_owner_reads_plain_words_and_the_others_see_the_scoring_details() -> None:
    """Question ids, weights and the scoring profile are for the people who review and audit, not the owner."""
    assert {r for r in Role if can(r, Capability.SCORE_DETAILS)} == {Role.ADMIN, Role.ASSESSOR, Role.AUDITOR}
