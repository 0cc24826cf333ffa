"""Assessments: pinned questionnaires sent to a vendor through a link, answered, submitted and reviewed.

The service the web (assessor pages and the vendor portal), the CLI and the demo share; no Flask here.
Every change writes an audit event in the same transaction, so an assessment's timeline is its audit events.

* ``lifecycle``: statuses, :class:`AssessmentError`, create, cancel, timeline (and the life-cycle diagram)
* ``versions``: questionnaire versions pinned by content hash
* ``sheet``: the :class:`AnswerSheet` (questions, answers, filed documents, what shows, who may change what, what
  changed since the last cycle)
* ``links``: vendor links: issue, revoke, open, :class:`VendorLink`
* ``answering``: save entries (hidden questions and crossing edits refused), confirm carried-over answers, submit,
  documents filed under a question
* ``review``: accept / clarify / override, send back, complete
* ``spreadsheet``, ``answers_json``: answers out and back in as XLSX or JSON (imported by those who need them)
"""

from vendorcheck.assessments.answering import (
    HIDDEN,
    MAX_COMMENT,
    Entry,
    SaveResult,
    Seen,
    check_document_slot,
    confirm_section,
    save,
    slot_document,
    started,
    submit,
)
from vendorcheck.assessments.lifecycle import (
    FINISHED,
    OPEN_FOR_VENDOR,
    REVIEWABLE,
    AssessmentError,
    cancel,
    create,
    timeline,
)
from vendorcheck.assessments.links import (
    LINK_LIFETIME,
    MAX_LINK_DAYS,
    LinkError,
    VendorLink,
    issue_link,
    open_link,
    revoke_link,
    token_hash,
    vendor_actor,
)
from vendorcheck.assessments.review import (
    REVIEW_ACTIONS,
    accept_routine,
    attention,
    complete,
    review,
    review_counts,
    send_back,
    waiting_for_a_look,
)
from vendorcheck.assessments.sheet import AnswerSheet, effective_value, effective_value_sql, sheet_of
from vendorcheck.assessments.versions import pin, pinned

__all__ = [
    "FINISHED",
    "HIDDEN",
    "LINK_LIFETIME",
    "MAX_COMMENT",
    "MAX_LINK_DAYS",
    "OPEN_FOR_VENDOR",
    "REVIEWABLE",
    "REVIEW_ACTIONS",
    "AnswerSheet",
    "AssessmentError",
    "Entry",
    "LinkError",
    "SaveResult",
    "Seen",
    "VendorLink",
    "accept_routine",
    "attention",
    "cancel",
    "check_document_slot",
    "complete",
    "confirm_section",
    "create",
    "effective_value",
    "effective_value_sql",
    "issue_link",
    "open_link",
    "pin",
    "pinned",
    "review",
    "review_counts",
    "revoke_link",
    "save",
    "send_back",
    "sheet_of",
    "slot_document",
    "started",
    "submit",
    "timeline",
    "token_hash",
    "vendor_actor",
    "waiting_for_a_look",
]
