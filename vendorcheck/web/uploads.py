"""Streaming multipart uploads: the file's bytes go straight into a sink (the vault's encryptor) as they arrive.

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

from flask import request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

READ_SIZE = 1024 * 1024
MAX_FIELD_BYTES = 64 * 1024
MAX_PARTS = 30
FORM_OVERHEAD = 1024 * 1024  # room for the text fields and multipart framing beside the file


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
