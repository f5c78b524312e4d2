"""When a form field applies: the small part of FEEL that form-js writes in `conditional.hide`.

form-js (the form editor Camunda Modeler and bpmn.io use) hides a field when a FEEL expression
is true, for example `=review_outcome = "end"`. A process owner writes these, so they are
untrusted: they are parsed here into a tree and evaluated by walking it, never compiled or run
as code. The subset:

    expression  := or
    or          := and ("or" and)*
    and         := unary ("and" unary)*
    unary       := "not" "(" expression ")" | comparison
    comparison  := term (("=" | "!=" | "<" | "<=" | ">" | ">=") term)?
    term        := "(" expression ")" | "list contains" "(" term "," term ")"
                 | "some" NAME "in" term "satisfies" expression
                 | "[" [term ("," term)*] "]" | STRING | NUMBER | "true" | "false" | "null" | NAME

Names are the form's field keys (their answers), or the variable of a `some` expression.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_LENGTH = 2_000  # characters: a condition is a line, not a program
MAX_DEPTH = 32

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op><=|>=|!=|=|<|>|\(|\)|\[|\]|,)
      | (?P<name>list\s+contains|[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "some", "in", "satisfies", "true", "false", "null"}


class ConditionError(ValueError):
    """The condition is not in the supported part of FEEL; the message says where."""


@dataclass(frozen=True)
class Condition:
    """A parsed condition: `holds(answers)` evaluates it; `names` are the fields it reads."""

    source: str
    tree: tuple[Any, ...]
    names: frozenset[str]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return _truthy(_evaluate(self.tree, answers))


def parse(source: str) -> Condition:
    """Parse a form-js condition ("=..." as form-js writes it, or without the "=").

    Raises ConditionError, naming what is wrong, for anything outside the subset.
    """
    text = source.strip()
    if len(text) > MAX_LENGTH:
        raise ConditionError(f"the condition is longer than {MAX_LENGTH:,} characters")
    text = text.removeprefix("=")
    parser = _Parser(_tokens(text))
    tree = parser.expression(0)
    if (extra := parser.peek()) is not None:
        raise ConditionError(f"unexpected {extra[1]!r}")
    return Condition(source, tree, frozenset(parser.names))


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, at = [], 0
    while at < len(text):
        if text[at:].strip() == "":
            break
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            raise ConditionError(f"cannot read the condition from {text[at : at + 20].strip()!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        at = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.at, self.names = tokens, 0, set[str]()
        self.bound: list[str] = []

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ConditionError("the condition ends too soon" + (f": expected {value!r}" if value else ""))
        if value is not None and token[1] != value:
            raise ConditionError(f"expected {value!r}, not {token[1]!r}")
        self.at += 1
        return token

    def _next_is(self, value: str) -> bool:
        token = self.peek()
        return token is not None and token[1] == value

    def _word(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "name" and token[1] == word

    def expression(self, depth: int) -> tuple[Any, ...]:
        if depth > MAX_DEPTH:
            raise ConditionError(f"the condition is nested more than {MAX_DEPTH} deep")
        left = self._and(depth)
        while self._word("or"):
            self.take()
            left = ("or", left, self._and(depth))
        return left

    def _and(self, depth: int) -> tuple[Any, ...]:
        left = self._unary(depth)
        while self._word("and"):
            self.take()
            left = ("and", left, self._unary(depth))
        return left

    def _unary(self, depth: int) -> tuple[Any, ...]:
        if self._word("not"):
            self.take()
            self.take("(")
            inner = self.expression(depth + 1)
            self.take(")")
            return ("not", inner)
        left = self._term(depth)
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] in {"=", "!=", "<", "<=", ">", ">="}:
            self.take()
            return ("cmp", token[1], left, self._term(depth))
        return left

    def _term(self, depth: int) -> tuple[Any, ...]:
        kind, value = self.take()
        if value == "(":
            inner = self.expression(depth + 1)
            self.take(")")
            return inner
        if value == "[":
            items = []
            if self.peek() is not None and not self._next_is("]"):
                items.append(self._term(depth + 1))
                while self._next_is(","):
                    self.take()
                    items.append(self._term(depth + 1))
            self.take("]")
            return ("list", tuple(items))
        if kind == "string":
            return ("value", _unquote(value))
        if kind == "number":
            return ("value", Decimal(value))
        if kind == "name":
            return self._named(value, depth)
        raise ConditionError(f"unexpected {value!r}")

    def _named(self, value: str, depth: int) -> tuple[Any, ...]:
        if re.fullmatch(r"list\s+contains", value):
            self.take("(")
            container = self._term(depth + 1)
            self.take(",")
            item = self._term(depth + 1)
            self.take(")")
            return ("contains", container, item)
        if value == "some":
            variable = self.take()[1]
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", variable) or variable in _KEYWORDS:
                raise ConditionError(f"{variable!r} cannot name the variable of 'some'")
            if not self._word("in"):
                raise ConditionError("expected 'in' after 'some' and its variable")
            self.take()
            within = self._term(depth + 1)
            if not self._word("satisfies"):
                raise ConditionError("expected 'satisfies'")
            self.take()
            self.bound.append(variable)
            body = self.expression(depth + 1)
            self.bound.pop()
            return ("some", variable, within, body)
        if value in {"true", "false", "null"}:
            return ("value", {"true": True, "false": False, "null": None}[value])
        if value in _KEYWORDS:
            raise ConditionError(f"unexpected {value!r}")
        if value not in self.bound:
            self.names.add(value)
        return ("name", value)


def _unquote(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def _number(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return value
    return value


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _evaluate(tree: tuple[Any, ...], scope: Mapping[str, Any]) -> Any:
    kind = tree[0]
    if kind == "value":
        return tree[1]
    if kind == "name":
        return _number(scope.get(tree[1]))
    if kind == "list":
        return [_evaluate(item, scope) for item in tree[1]]
    if kind == "not":
        return not _truthy(_evaluate(tree[1], scope))
    if kind == "and":
        return _truthy(_evaluate(tree[1], scope)) and _truthy(_evaluate(tree[2], scope))
    if kind == "or":
        return _truthy(_evaluate(tree[1], scope)) or _truthy(_evaluate(tree[2], scope))
    if kind == "contains":
        container = _evaluate(tree[1], scope)
        item = _evaluate(tree[2], scope)
        return isinstance(container, list) and item in container
    if kind == "some":
        _, variable, within, body = tree
        items = _evaluate(within, scope)
        if not isinstance(items, list):
            return False
        return any(_truthy(_evaluate(body, {**scope, variable: item})) for item in items)
    if kind == "cmp":
        _, op, left, right = tree
        a, b = _evaluate(left, scope), _evaluate(right, scope)
        if op in {"=", "!="}:
            return _COMPARE[op](a, b)
        try:
            return a is not None and b is not None and _COMPARE[op](a, b)
        except TypeError:  # FEEL answers null for values that cannot be compared: not true
            return False
    raise ConditionError(f"unknown part of a condition: {kind}")


def _truthy(value: Any) -> bool:
    return value is True


def only_when(field: str, values: tuple[str, ...], *, many: bool = False) -> str:
    """The form-js `conditional.hide` for a field that applies only when `field`'s answer is one
    of `values` (`many`: the answer is a list, e.g. checkboxes, and any of them counts)."""
    listed = "[" + ", ".join('"' + v.replace('"', '\\"') + '"' for v in values) + "]"
    if many:
        return f"=not(some answer in {field} satisfies list contains({listed}, answer))"
    return f"=not(list contains({listed}, {field}))"
