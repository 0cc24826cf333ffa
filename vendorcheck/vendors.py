"""Vendors: the one place a vendor is made, found, listed and updated; every change writes its audit event.

The command line (``vendorcheck vendors add``, every VENDOR argument), the demo and the web all come here,
so a vendor is checked the same way and its creation is audited under one action (``vendor.created``)
whoever makes it. No Flask. Messages are written to be shown as they are (the CLI prefixes its own
``vendorcheck: error:``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from vendorcheck import audit
from vendorcheck.audit import Actor, actions
from vendorcheck.models import PhiVolume, Vendor, VendorContact, VendorStatus

NAME_CHARS = 200
MAX_ID = 2**63 - 1  # the largest id the database holds (BIGINT; INTEGER on SQLite)

# The profile: what the practice buys from the vendor and how PHI reaches it (drives inherent risk).
PROFILE_FIELDS: dict[str, type] = {
    "website": str,
    "description": str,
    "services": list,
    "phi_volume": str,
    "stores_phi": bool,
    "processes_phi": bool,
    "transmits_phi": bool,
    "offshore": bool,
    "offshore_countries": str,
    "uses_subcontractors": bool,
    "subcontractors": str,
    "address": str,  # where the company is: corroborates public-list matches (vendorcheck.screening)
    "state": str,
}
# Text fields stored in bounded columns (models.Vendor); longer text would fail in the database, not here.
TEXT_LIMITS = {"website": 500, "offshore_countries": 300, "address": 300, "state": 2}
SERVICE_CHARS = 200
MAX_SERVICES = 50


class VendorError(ValueError):
    """A vendor that cannot be made, found or changed as asked; the message says why."""


def read_profile(data: object) -> dict[str, Any] | list[str]:
    """The vendor profile in ``data`` (a mapping of :data:`PROFILE_FIELDS`), or the list of its problems.

    The profile returned is ready for :func:`create` and :func:`update` (``phi_volume`` as a
    :class:`PhiVolume`, text stripped); a field left out keeps the model's default.
    """
    if not isinstance(data, Mapping):
        return ["expected a JSON object of profile fields"]
    problems: list[str] = []
    profile: dict[str, Any] = {}
    for key, value in data.items():
        if key not in PROFILE_FIELDS:
            problems.append(f"unknown field {key!r}; known: {', '.join(PROFILE_FIELDS)}")
            continue
        kind = PROFILE_FIELDS[key]
        if not isinstance(value, kind):
            problems.append(f"{key} must be a {kind.__name__}")
            continue
        if key == "phi_volume":
            try:
                value = PhiVolume(value)
            except ValueError:
                problems.append(f"phi_volume must be one of {', '.join(p.value for p in PhiVolume)}")
                continue
        elif key == "services":
            if len(value) > MAX_SERVICES or not all(isinstance(s, str) and len(s) <= SERVICE_CHARS for s in value):
                problems.append(
                    f"services must be a list of at most {MAX_SERVICES} texts of {SERVICE_CHARS} characters"
                )
                continue
            value = [s.strip() for s in value if s.strip()]
        elif kind is str:
            value = value.strip() or None
            limit = TEXT_LIMITS.get(key)
            if value is not None and limit is not None and len(value) > limit:
                problems.append(f"{key} must be at most {limit} characters")
                continue
            if key == "state" and value is not None:
                if not (value.isascii() and value.isalpha() and len(value) == 2):
                    problems.append("state must be a two-letter USPS code such as OH")
                    continue
                value = value.upper()
        profile[key] = value
    return problems or profile


def _checked_name(name: str) -> str:
    cleaned = (name or "").strip()
    if not cleaned or len(cleaned) > NAME_CHARS:
        raise VendorError(f"give the vendor a name of 1 to {NAME_CHARS} characters")
    return cleaned


def _checked_profile(profile: Mapping[str, Any] | None) -> dict[str, Any]:
    found = read_profile(profile or {})
    if isinstance(found, list):
        raise VendorError("; ".join(found))
    return found


def _name_taken(session: Session, org_id: int, name: str, other_than: int | None = None) -> bool:
    query = select(Vendor.id).where(Vendor.org_id == org_id, Vendor.name == name)
    if other_than is not None:
        query = query.where(Vendor.id != other_than)
    return session.scalar(query) is not None


def create(
    session: Session,
    actor: Actor,
    org_id: int,
    name: str,
    profile: Mapping[str, Any] | None = None,
    *,
    status: VendorStatus = VendorStatus.PROSPECT,
) -> Vendor:
    """A new vendor of organization ``org_id`` (audited as ``vendor.created``); VendorError if it cannot be.

    ``profile`` is checked again here (see :func:`read_profile`), so no caller can store an unchecked one.
    """
    cleaned = _checked_name(name)
    values = _checked_profile(profile)
    if status in (VendorStatus.OFFBOARDING, VendorStatus.ENDED):
        raise VendorError("status: a new vendor cannot start offboarding or ended")
    if _name_taken(session, org_id, cleaned):
        raise VendorError(f"there is already a vendor named {cleaned!r}")
    vendor = Vendor(org_id=org_id, name=cleaned, status=status, **values)
    session.add(vendor)
    session.flush()
    audit.record(
        session,
        actions.VENDOR_CREATED,
        actor,
        org_id=vendor.org_id,
        vendor_id=vendor.id,
        target_type="vendor",
        target_id=vendor.id,
        details={"name": vendor.name},
    )
    return vendor


def find(session: Session, org_id: int | None, ref: str) -> Vendor:
    """The vendor ``ref`` names: its id or its exact name (VENDOR in the CLI contract); VendorError if none or several.

    ``org_id`` None looks in every organization (the instance's operator, on the command line).
    """
    query = select(Vendor)
    if org_id is not None:
        query = query.where(Vendor.org_id == org_id)
    if ref.isascii() and ref.isdigit() and len(ref) <= 19:  # isdigit alone takes "²", which int() refuses
        number = int(ref)
        found = list(session.scalars(query.where(Vendor.id == number))) if number <= MAX_ID else []
    else:
        found = list(session.scalars(query.where(Vendor.name == ref).order_by(Vendor.id)))
    if not found:
        raise VendorError(f"no vendor {ref!r}: see `vendorcheck vendors list`")
    if len(found) > 1:
        ids = ", ".join(str(v.id) for v in found)
        raise VendorError(f"several vendors are named {ref!r} (ids {ids}); give the id instead")
    return found[0]


def list_for(session: Session, org_id: int | None, *, order: Literal["name", "added"] = "name") -> list[Vendor]:
    """The vendors of organization ``org_id`` (None: of every organization), by name or in the order added.

    Their assessments and documents are loaded with them, since every list shows them.
    """
    query = select(Vendor).options(selectinload(Vendor.assessments), selectinload(Vendor.evidence))
    if org_id is not None:
        query = query.where(Vendor.org_id == org_id)
    query = query.order_by(Vendor.name, Vendor.id) if order == "name" else query.order_by(Vendor.id)
    return list(session.scalars(query))


def update(session: Session, actor: Actor, vendor: Vendor, changes: Mapping[str, Any]) -> list[str]:
    """Change the vendor's name, status or profile fields; returns the fields changed (audited as ``vendor.updated``).

    VendorError (and nothing changed) if any change is not valid. Setting a field to the value it has is no change.
    """
    changes = dict(changes)
    wanted: dict[str, Any] = {}
    if "name" in changes:
        wanted["name"] = _checked_name(changes.pop("name"))
        if _name_taken(session, vendor.org_id, wanted["name"], other_than=vendor.id):
            raise VendorError(f"there is already a vendor named {wanted['name']!r}")
    if "status" in changes:
        try:
            wanted["status"] = VendorStatus(changes.pop("status"))
        except ValueError:
            raise VendorError(f"status must be one of {', '.join(s.value for s in VendorStatus)}") from None
        # Offboarding and ended follow the offboarding checklist (vendorcheck.contracts.offboarding), not an edit.
        lifecycle = (VendorStatus.OFFBOARDING, VendorStatus.ENDED)
        if wanted["status"] != vendor.status and (wanted["status"] in lifecycle or vendor.status in lifecycle):
            raise VendorError(
                "status: a vendor becomes offboarding and then ended through its offboarding checklist"
                " ('End this vendor' on its page), not by an edit"
            )
    wanted.update(_checked_profile(changes))
    changed = {key: value for key, value in wanted.items() if getattr(vendor, key) != value}
    if not changed:
        return []
    before = {key: getattr(vendor, key) for key in changed}
    for key, value in changed.items():
        setattr(vendor, key, value)
    session.flush()
    audit.record(
        session,
        actions.VENDOR_UPDATED,
        actor,
        org_id=vendor.org_id,
        vendor_id=vendor.id,
        target_type="vendor",
        target_id=vendor.id,
        details={"changes": {key: {"from": before[key], "to": changed[key]} for key in changed}},
    )
    return list(changed)


def primary_contact(vendor: Vendor) -> VendorContact | None:
    """The contact questionnaires go to: the one marked primary, else the first; None if the vendor has none."""
    return next((c for c in vendor.contacts if c.is_primary), vendor.contacts[0] if vendor.contacts else None)
