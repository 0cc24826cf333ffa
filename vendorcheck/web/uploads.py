"""Streaming multipart uploads: the file's bytes go straight into a sink (the vault's encryptor) as they arrive.

:class:`Receiver` and :func:`receive` take an evidence upload through that stream into the vault; the
evidence pages and the vendor portal both use them.

Werkzeug's own form parser spools large files to a temporary file, which would put evidence plaintext on
disk. Views that take evidence are exempt from the global CSRF hook (it would parse the body first) and use
``stream_form`` instead: the text fields come first (the form puts the file input last), so when the file
part begins the view has validated the fields, CSRF token included, and created the rows the encryption
context names. The only plaintext held is one network read (64 KiB) and the encryptor's one chunk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from flask import current_app, request
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from vendorcheck import evidence as service
from vendorcheck.audit import Actor
from vendorcheck.evidence import EvidenceDetails, EvidenceError, Upload, Vault
from vendorcheck.models import Evidence, EvidenceVersion, Vendor
from vendorcheck.vault.chunked import VaultError
from vendorcheck.vault.filetypes import ACCEPTED, ACCEPTED_TEXT
from vendorcheck.web import database
from vendorcheck.web.access import current_actor

READ_SIZE = 1024 * 1024
MAX_FIELD_BYTES = 64 * 1024
MAX_PARTS = 30
FORM_OVERHEAD = 1024 * 1024  # room for the text fields and multipart framing beside the file
ACCEPT_ATTRIBUTE = ",".join(sorted({f".{t.extension}" for t in ACCEPTED} | {t.media_type for t in ACCEPTED}))


class FileSink(Protocol):
    """Where a file part's bytes go; ``write`` may raise to refuse the file (the rest is then discarded)."""

    def write(self, data: bytes, /) -> object:
        """Take the next bytes of the file."""


class FormRefused(Exception):
    """The form cannot be processed as sent; the message is for the user."""


@dataclass
class StreamedForm:
    """The text fields, whether a file part came, and the first error (the rest of the body was drained)."""

    fields: MultiDict[str, str]
    file_seen: bool
    error: Exception | None


def stream_form(on_file: Callable[[MultiDict[str, str], str | None], FileSink], max_file_size: int) -> StreamedForm:
    """Parse the request body, calling ``on_file(fields_so_far, filename)`` when the (single) file part begins.

    ``on_file`` and the sink's ``write`` may raise; the error is kept, the rest of the body is read and
    discarded (so the browser gets the re-rendered form, not a reset connection) and parsing continues.
    A body declared far beyond the limit is refused at once with 413.
    """
    boundary = request.mimetype_params.get("boundary", "")
    if request.mimetype != "multipart/form-data" or not boundary:
        raise FormRefused("The form was not sent as a file upload. Reload the page and try again.")
    limit = max_file_size + FORM_OVERHEAD
    if request.content_length is not None and request.content_length > 4 * limit:
        raise RequestEntityTooLarge()
    request.max_content_length = 4 * limit  # Flask's default form limit would refuse any real document
    # The decoder's memory limit bounds its buffer (one read plus a boundary's worth); fields are capped below.
    decoder = MultipartDecoder(boundary.encode("latin-1"), 4 * READ_SIZE, max_parts=MAX_PARTS)
    fields: MultiDict[str, str] = MultiDict()
    result = StreamedForm(fields, False, None)
    part: Field | File | None = None
    buffer: list[bytes] = []
    sink: FileSink | None = None
    stream = request.stream
    try:
        while True:
            data = stream.read(READ_SIZE)
            decoder.receive_data(data or None)
            event = decoder.next_event()
            while not isinstance(event, Epilogue | NeedData):
                if isinstance(event, Field):
                    part, buffer = event, []
                elif isinstance(event, File):
                    part = event
                    if result.file_seen:
                        result.error = result.error or FormRefused("Upload one file at a time.")
                        sink = None
                    else:
                        result.file_seen = True
                        try:
                            sink = on_file(fields, event.filename)
                        except Exception as exc:
                            result.error, sink = exc, None
                elif isinstance(event, Data):
                    if isinstance(part, Field):
                        buffer.append(event.data)
                        if sum(map(len, buffer)) > MAX_FIELD_BYTES:
                            result.error = result.error or FormRefused("A field of the form is far too long.")
                            part, buffer = None, []
                        elif not event.more_data:
                            fields.add(part.name, b"".join(buffer).decode("utf-8", "replace"))
                    elif isinstance(part, File) and sink is not None:
                        try:
                            sink.write(event.data)
                        except Exception as exc:
                            result.error, sink = exc, None
                event = decoder.next_event()
            if not data:
                break
    except ValueError:  # malformed multipart framing
        result.error = result.error or FormRefused("The upload arrived damaged or incomplete. Please try again.")
    return result


