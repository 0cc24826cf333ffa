"""The engine gives exactly the scores it gave before its speed-up (issue #22): same ratings, domain scores,
findings, gaps, knock-outs and per-question results, floats bit for bit.

The reference (tests/data/engine_reference.json.gz) was written by ``python -m tests.engine_cases`` with the
engine before any change for speed; the cases (demo vendors, bench-like vendors and 300 seeded random
assessments) are rebuilt here from the same seeds. ``METHOD_VERSION`` is unchanged, so nothing a user sees may
differ: any difference is a bug in the faster engine, not a reason to rewrite the file.
"""

from __future__ import annotations

from functools import cache

import pytest

from tests.engine_cases import cases, digest, load_reference, scored
from vendorcheck.scoring import METHOD_VERSION


@cache
def reference() -> dict:
    return load_reference()


@cache
def now() -> dict[str, dict[str, str]]:
    return scored()


def test_the_reference_covers_every_case_and_the_same_method() -> None:
    assert sorted(reference()["digests"]) == sorted(name for name, _, _ in cases())
    assert all(fields["method_version"] == digest(repr(METHOD_VERSION)) for fields in reference()["digests"].values())


@pytest.mark.parametrize("name", sorted(name for name, _, _ in cases()))
def test_every_field_of_every_score_is_as_before(name: str) -> None:
    fields = now()[name]
    if name in reference()["full"]:  # kept in full: a failure shows the field's old and new text
        assert fields == reference()["full"][name]
    assert {field: digest(text) for field, text in fields.items()} == reference()["digests"][name]
