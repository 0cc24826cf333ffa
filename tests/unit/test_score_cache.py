"""The score cache's key: equal digests only for equal inputs, and a cached score identical to a fresh one."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_scoring import answers_strategy, questionnaires
from vendorcheck.scores.cache import ScoreCache, inputs_digest
from vendorcheck.scoring import Document, EvidenceState, Inputs, ScoringProfile, VendorProfile, proof, score

TODAY = date(2026, 11, 23)
KINDS = ["soc2_report", "baa", "pentest_letter", "policy", "certificate", "insurance", "other"]
PROFILES = [
    ScoringProfile(),
    ScoringProfile(version=1),  # same rules, another version: the score names it, so it is another input
    ScoringProfile(version=2, rating_basis="proven"),
    ScoringProfile(version=3, knockout_floor="Very High"),
]


def question_ids() -> list[str]:
    return [q.id for questionnaire in questionnaires() for q in questionnaire.questions]


@st.composite
def case(draw: st.DrawFn) -> dict[str, Any]:
    """Everything a score depends on, at random."""
    ids = question_ids()
    documents = draw(
        st.lists(
            st.builds(
                Document,
                st.sampled_from(KINDS),
                st.sampled_from(list(EvidenceState)),
                st.lists(st.sampled_from(ids), max_size=3, unique=True).map(tuple),
            ),
            max_size=4,
        )
    )
    return {
        "answers": draw(answers_strategy()),
        "not_applicable": frozenset(draw(st.lists(st.sampled_from(ids), max_size=5))),
        "documents": documents,
        "vendor": draw(
            st.builds(
                VendorProfile,
                st.sampled_from(["none", "low", "moderate", "high"]),
                st.booleans(),
                st.booleans(),
                st.booleans(),
                st.booleans(),
                st.booleans(),
            )
        ),
        "profile": draw(st.sampled_from(PROFILES)),
        "today": TODAY + timedelta(days=draw(st.integers(0, 800))),
    }


def fresh(c: dict[str, Any]):
    chosen = questionnaires()
    inputs = Inputs(
        chosen,
        c["answers"],
        c["not_applicable"],
        proof(chosen, c["documents"], c["answers"], c["today"]),
        c["vendor"],
        c["today"],
    )
    return score(inputs, c["profile"])


def digest(c: dict[str, Any]) -> str | None:
    return inputs_digest(
        questionnaires(), c["answers"], c["not_applicable"], c["documents"], c["vendor"], c["profile"], c["today"]
    )


def mutate(draw: st.DrawFn, c: dict[str, Any]) -> dict[str, Any]:
    """The same inputs with one of them changed (possibly to an equal value)."""
    changed = dict(c)
    what = draw(st.sampled_from(["answer", "not_applicable", "document", "vendor", "profile", "today"]))
    if what == "answer":
        other = draw(answers_strategy())
        key = draw(st.sampled_from(sorted(other)))
        changed["answers"] = {**c["answers"], key: other[key]}
    elif what == "not_applicable":
        changed["not_applicable"] = c["not_applicable"] ^ {draw(st.sampled_from(question_ids()))}
    elif what == "document":
        changed["documents"] = [
            *c["documents"],
            Document(draw(st.sampled_from(KINDS)), draw(st.sampled_from(list(EvidenceState))), ()),
        ]
    elif what == "vendor":
        changed["vendor"] = VendorProfile(draw(st.sampled_from(["none", "low", "moderate", "high"])), stores=True)
    elif what == "profile":
        changed["profile"] = draw(st.sampled_from(PROFILES))
    else:
        changed["today"] = c["today"] + timedelta(days=draw(st.integers(-1, 1)))
    return changed


@settings(max_examples=60, deadline=None)
@given(first=case(), data=st.data())
def test_a_cached_score_is_the_fresh_score_and_any_change_of_input_misses(first, data: st.DataObject) -> None:
    cache = ScoreCache()
    second = mutate(data.draw, first)
    assert cache.get_or_compute(digest(first), lambda: fresh(first)) == fresh(first)
    got = cache.get_or_compute(digest(second), lambda: fresh(second))
    assert got == fresh(second)  # whatever the change, the cache never serves the other inputs' score
    if digest(first) == digest(second):
        assert cache.hits == 1 and fresh(first) == fresh(second)
    else:
        assert cache.misses == 2
    # Same inputs, same digest: the second read is a hit and the very object stored.
    assert cache.get_or_compute(digest(second), lambda: fresh(second)) is got


def test_each_kind_of_input_changes_the_digest() -> None:
    base = {
        "answers": {"mfa_remote": "yes"},
        "not_applicable": frozenset(),
        "documents": [Document("soc2_report", EvidenceState.ACCEPTED, ())],
        "vendor": VendorProfile("low"),
        "profile": ScoringProfile(),
        "today": TODAY,
    }
    variants = [
        {"answers": {"mfa_remote": "partial"}},
        {"answers": {"mfa_remote": "yes", "encryption_at_rest": "yes"}},
        {"not_applicable": frozenset({"mfa_remote"})},
        {"documents": [Document("soc2_report", EvidenceState.PENDING, ())]},
        {"documents": [Document("soc2_report", EvidenceState.ACCEPTED, ("mfa_remote",))]},
        {"documents": []},
        {"vendor": VendorProfile("low", offshore=True)},
        {"profile": ScoringProfile(version=1)},
        {"profile": ScoringProfile(rating_basis="proven")},
        {"today": TODAY + timedelta(days=1)},
    ]
    digests = {digest(base)} | {digest({**base, **v}) for v in variants}
    assert None not in digests and len(digests) == len(variants) + 1
    # Types JSON keeps apart stay apart: 1, 1.0, True and "1" are different answers.
    typed = {digest({**base, "answers": {"q": v}}) for v in (1, 1.0, True, "1")}
    assert len(typed) == 4
    # Order is not an input: the same documents listed in another order give the same digest.
    two = [Document("baa", EvidenceState.PENDING, ()), Document("policy", EvidenceState.ACCEPTED, ("a",))]
    assert digest({**base, "documents": two}) == digest({**base, "documents": two[::-1]})


def test_inputs_without_a_canonical_form_are_scored_afresh_every_time() -> None:
    cache = ScoreCache()
    calls = []
    assert inputs_digest(questionnaires(), {"q": object()}, (), (), VendorProfile(), ScoringProfile(), TODAY) is None
    for _ in range(2):
        cache.get_or_compute(None, lambda: calls.append(1) or "computed")  # type: ignore[arg-type,return-value]
    assert len(calls) == 2 and len(cache) == 0


def test_the_cache_keeps_the_most_recently_used_entries() -> None:
    cache = ScoreCache(size=2)
    for key in ("a", "b", "a", "c"):
        cache.get_or_compute(key, lambda k=key: k)  # type: ignore[misc]
    assert list(cache._entries) == ["a", "c"]


def test_a_confirmed_public_list_record_changes_the_digest() -> None:
    """Confirming a screening match must rescore the vendor: the record is one of the engine's inputs."""
    from vendorcheck.scoring.track import NO_RECORD, Exclusion, PublicRecord

    base = (questionnaires(), {}, (), (), VendorProfile(), ScoringProfile(), TODAY)
    excluded = PublicRecord(exclusions=(Exclusion("OIG LEIE 2026-11-01", "the company", date(2025, 1, 2), None),))
    reinstated = PublicRecord(
        exclusions=(Exclusion("OIG LEIE 2026-11-01", "the company", date(2025, 1, 2), date(2026, 1, 2)),)
    )
    digests = {inputs_digest(*base, NO_RECORD), inputs_digest(*base, excluded), inputs_digest(*base, reinstated)}
    assert len(digests) == 3 and None not in digests
