"""Scores computed once per change: the engine's result kept per process, keyed by a digest of its inputs.

A score is a pure function of the engine's inputs (the questionnaires answered, the answers that count with the
assessor's overrides, the questions marked not applicable, the documents with their review state on the day, the
vendor's profile, the date, the confirmed public record, the contract register's clause checks) and of the scoring
profile and the method version. The key is a digest of exactly those,
computed from the rows the service has already loaded, so no service has to remember to invalidate anything: an
answer saved or reviewed, evidence filed or reviewed, a profile saved, a vendor profile edited or a new day (a document
expires at a day boundary) gives a different digest, and the old entry ages out of the LRU.

Per process and safe with several processes: each one computes the same result for the same digest. Inputs that do
not encode canonically (a value JSON cannot hold) are scored afresh every time rather than risk a wrong key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Generic, TypeVar

from vendorcheck.questionnaire.model import Questionnaire
from vendorcheck.scoring import METHOD_VERSION, Document, Score, ScoringProfile, VendorProfile
from vendorcheck.scoring.contracts import NO_CONTRACTS, ContractRecord
from vendorcheck.scoring.track import NO_RECORD, PublicRecord

# A Score holds one small record per question (~40 KB for the shipped questionnaires): 1,024 of them are ~40 MB per
# process, room for a 200-vendor comparison under several profiles and days.
DEFAULT_SIZE = 1024
T = TypeVar("T")


def inputs_digest(
    questionnaires: Sequence[Questionnaire],
    answers: Mapping[str, Any],
    not_applicable: Iterable[str],
    documents: Iterable[Document],
    vendor: VendorProfile,
    profile: ScoringProfile,
    today: date,
    record: PublicRecord = NO_RECORD,
    contracts: ContractRecord = NO_CONTRACTS,
) -> str | None:
    """A digest of everything the score depends on, or None when the inputs have no canonical form."""
    canonical = {
        "method": METHOD_VERSION,
        "profile": [profile.version, profile.to_json()],
        "questionnaires": [[q.key, q.content_hash] for q in questionnaires],
        "answers": answers,
        "not_applicable": sorted(not_applicable),
        # the documents as the proof rules read them, in a fixed order (the query's order is not part of the input)
        "documents": sorted([d.kind, d.state.value, list(d.question_ids)] for d in documents),
        "vendor": dataclasses.asdict(vendor),
        "today": today.isoformat(),
        # confirmed public-list matches: a frozen dataclass of dates and text, whose repr is canonical
        "record": repr(record),
        # the contract register: the vendor's stage and its BAAs in force with their missing clauses (same reason)
        "contracts": repr(contracts),
    }
    try:
        # sort_keys makes dict order irrelevant; JSON keeps 1, 1.0, True and "1" apart, so distinct inputs stay distinct
        text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return None
    return hashlib.blake2b(text.encode("utf-8"), digest_size=20).hexdigest()


def combined_digest(parts: Iterable[Any]) -> str | None:
    """A digest of several digests and plain values (None if any part is None: then nothing is stored)."""
    parts = list(parts)
    if any(part is None for part in parts):
        return None
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=20).hexdigest()


class ScoreCache(Generic[T]):
    """A thread-safe least-recently-used map from input digests to immutable results (the engine's Score...)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[str, T] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, digest: str | None, compute: Callable[[], T]) -> T:
        """The stored score for ``digest``, or ``compute()`` stored under it (always computed when digest is None)."""
        if digest is None:
            return compute()
        with self._lock:
            found = self._entries.get(digest)
            if found is not None:
                self._entries.move_to_end(digest)
                self.hits += 1
                return found
        result = compute()  # outside the lock: two threads may both compute a miss; both get equal results
        with self._lock:
            self.misses += 1
            self._entries[digest] = result
            self._entries.move_to_end(digest)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return result

    def clear(self) -> None:
        """Forget every entry (tests; never needed for correctness)."""
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)


SCORES: ScoreCache[Score] = ScoreCache()
