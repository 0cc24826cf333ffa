"""The clause catalogue of the contract register: cited YAML data, validated at load. Pure (no Flask, no database).

``clauses.yaml`` beside this module lists the elements a business associate agreement must contain (45 CFR
164.504(e)(2), 164.314(a): ``required: true``) and the practice's own recommended terms (``required: false``).
:func:`load_catalogue` checks every entry and raises :class:`CatalogueError` naming the file, the clause and the
field of each problem, so a bad edit stops the app at start rather than showing a wrong checklist.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from vendorcheck.enums import AgreementKind

CATALOGUE_FILE = Path(__file__).with_name("clauses.yaml")
FORMAT = "vendorcheck-clauses/1"
CLAUSE_ID = re.compile(r"^[a-z][a-z0-9_]{1,59}$")
FIELDS = {"id", "title", "text", "required", "applies_to", "citations"}


class CatalogueError(ValueError):
    """The catalogue file is not valid; the message lists every problem, one per line."""


@dataclass(frozen=True)
class Clause:
    """One clause of the checklist, with the rule it traces to."""

    id: str
    title: str
    text: str
    required: bool
    applies_to: tuple[AgreementKind, ...]
    citations: tuple[str, ...]

    def applies(self, kind: AgreementKind) -> bool:
        """True if agreements of ``kind`` show this clause on their checklist."""
        return kind in self.applies_to


@dataclass(frozen=True)
class Catalogue:
    """Every clause in file order, with the catalogue's version."""

    version: int
    clauses: tuple[Clause, ...]

    @functools.cached_property
    def by_id(self) -> dict[str, Clause]:
        """The clauses by id."""
        return {clause.id: clause for clause in self.clauses}

    def for_kind(self, kind: AgreementKind) -> list[Clause]:
        """The checklist of an agreement of ``kind``: required clauses first, in file order."""
        return sorted((c for c in self.clauses if c.applies(kind)), key=lambda c: not c.required)

    def missing_required(self, kind: AgreementKind, confirmed: Iterable[str]) -> list[Clause]:
        """The required clauses of ``kind`` not among ``confirmed`` (clause ids), in file order."""
        present = set(confirmed)
        return [c for c in self.clauses if c.required and c.applies(kind) and c.id not in present]


def _problems_of(index: int, entry: Any, seen: set[str]) -> list[str]:
    """Every problem of one entry, each naming the clause (or its position) and the field."""
    if not isinstance(entry, dict):
        return [f"clause #{index + 1}: must be a mapping of {', '.join(sorted(FIELDS))}"]
    name = f"clause {entry['id']!r}" if isinstance(entry.get("id"), str) else f"clause #{index + 1}"
    problems = [f"{name}: unknown field {key!r}" for key in sorted(set(entry) - FIELDS, key=str)]
    problems += [f"{name}: field {key!r} is missing" for key in sorted(FIELDS - set(entry))]
    clause_id = entry.get("id")
    if "id" in entry:
        if not isinstance(clause_id, str) or not CLAUSE_ID.match(clause_id):
            problems.append(f"{name}: field 'id' must be lower-case letters, digits and _ (2 to 60)")
        elif clause_id in seen:
            problems.append(f"{name}: field 'id' repeats an earlier clause")
        else:
            seen.add(clause_id)
    for key in ("title", "text"):
        if key in entry and (not isinstance(entry[key], str) or not entry[key].strip()):
            problems.append(f"{name}: field {key!r} must be non-empty text")
    if "required" in entry and not isinstance(entry["required"], bool):
        problems.append(f"{name}: field 'required' must be true or false")
    kinds = entry.get("applies_to")
    valid_kinds = {k.value for k in AgreementKind}
    if "applies_to" in entry and (not isinstance(kinds, list) or not kinds or any(k not in valid_kinds for k in kinds)):
        problems.append(f"{name}: field 'applies_to' must list kinds among {', '.join(sorted(valid_kinds))}")
    citations = entry.get("citations")
    if "citations" in entry and (
        not isinstance(citations, list)
        or not citations
        or any(not isinstance(c, str) or not c.strip() for c in citations)
    ):
        problems.append(f"{name}: field 'citations' must list at least one citation")
    elif entry.get("required") is True and isinstance(citations, list):
        # a required clause is required by law: it must cite the rule, not only the practice's policy
        if not any(isinstance(c, str) and c.startswith("HIPAA 164.") for c in citations):
            problems.append(f"{name}: field 'citations' of a required clause must cite a HIPAA section (HIPAA 164.…)")
        if isinstance(kinds, list) and AgreementKind.BAA.value not in kinds:
            problems.append(f"{name}: field 'applies_to' of a required clause must include baa")
    return problems


def parse_catalogue(document: Any, source: str = "clauses.yaml") -> Catalogue:
    """Check a parsed catalogue document and build it; CatalogueError lists every problem with ``source``."""
    if not isinstance(document, dict):
        raise CatalogueError(f"{source}: the file must be a mapping with format, version and clauses")
    problems: list[str] = []
    if document.get("format") != FORMAT:
        problems.append(f"field 'format' must be {FORMAT!r}")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append("field 'version' must be a whole number from 1")
    entries = document.get("clauses")
    if not isinstance(entries, list) or not entries:
        problems.append("field 'clauses' must list at least one clause")
        entries = []
    problems += [f"unknown field {key!r}" for key in sorted(set(document) - {"format", "version", "clauses"}, key=str)]
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        problems += _problems_of(index, entry, seen)
    if not problems and not any(entry["required"] for entry in entries):
        problems.append("no clause is required: the BAA elements of 164.504(e)(2) are missing")
    if problems:
        raise CatalogueError("\n".join(f"{source}: {problem}" for problem in problems))
    clauses = tuple(
        Clause(
            entry["id"],
            entry["title"].strip(),
            " ".join(entry["text"].split()),
            entry["required"],
            tuple(AgreementKind(k) for k in entry["applies_to"]),
            tuple(c.strip() for c in entry["citations"]),
        )
        for entry in entries
    )
    return Catalogue(version, clauses)  # type: ignore[arg-type]


def load_catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    """Read and check a catalogue file (CatalogueError if it is unreadable or not valid)."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise CatalogueError(f"{path.name}: cannot be read: {error}") from None
    return parse_catalogue(document, path.name)


@functools.cache
def catalogue() -> Catalogue:
    """The shipped catalogue, read once per process."""
    return load_catalogue()
