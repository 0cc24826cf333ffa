"""``vendorcheck evidence verify``: decrypt and re-hash stored evidence, naming what fails. No Flask.

Nothing is written, not even an audit event: verifying is a read-only check an operator may run at any
time (a download's integrity failure, by contrast, is recorded by ``reads.record_failure``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck.evidence.reads import verify_version
from vendorcheck.evidence.vault import Vault
from vendorcheck.models import EvidenceVersion
from vendorcheck.vault.chunked import VaultError


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of checking one stored version."""

    version_id: int
    org_id: int
    vendor_name: str
    title: str
    version_no: int
    error: str | None

    @property
    def label(self) -> str:
        """How the item is named in reports."""
        return f"evidence {self.version_id} ({self.vendor_name}: {self.title}, version {self.version_no})"


def versions_to_verify(session: Session, everything: bool) -> list[EvidenceVersion]:
    """Complete versions to check: every one, or only the newest of each evidence item."""
    versions = session.scalars(
        select(EvidenceVersion).where(EvidenceVersion.complete.is_(True)).order_by(EvidenceVersion.id)
    ).all()
    if everything:
        return list(versions)
    newest: dict[int, EvidenceVersion] = {}
    for version in versions:
        if version.evidence_id not in newest or version.version_no > newest[version.evidence_id].version_no:
            newest[version.evidence_id] = version
    return sorted(newest.values(), key=lambda v: v.id)


def verify_stored(vault: Vault, versions: list[EvidenceVersion]) -> Iterator[VerifyResult]:
    """Check each version; yields one result per version, errors included (nothing is written)."""
    for version in versions:
        evidence = version.evidence
        try:
            verify_version(vault, version)
            error = None
        except VaultError as exc:
            error = str(exc)
        yield VerifyResult(version.id, evidence.org_id, evidence.vendor.name, evidence.title, version.version_no, error)
