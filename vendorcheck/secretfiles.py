"""Writing secrets to the instance folder: owner-only, never overwritten by accident."""

from __future__ import annotations

import os
from pathlib import Path


def write_secret_file(path: Path, value: str) -> bool:
    """Write a secret readable by the owner only; False if the file exists (never overwritten)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return True


def replace_secret_file(path: Path, value: str) -> None:
    """Replace a secret atomically (a crash leaves the old file or the new one, never half of one)."""
    temporary = path.with_name(f".{path.name}.new")
    temporary.unlink(missing_ok=True)
    write_secret_file(temporary, value)
    os.replace(temporary, path)
