"""Writing an exported packet to a file: the CLI's ``packet export --out``. No Flask, no database.

Decrypting and zipping run in this thread, the disk is written by a second one, so the export takes about as
long as the slower of the two rather than their sum. The file appears only when complete.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from vendorcheck import signing

if TYPE_CHECKING:
    from vendorcheck.packets.export import Export

WRITE_AHEAD = 8  # pieces (about a megabyte each) waiting for the disk while the next ones are decrypted


def write_file(export: Export, signer: signing.Signer, out: Path, progress: Callable[[int], None] | None = None) -> int:
    """Write the packet to ``out``; it appears only when complete, readable by its owner only. Returns its size.

    The disk is written by a second thread while this one decrypts and zips the next pieces, so the export
    takes about as long as the slower of the two rather than their sum; memory stays at ``WRITE_AHEAD``
    pieces. Any failure (a document that does not decrypt, a full disk) removes the partial file; a document
    that does not decrypt is also recorded in the audit trail, by :meth:`Export.stream`.
    """
    partial = out.with_name(out.name + ".partial")
    pending: queue.Queue[bytes | None] = queue.Queue(maxsize=WRITE_AHEAD)
    failed: list[BaseException] = []
    written = 0
    # The packet holds decrypted evidence: owner-only, like the instance's own files.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)

    def drain() -> None:
        with os.fdopen(descriptor, "wb") as sink:
            while (piece := pending.get()) is not None:
                if not failed:
                    try:
                        sink.write(piece)
                    except BaseException as exc:  # handed to the main thread below
                        failed.append(exc)

    writer = threading.Thread(target=drain, name="packet-writer")
    writer.start()
    try:
        try:
            for piece in export.stream(signer, progress):
                if failed:
                    break
                pending.put(piece)
                written += len(piece)
        finally:
            pending.put(None)
            writer.join()
        if failed:
            raise failed[0]
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written
