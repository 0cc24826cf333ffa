"""The contract register as the engine sees it: the vendor's BAAs and the required clauses they lack. Pure.

:mod:`vendorcheck.contracts` keeps the agreements and the officer's clause checks; what the engine needs of them
reaches it as :class:`ContractRecord` (plain data, no database), like the public record (:mod:`.track`):

* every required clause (164.504(e)(2), 164.314(a)) missing from a BAA in force is a **high** finding in the
  contracts domain, whatever the vendor's stage: a signed agreement that lacks it does not meet the rule;
* a selected vendor that handles PHI with no BAA in force is a **high** finding (164.308(b)(1): the practice
  may not let it handle PHI without one); a shortlisted one gets the same finding at **medium**, listed but not
  rated (signing comes with selection: it is the next thing to do, not yet a gap in the vendor).

An empty record (:data:`NO_CONTRACTS`) adds nothing, so no score without a contract record changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from vendorcheck.scoring.findings import HIGH, MEDIUM, Finding
from vendorcheck.scoring.impact import VendorProfile

NO_BAA_CONTROLS = ("HIPAA 164.308(b)(1)", "HIPAA 164.502(e)", "HIPAA 164.504(e)")
ASK_CLAUSE = "Ask the vendor to sign an amendment that adds it, or record the section that says it on the checklist."
ASK_NO_BAA = "Have the vendor sign the BAA before it handles any patient information, then record it in the register."


@dataclass(frozen=True)
class MissingClause:
    """A required clause the officer has not found in the agreement."""

    clause_id: str
    title: str
    text: str
    citations: tuple[str, ...]


@dataclass(frozen=True)
class BaaOnRecord:
    """A BAA in force in the register, with the required clauses it lacks."""

    title: str
    effective_on: str  # ISO date, for the words
    missing: tuple[MissingClause, ...] = ()


@dataclass(frozen=True)
class ContractRecord:
    """What the register says of a vendor: its stage, and its BAAs in force."""

    stage: str = ""  # the vendor's status: "selected", "shortlisted"... ("" = no record)
    baas: tuple[BaaOnRecord, ...] = ()


NO_CONTRACTS = ContractRecord()


def contract_findings(record: ContractRecord, vendor: VendorProfile) -> list[Finding]:
    """The findings the register makes: each required clause missing from a BAA in force; no BAA where one is due."""
    found = []
    for baa in record.baas:
        for clause in baa.missing:
            found.append(
                Finding(
                    f"contract:{clause.clause_id}", f"The BAA does not say: {clause.title.lower()}.", "contracts",
                    HIGH, "Not found in the signed agreement",
                    f"'{baa.title}' (effective {baa.effective_on}) has no confirmed clause saying that "
                    f"{clause.text[0].lower()}{clause.text[1:]}",
                    ASK_CLAUSE, clause.citations, 0.0, True,
                )
            )  # fmt: skip
    handles_phi = vendor.stores or vendor.processes or vendor.transmits
    if not record.baas and handles_phi and record.stage in ("selected", "shortlisted"):
        selected = record.stage == "selected"
        why = (
            "The vendor handles patient information and no business associate agreement in force is on record."
            if selected
            else "The vendor will handle patient information; no business associate agreement is on record yet."
        )
        found.append(
            Finding(
                "contract:no_baa", "No signed business associate agreement on record.", "contracts",
                HIGH if selected else MEDIUM, "None in the contract register", why, ASK_NO_BAA, NO_BAA_CONTROLS,
                0.0, selected,
            )
        )  # fmt: skip
    return sorted(found, key=lambda f: (-f.level, f.question_id))
