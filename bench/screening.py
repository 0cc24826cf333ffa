"""Import a generated 100,000-row OIG LEIE file and print rows/s and the process's peak RSS.

Run as ``./scripts/bench screening [--rows N]``. Memory stays flat: the file is read a line at a time and rows
are inserted in batches; peak RSS is compared with the interpreter's before the import.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from vendorcheck import db, screening
from vendorcheck.audit import Actor
from vendorcheck.demo.lists import csv_bytes
from vendorcheck.screening.formats import LEIE_COLUMNS


def _rows(count: int):
    for n in range(count):
        if n % 5 == 0:
            business = f"SAMPLE BILLING {n}, LLC"  # a quoted comma, as real business names have
            yield ["", "", "", business, "OTHER BUSINESS", "BILLING", "", "0000000000", "", f"{n} MAIN ST",
                   "COLUMBUS", "OH", "43215", "1128b7", "20240115", "00000000", "00000000", ""]  # fmt: skip
        else:
            yield [f"LAST{n}", f"FIRST{n}", "", "", "IND- LIC HC SERV PRO", "NURSE", "", "0000000000",
                   "19700102", f"{n} ELM ST", "DALLAS", "TX", "75201", "1128a1", "20230410", "00000000",
                   "00000000", ""]  # fmt: skip


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Write the file, import it into a fresh SQLite database, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "UPDATED.csv"
        with path.open("wb") as out:  # written in pieces, so the file never sits in this process's memory
            out.write(csv_bytes(LEIE_COLUMNS, []))
            batch = []
            for row in _rows(args.rows):
                batch.append(row)
                if len(batch) == 5000:
                    out.write(csv_bytes(LEIE_COLUMNS, batch).split(b"\r\n", 1)[1])
                    batch = []
            if batch:
                out.write(csv_bytes(LEIE_COLUMNS, batch).split(b"\r\n", 1)[1])
        engine = db.make_engine(f"sqlite:///{folder}/bench.db")
        db.upgrade(engine)
        before = _peak_mib()
        started = time.perf_counter()
        with db.transaction(engine) as session, path.open("rb") as stream:
            imported = screening.import_list(session, Actor.cli("bench"), "leie", stream, path.name)
            rows = imported.version.row_count
        elapsed = time.perf_counter() - started
        size = path.stat().st_size / (1024 * 1024)
        print(f"LEIE import: {rows:,} rows ({size:.1f} MiB) in {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s")
        print(f"peak RSS {_peak_mib():.1f} MiB (before the import {before:.1f} MiB)")
        engine.dispose()


if __name__ == "__main__":
    main()
