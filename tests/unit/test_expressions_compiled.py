"""Compiled conditions (``Expression.test``) answer exactly as walking the expression's tree did (issue #22).

``walk`` below is the tree walker the closures replaced, kept here as the specification; hypothesis builds random
trees of every node type and operator (through their source text, so they are ones the parser makes) and random
answers of every JSON type, including values of the wrong type, ``None`` and missing names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vendorcheck.questionnaire.expressions import (
    BoolOp,
    Literal,
    Name,
    Node,
    Not,
    _compare,
    _truthy,
    parse,
)

NAMES = ("a", "b", "answer")
SCALARS = st.one_of(
    st.sampled_from(["'yes'", "'no'", "'partial'", "''", "'2026-01-01'", "true", "false", "0", "1", "60", "2.5"]),
    st.integers(-5, 100).map(str),
)
LISTS = st.lists(SCALARS, max_size=3).map(lambda items: f"[{', '.join(items)}]")
OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in")
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 100),
    st.sampled_from([0, 1, 60, 2.5, 1.0]),
    st.floats(allow_nan=True),
    st.sampled_from(["yes", "no", "partial", "", "2026-01-01", "2025-12-31", "tls_1_0"]),
    st.lists(st.sampled_from(["yes", "no", "tls_1_0", 1]), max_size=3),
    st.just({"yes": 1}),
)


def walk(node: Node, values: Mapping[str, Any]) -> Any:
    """The tree walker ``Expression.evaluate`` used before the closures: the reference."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Name):
        return values.get(node.name)
    if isinstance(node, Not):
        return not _truthy(walk(node.operand, values))
    if isinstance(node, BoolOp):
        results = (_truthy(walk(operand, values)) for operand in node.operands)
        return any(results) if node.op == "or" else all(results)
    return _compare(node.op, walk(node.left, values), walk(node.right, values))


def sources() -> st.SearchStrategy[str]:
    """Source text of random expressions: comparisons of names and literals either way round, nested logic."""
    operand = st.one_of(st.sampled_from(NAMES), SCALARS, LISTS)
    name = st.sampled_from(NAMES)
    usual = st.builds(lambda left, op, right: f"{left} {op} {right}", name, st.sampled_from(OPERATORS), SCALARS)
    listed = st.builds(lambda left, op, right: f"{left} {op} {right}", name, st.sampled_from(["in", "not in"]), LISTS)
    other = st.builds(lambda left, op, right: f"{left} {op} {right}", operand, st.sampled_from(OPERATORS), operand)
    leaf = st.one_of(usual, listed, other, name, SCALARS)  # the shapes the questionnaires use come first
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            inner.map(lambda text: f"not ({text})"),
            st.builds(
                lambda op, items: f" {op} ".join(f"({item})" for item in items),
                st.sampled_from(["and", "or"]),
                st.lists(inner, min_size=2, max_size=4),
            ),
            st.builds(lambda left, op, right: f"({left}) {op} ({right})", inner, st.sampled_from(OPERATORS), inner),
        ),
        max_leaves=8,
    )


@settings(max_examples=600)
@given(sources(), st.dictionaries(st.sampled_from(NAMES), VALUES))
def test_a_compiled_condition_answers_as_the_tree_walker(source: str, values: dict[str, Any]) -> None:
    expression = parse(source)
    expected = _truthy(walk(expression.tree, values))
    assert expression.test(values) is expected
    assert expression.evaluate(values) is expected


def test_a_condition_is_compiled_once() -> None:
    expression = parse("a == 'yes' or b in ['x', 'y']")
    assert expression.test is expression.test


EVERY_VALUE = [None, True, False, 0, 1, 1.0, 2.5, 60, 61, -1, float("nan"), "yes", "no", "partial", "", "1",
               "2026-01-01", "tls_1_0", [], ["yes"], ["tls_1_0", "yes"], [1], {"yes": 1}]  # fmt: skip
EVERY_LITERAL = ["'yes'", "'no'", "''", "'2026-01-01'", "'1'", "true", "false", "0", "1", "60", "2.5",
                 "[]", "['yes', 'partial']", "['tls_1_0']", "[1, 'yes']", "[true]"]  # fmt: skip


def test_every_comparison_of_an_answer_with_a_literal_answers_as_the_tree_walker() -> None:
    """Exhaustive over the shapes the questionnaires use (each has a closure of its own): every operator, both
    ways round, alone and under not/and/or, for answers of every type and a missing one."""
    for op in OPERATORS:
        for literal in EVERY_LITERAL:
            for source in (f"a {op} {literal}", f"{literal} {op} a", f"not a {op} {literal}",
                           f"a {op} {literal} or b", f"b and a {op} {literal}"):  # fmt: skip
                expression = parse(source)
                for value in EVERY_VALUE:
                    for values in ({"a": value, "b": "yes"}, {"b": value}):
                        expected = _truthy(walk(expression.tree, values))
                        assert expression.test(values) is expected, (source, values)