# Evidence uploads: what the evidence pages and the vendor portal share.

DetailsOf = Callable[[FlaskForm], "EvidenceDetails | None"]


def _vault() -> Vault:
    return current_app.extensions["vendorcheck.vault"]


def max_upload() -> int:
    """The largest evidence file accepted, in bytes (``max_upload_mib``)."""
    return current_app.config["VENDORCHECK_SETTINGS"].max_upload_mib * 1024 * 1024


def upload_context() -> dict[str, object]:
    """Template data for a file input: accepted types (attribute and words) and the size limit."""
    return {"accept": ACCEPT_ATTRIBUTE, "accepted_text": ACCEPTED_TEXT, "max_mib": max_upload() // (1024 * 1024)}


def _new_version(form: FlaskForm) -> EvidenceDetails | None:
    return None


class Receiver:
    """Starts the upload when the file part begins (fields validated, rows created) and feeds it.

    ``details_of`` turns the validated form into what the document is (a new item), or None for a new
    version of ``evidence``; ``actor`` is who uploads (the signed-in user unless given: a vendor link).
    """

    def __init__(
        self,
        vendor: Vendor,
        make_form: Callable[..., FlaskForm],
        evidence: Evidence | None = None,
        *,
        details_of: DetailsOf = _new_version,
        actor: Actor | None = None,
    ) -> None:
        self.vendor, self.make_form, self.evidence = vendor, make_form, evidence
        self.details_of, self.actor = details_of, actor or current_actor()
        self.form: FlaskForm | None = None
        self.upload: Upload | None = None
        self.version_id: int | None = None
        self.renamed_from: str | None = None  # the uploader's name, when the stored one got the right extension

    def __call__(self, fields: MultiDict[str, str], filename: str | None) -> Upload:
        self.form = self.make_form(formdata=fields)
        if not self.form.validate():
            if "csrf_token" in self.form.errors:
                raise FormRefused("The form expired or was sent from elsewhere. Reload the page and try again.")
            raise FormRefused("Correct the fields marked above, then choose the file again.")
        if not filename:
            raise FormRefused("Choose the document to upload.")
        details = self.details_of(self.form)
        session = database.session()
        version = service.start_upload(
            session, self.actor, self.vendor, filename, details=details, evidence=self.evidence
        )
        session.commit()  # the ids exist before any byte is encrypted under them
        self.version_id = version.id
        self.upload = Upload(_vault(), version, max_upload())
        return self.upload

    def complete(self, streamed: StreamedForm) -> EvidenceVersion:
        """Finish the upload, or abandon it and raise the error to show on the form."""
        session = database.session()
        try:
            if streamed.error is not None:
                raise streamed.error
            if not streamed.file_seen or self.upload is None:
                self.form = self.form or self.make_form(formdata=streamed.fields)
                self.form.validate()
                raise FormRefused("Choose the document to upload.")
            sealed, file_type = self.upload.finish()
            # Read afresh and lock: a sweep skips a locked row, and one that already went is said plainly.
            version = session.get(EvidenceVersion, self.version_id, populate_existing=True, with_for_update=True)
            if version is None:  # only an upload running for longer than the sweep's grace period can lose it
                raise FormRefused("The upload took too long and was discarded. Please try again.")
            self.renamed_from = service.finish_upload(session, self.actor, version, sealed, file_type)
            session.commit()
            return version
        except BaseException as exc:
            session.rollback()
            if self.upload is not None:
                self.upload.abort()
            if self.version_id is not None:
                service.abandon_upload(session, _vault(), self.version_id, self.actor, str(exc))
                session.commit()
            raise


def receive(receiver: Receiver) -> tuple[EvidenceVersion | None, str | None]:
    """(version, None) on success, or (None, message for the form)."""
    try:
        streamed = stream_form(receiver, max_upload())
    except FormRefused as exc:
        return None, str(exc)
    try:
        return receiver.complete(streamed), None
    except (FormRefused, EvidenceError, VaultError) as exc:
        return None, str(exc)
