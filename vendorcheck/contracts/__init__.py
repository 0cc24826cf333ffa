"""The contract register and offboarding (no Flask): agreements with a vendor and the clause checklist they are
checked against (``clauses.yaml``, :mod:`.clauses`, pure), the register's dates (:mod:`.agreements`), what the
register tells the score (:mod:`.records`), and ending a vendor (:mod:`.offboarding`). See docs/contracts.md.
"""

from vendorcheck.contracts.agreements import (
    KIND_WORDS,
    AgreementInput,
    ContractError,
    RegisterRow,
    add,
    agreement_json,
    agreements_of,
    checklist,
    in_force,
    missing_required,
    notice_by,
    register,
    register_json,
    row_of,
    term_end,
    update,
)
from vendorcheck.contracts.clauses import Catalogue, CatalogueError, Clause, catalogue, load_catalogue
from vendorcheck.contracts.offboarding import STEPS, complete_step, of_vendor, offboarding_json, start
from vendorcheck.contracts.records import contract_records

__all__ = [
    "KIND_WORDS",
    "STEPS",
    "AgreementInput",
    "Catalogue",
    "CatalogueError",
    "Clause",
    "ContractError",
    "RegisterRow",
    "add",
    "agreement_json",
    "agreements_of",
    "catalogue",
    "checklist",
    "complete_step",
    "contract_records",
    "in_force",
    "load_catalogue",
    "missing_required",
    "notice_by",
    "of_vendor",
    "offboarding_json",
    "register",
    "register_json",
    "row_of",
    "start",
    "term_end",
    "update",
]
