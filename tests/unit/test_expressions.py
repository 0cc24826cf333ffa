"""The questionnaire condition language: what it accepts, how it evaluates, and what it refuses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendorcheck.questionnaire.expressions import ExpressionError, in_words, parse


@pytest.mark.parametrize(
    ("source", "values", "expected"),
    [
        ("baa_will_sign == 'yes'", {"baa_will_sign": "yes"}, True),
        ("baa_will_sign == 'yes'", {"baa_will_sign": "no"}, False),
        ("baa_will_sign == 'yes'", {}, False),  # unanswered: the dependent question stays hidden
        ("baa_will_sign != 'yes'", {}, False),
        ("encrypt_at_rest in ['yes', 'partial']", {"encrypt_at_rest": "partial"}, True),
        ("encrypt_at_rest not in ['yes', 'partial']", {"encrypt_at_rest": "no"}, True),
        ("'tls_1_0' in legacy_protocols", {"legacy_protocols": ["ssl_3", "tls_1_0"]}, True),
        ("'tls_1_0' in legacy_protocols", {"legacy_protocols": []}, False),
        ("answer > 60", {"answer": 90}, True),
        ("answer > 60", {"answer": 30.5}, False),
        ("answer <= 2.5", {"answer": 2.5}, True),
        ("answer > 60", {"answer": "90"}, False),  # no silent type juggling
        ("answer == 1", {"answer": 1.0}, True),
        ("answer == true", {"answer": 1}, False),
        ("offshore_work", {"offshore_work": "yes"}, True),
        ("not offshore_work", {"offshore_work": "no"}, True),
        ("not offshore_work", {}, True),
        ("a == 'x' and (b == 'y' or c == 'z')", {"a": "x", "c": "z"}, True),
        ("a == 'x' and b == 'y' or c == 'z'", {"c": "z"}, True),  # and binds tighter than or
        ("not a == 'x'", {"a": "y"}, True),
        ("period_end >= '2025-11-22'", {"period_end": "2026-06-30"}, True),
        ("name == 'O\\'Brien'", {"name": "O'Brien"}, True),
    ],
)
def test_evaluates(source: str, values: dict, expected: bool) -> None:
    assert parse(source).evaluate(values) is expected


def test_names_are_the_question_ids_referred_to() -> None:
    expression = parse("a == 'x' and ('q' in b or not c) and d > 3")
    assert expression.names() == {"a", "b", "c", "d"}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "empty"),
        ("a ==", "ends too early"),
        ("a == 'x' b", "unexpected 'b' at column 10"),
        ("__import__('os').system('x')", "unexpected character '.' at column 17"),
        ("a.b == 1", "unexpected character '.'"),
        ("a[0] == 1", "unexpected '['"),
        ('a == "x"', "unexpected character '\"'"),
        ("(a == 1", "ends too early"),
        ("a in [b]", "only strings, numbers"),
        ("and", "unexpected 'and'"),
        ("(" * 50 + "a" + ")" * 50, "nested too deeply"),
        ("not " * 50 + "a", "nested too deeply"),
        ("a == '" + "x" * 600 + "'", "longer than 500"),
    ],
)
def test_refuses_with_a_precise_message(source: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(").replace("[", r"\[").replace(".", r"\.")):
        parse(source)


@given(st.text(max_size=60))
def test_any_text_parses_or_fails_cleanly(source: str) -> None:
    try:
        expression = parse(source)
    except ExpressionError:
        return
    assert expression.evaluate({}) in (True, False)  # whatever parses also evaluates, to a plain truth value


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("baa_will_sign == 'yes'", "baa_will_sign is Yes"),
        ("encrypt in ['yes', 'partial'] and not offshore", "encrypt is Yes or Partly, and offshore is not Yes"),
        ("'tls_1_0' in protocols or answer > 60", "protocols includes TLS 1.0, or answer is more than 60"),
        ("a == 'yes' and (b == 'no' or c >= 3)", "a is Yes, and (b is No or c is at least 3)"),
        ("volume != 'none'", "volume is not None at all"),
        ("x not in ['a', 'b', 'c']", "x is not A, B or C"),
    ],
)
def test_conditions_read_as_sentences(source: str, words: str) -> None:
    labels = {"yes": "Yes", "no": "No", "partial": "Partly", "tls_1_0": "TLS 1.0", "none": "None at all"}
    assert in_words(parse(source), str, lambda _qid, value: labels.get(value, str(value).upper())) == words
