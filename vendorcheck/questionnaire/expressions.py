"""The small, safe expression language of questionnaire conditions (``when``) and knock-out rules (``fail_if``).

    baa_will_sign == 'yes'
    encrypt_at_rest in ['yes', 'partial'] and not offshore_work
    'tls_1_0' in legacy_protocols or answer > 60

Identifiers are question ids (or ``answer`` in a ``fail_if``); literals are single-quoted strings, numbers,
``true``/``false`` and lists of those; operators are ``== != < <= > >= in``, ``not in``, ``and``, ``or``,
``not`` and parentheses. There are no calls, attributes or indexing, and nothing is ever passed to ``eval``:
a hand-written recursive-descent parser builds a tiny tree, which is compiled once into nested Python closures
(:attr:`Expression.test`: the scoring engine evaluates conditions for every question of every assessment, and
walking the tree each time cost a sixth of its time; issue #22). An unanswered question
is ``None``; any comparison involving ``None`` (or values of different types) is false, so a question that
depends on an unanswered one stays hidden. Google VSAQ's ``cond`` and CISO Assistant's ``depends_on`` are
prior art.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

MAX_LENGTH = 500
MAX_DEPTH = 20

TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>'(?:[^'\\]|\\.)*')
      | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
KEYWORDS = {"and", "or", "not", "in", "true", "false"}
COMPARISONS = {"==", "!=", "<", "<=", ">", ">=", "in", "not in"}


class ExpressionError(ValueError):
    """An expression that does not parse; the message says where and why."""


@dataclass(frozen=True)
class Name:
    """A question id (or ``answer``)."""

    name: str


@dataclass(frozen=True)
class Literal:
    """A string, number, boolean or list of those."""

    value: Any


@dataclass(frozen=True)
class Not:
    """Logical negation."""

    operand: Node


@dataclass(frozen=True)
class BoolOp:
    """``and`` / ``or`` over two or more operands."""

    op: str
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    """One comparison: ``left op right``."""

    op: str
    left: Node
    right: Node


Node = Name | Literal | Not | BoolOp | Compare


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its source text and tree."""

    source: str
    tree: Node

    def names(self) -> set[str]:
        """The identifiers it refers to."""
        found: set[str] = set()
        _collect(self.tree, found)
        return found

    def evaluate(self, values: Mapping[str, Any]) -> bool:
        """True or false for these answers (missing names are unanswered)."""
        return self.test(values)

    @cached_property
    def test(self) -> Callable[[Mapping[str, Any]], bool]:
        """:meth:`evaluate` as one closure, compiled on first use (an expression never changes)."""
        return _test(self.tree)


