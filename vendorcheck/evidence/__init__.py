"""Evidence: documents that prove a vendor's answers, stored encrypted, reviewed, verified. No Flask.

The service over the pure ``vendorcheck.vault`` package; every change writes its audit event here, in
the transaction that makes it, so the web views and the CLI stay a few lines over it.

* ``vault``: ``Vault``, the instance's key ring and blob store (``Vault.for_home``; ``local_store``
  chooses the store), and how a stored version maps onto them (``context_of``, ``sealed_of``).
* ``documents``: what the modules share: ``EvidenceError``, ``latest_version``, the audit event.
* ``uploads``: start, stream, finish or abandon an upload; a file is named by its detected type.
* ``reads``: open and check a stored version, audit each read and integrity failure; served name and type.
* ``reviews``: accept a document, or reject it with a reason.
* ``verify``: ``vendorcheck evidence verify``, decrypt and re-hash stored evidence, writing nothing.
* ``keys``: key ring status, rotation, rewrapping data keys, retiring old key versions.
* ``housekeeping``: ``sweep`` of what interrupted uploads left, and the thread that runs it in the app.
"""

from vendorcheck.evidence import keys
from vendorcheck.evidence.documents import EvidenceError, latest_version
from vendorcheck.evidence.housekeeping import SWEEP_GRACE, HousekeepingScheduler, sweep
from vendorcheck.evidence.keys import count_by_key_version, rewrap_batch
from vendorcheck.evidence.reads import (
    open_version,
    record_failure,
    record_read,
    served_name,
    served_type,
    verify_version,
)
from vendorcheck.evidence.reviews import review
from vendorcheck.evidence.uploads import (
    DEFAULT_MAX_UPLOAD,
    EvidenceDetails,
    Upload,
    abandon_upload,
    finish_upload,
    renamed_note,
    sanitize_filename,
    start_upload,
    store_bytes,
)
from vendorcheck.evidence.vault import BLOB_FOLDER, Vault, context_of, local_store, sealed_of
from vendorcheck.evidence.verify import VerifyResult, verify_stored, versions_to_verify

__all__ = [
    "BLOB_FOLDER",
    "DEFAULT_MAX_UPLOAD",
    "SWEEP_GRACE",
    "EvidenceDetails",
    "EvidenceError",
    "HousekeepingScheduler",
    "Upload",
    "Vault",
    "VerifyResult",
    "abandon_upload",
    "context_of",
    "count_by_key_version",
    "finish_upload",
    "keys",
    "latest_version",
    "local_store",
    "open_version",
    "record_failure",
    "record_read",
    "renamed_note",
    "review",
    "rewrap_batch",
    "sanitize_filename",
    "sealed_of",
    "served_name",
    "served_type",
    "start_upload",
    "store_bytes",
    "sweep",
    "verify_stored",
    "verify_version",
    "versions_to_verify",
]