def _tokenize(source: str) -> list[tuple[str, str, int]]:
    tokens: list[tuple[str, str, int]] = []
    position = 0
    while position < len(source):
        if source[position:].strip() == "":
            break
        match = TOKEN.match(source, position)
        if match is None or match.end() == position:
            rest = source[position:]
            column = position + len(rest) - len(rest.lstrip())
            raise ExpressionError(f"unexpected character {source[column]!r} at column {column + 1}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind), match.start(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.index = 0
        self.depth = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            raise ExpressionError(f"the expression ends too early{f' (expected {expected!r})' if expected else ''}")
        if expected is not None and token[1] != expected:
            raise ExpressionError(f"expected {expected!r} at column {token[2] + 1}, found {token[1]!r}")
        self.index += 1
        return token

    def at(self, *values: str) -> bool:
        token = self.peek()
        return token is not None and token[1] in values and token[0] in ("op", "word")

    def parse(self) -> Node:
        tree = self.expression()
        token = self.peek()
        if token is not None:
            raise ExpressionError(f"unexpected {token[1]!r} at column {token[2] + 1}")
        return tree

    def expression(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("the expression is nested too deeply")
        try:
            return self.boolean("or", self.conjunction)
        finally:
            self.depth -= 1

    def conjunction(self) -> Node:
        return self.boolean("and", self.negation)

    def boolean(self, op: str, operand: Any) -> Node:
        operands = [operand()]
        while self.at(op):
            self.take()
            operands.append(operand())
        return operands[0] if len(operands) == 1 else BoolOp(op, tuple(operands))

    def negation(self) -> Node:
        if self.at("not"):
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ExpressionError("the expression is nested too deeply")
            try:
                return Not(self.negation())
            finally:
                self.depth -= 1
        return self.comparison()

    def comparison(self) -> Node:
        left = self.operand()
        if self.at("not") and self.index + 1 < len(self.tokens) and self.tokens[self.index + 1][1] == "in":
            self.take()
            self.take()
            return Compare("not in", left, self.operand())
        if self.at(*COMPARISONS):
            op = self.take()[1]
            return Compare(op, left, self.operand())
        return left

    def operand(self) -> Node:
        kind, text, column = self.take()
        if kind == "number":
            return Literal(float(text) if "." in text else int(text))
        if kind == "string":
            return Literal(re.sub(r"\\(.)", r"\1", text[1:-1]))
        if kind == "word" and text in ("true", "false"):
            return Literal(text == "true")
        if kind == "word" and text not in KEYWORDS:
            return Name(text)
        if text == "(":
            inner = self.expression()
            self.take(")")
            return inner
        if text == "[":
            items: list[Any] = []
            while not self.at("]"):
                item = self.operand()
                if not isinstance(item, Literal) or isinstance(item.value, list):
                    raise ExpressionError(f"a list may hold only strings, numbers or true/false (column {column + 1})")
                items.append(item.value)
                if not self.at("]"):
                    self.take(",")
            self.take("]")
            return Literal(items)
        raise ExpressionError(f"unexpected {text!r} at column {column + 1}")


def parse(source: str) -> Expression:
    """Parse ``source``; ExpressionError (with the column) if it is not a valid expression."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("the expression is empty")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    return Expression(source, _Parser(source).parse())


WORDS = {"==": "is", "!=": "is not", "<": "is less than", "<=": "is at most", ">": "is more than", ">=": "is at least"}


def in_words(expression: Expression, name: Callable[[str], str], label: Callable[[str, Any], str]) -> str:
    """The condition as a sentence for people: ``x == 'yes' and y in ['a', 'b']`` reads
    "x is Yes, and y is A or B". ``name`` says how to refer to a question, ``label`` how one of its values reads.
    """
    return _words(expression.tree, name, label, top=True)


def _words(node: Node, name: Callable[[str], str], label: Callable[[str, Any], str], top: bool = False) -> str:
    if isinstance(node, Name):
        return f"{name(node.name)} is {label(node.name, 'yes')}"
    if isinstance(node, Literal):
        return str(node.value)
    if isinstance(node, Not):
        if isinstance(node.operand, Name):
            return f"{name(node.operand.name)} is not {label(node.operand.name, 'yes')}"
        return f"not ({_words(node.operand, name, label, top=True)})"
    if isinstance(node, BoolOp):
        parts = [_words(operand, name, label) for operand in node.operands]
        return f", {node.op} ".join(parts) if top else f"({f' {node.op} '.join(parts)})"
    left, right = node.left, node.right
    if isinstance(left, Name) and isinstance(right, Literal):
        values = right.value if isinstance(right.value, list) else [right.value]
        shown = [label(left.name, value) for value in values]
        if node.op in ("in", "not in"):
            alternatives = ", ".join(shown[:-1]) + (" or " if len(shown) > 1 else "") + shown[-1] if shown else "none"
            return f"{name(left.name)} {'is' if node.op == 'in' else 'is not'} {alternatives}"
        return f"{name(left.name)} {WORDS[node.op]} {shown[0]}"
    if isinstance(left, Literal) and isinstance(right, Name) and node.op in ("in", "not in"):
        verb = "includes" if node.op == "in" else "does not include"
        return f"{name(right.name)} {verb} {label(right.name, left.value)}"
    return f"{_words(left, name, label)} {WORDS.get(node.op, node.op)} {_words(right, name, label)}"


def _collect(node: Node, found: set[str]) -> None:
    if isinstance(node, Name):
        found.add(node.name)
    elif isinstance(node, Not):
        _collect(node.operand, found)
    elif isinstance(node, BoolOp):
        for operand in node.operands:
            _collect(operand, found)
    elif isinstance(node, Compare):
        _collect(node.left, found)
        _collect(node.right, found)


def _truthy(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value not in ("", "no")  # a bare yes/no question id reads as "answered yes"
    return bool(value)


Compiled = Callable[[Mapping[str, Any]], Any]


def _test(node: Node) -> Callable[[Mapping[str, Any]], bool]:
    """A closure giving the truth of ``node`` (what ``_truthy`` makes of its value) for a mapping of answers.

    The common shapes get closures of their own (a question compared with a literal, and/or, not); anything
    else goes through :func:`_value` and the general :func:`_compare`, with the same result.
    """
    if isinstance(node, Not):
        inner = _test(node.operand)
        return lambda values: not inner(values)
    if isinstance(node, BoolOp):
        tests = tuple(_test(operand) for operand in node.operands)
        if len(tests) == 2:
            first, second = tests
            if node.op == "or":
                return lambda values: first(values) or second(values)
            return lambda values: first(values) and second(values)
        if node.op == "or":
            return lambda values: any(test(values) for test in tests)
        return lambda values: all(test(values) for test in tests)
    if isinstance(node, Name):
        name = node.name
        return lambda values: _truthy(values.get(name))
    if isinstance(node, Compare):  # a comparison is always True or False already
        return _comparison(node)
    value = _value(node)
    return lambda values: _truthy(value(values))


def _comparison(node: Compare) -> Callable[[Mapping[str, Any]], bool]:
    """A closure for one comparison; ``name == 'text'``, ``!=``, ``name in [...]`` and ``'text' in name`` without
    the general path."""
    op, left, right = node.op, node.left, node.right
    if isinstance(left, Name) and isinstance(right, Literal) and right.value is not None:
        name, literal = left.name, right.value
        if op == "==" and type(literal) is str:  # equal to a string only when it is a string (see _compare)
            return lambda values: type(found := values.get(name)) is str and found == literal
        if op == "!=" and type(literal) is str:
            return lambda values: (
                (found := values.get(name)) is not None and not (type(found) is str and found == literal)
            )
        if op in ("in", "not in") and isinstance(literal, list):
            member = op == "in"
            return lambda values: (found := values.get(name)) is not None and (found in literal) == member
    if isinstance(left, Literal) and isinstance(right, Name) and op in ("in", "not in"):
        literal, name, member = left.value, right.name, op == "in"  # 'tls_1_0' in legacy_protocols
        if literal is not None and not isinstance(literal, list):
            return lambda values: (
                isinstance(found := values.get(name), list | tuple | set | frozenset) and ((literal in found) == member)
            )
    first, second = _value(left), _value(right)
    return lambda values: _compare(op, first(values), second(values))


def _value(node: Node) -> Compiled:
    """A closure giving the value of ``node``: a literal, an answer, or the truth of anything else."""
    if isinstance(node, Literal):
        literal = node.value
        return lambda values: literal
    if isinstance(node, Name):
        name = node.name
        return lambda values: values.get(name)
    return _test(node)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is None or right is None:
        return False
    if op in ("in", "not in"):
        if not isinstance(right, list | tuple | set | frozenset):
            return False
        return (left in right) == (op == "in")
    if op in ("==", "!="):
        same = (_number(left) and _number(right) and left == right) or (type(left) is type(right) and left == right)
        return same == (op == "==")
    if not ((_number(left) and _number(right)) or (isinstance(left, str) and isinstance(right, str))):
        return False  # ordering only between numbers, or between ISO dates written as strings
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]
