"""The compile policy for diagram expressions: RestrictedPython's, plus the limits.

RestrictedPython's transformer already blocks imports, names and attributes starting with
'_', and routes attribute access, item access, iteration and augmented assignment through
guard functions. This subclass adds what keeps an expression from stalling the service:

- every `while` and `for` round, comprehension item and function or lambda call first calls
  `_tick_()`, which raises once the time limit has passed;
- `+ * ** << %` go through guards that size the result before computing it;
- f-string values and format specs go through a guard that checks widths and precisions;
- values compared, and set members and dict keys, are checked with a bounded walk first;
- constructs that diagrams do not need and that would weaken the limits are refused when the
  diagram is published: try/except (it could swallow the limit's error and go on), import,
  classes, print, and `*args` / `**kwargs` (they unpack a value in one C call).
"""

from __future__ import annotations

import ast
from typing import Any, TypeVar

from RestrictedPython.transformer import RestrictingNodeTransformer

TICK = "_tick_"
_BINOP_GUARDS: dict[type[ast.operator], str] = {
    ast.Add: "_add_",
    ast.Mult: "_mul_",
    ast.Pow: "_pow_",
    ast.LShift: "_lshift_",
    ast.Mod: "_mod_",
    ast.Sub: "_sub_",  # sets and dicts: `a - b`, `a | b`... copy both
    ast.BitOr: "_or_",
    ast.BitAnd: "_and_",
    ast.BitXor: "_xor_",
}
BOUNDED = "_bounded_"
FORMAT = "_format_"
_Node = TypeVar("_Node", bound=ast.AST)


def _call(name: str, args: list[ast.expr], near: ast.AST) -> ast.Call:
    node = ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=[])
    return ast.fix_missing_locations(ast.copy_location(node, near))


def _same(node: _Node, visited: object) -> _Node:
    """The node RestrictedPython's visitor handed back, as the type it was given.

    Its visitors check a node and change it in place, but are typed to return any AST or none;
    the limits below edit what they return, so a different kind of node must stop the publish
    here, not become a diagram that runs without its limits.
    """
    if not isinstance(visited, type(node)):
        raise TypeError(f"RestrictedPython turned a {type(node).__name__} into {type(visited).__name__}")
    return visited


def _tick_statement(near: ast.AST) -> ast.Expr:
    return ast.fix_missing_locations(ast.copy_location(ast.Expr(_call(TICK, [], near)), near))


def _is_literal(node: ast.expr) -> bool:
    """A constant, or a tuple / list / set display of constants: small by construction."""
    if isinstance(node, ast.Constant):
        return True
    return isinstance(node, ast.Tuple | ast.List | ast.Set) and all(
        isinstance(e, ast.Constant) for e in node.elts
    )


def _is_number(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


class LimitingPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy with time checks and size guards added (see module docstring)."""

    def _refuse(self, node: ast.AST, what: str) -> None:
        self.error(node, f"Diagrams cannot use {what}")

    # -- time: a tick per loop round, comprehension item and call ----------------------------

    def visit_While(self, node: ast.While) -> Any:
        node = _same(node, super().visit_While(node))
        node.body.insert(0, _tick_statement(node))
        return node

    def visit_For(self, node: ast.For) -> Any:
        node = _same(node, super().visit_For(node))
        node.body.insert(0, _tick_statement(node))
        return node

    def visit_comprehension(self, node: ast.comprehension) -> Any:
        node = _same(node, super().visit_comprehension(node))
        node.ifs.insert(0, _call(TICK, [], node.iter))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> Any:
        node = _same(node, super().visit_FunctionDef(node))
        node.body.insert(0, _tick_statement(node))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> Any:
        node = _same(node, super().visit_Lambda(node))
        # `_tick_() and body`: the tick is always True, so the lambda still returns its body.
        body = ast.BoolOp(op=ast.And(), values=[_call(TICK, [], node.body), node.body])
        node.body = ast.fix_missing_locations(ast.copy_location(body, node.body))
        return node

    # -- memory: guarded operators, formatting and walks ------------------------------------

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = _same(node, super().visit_BinOp(node))
        guard = _BINOP_GUARDS.get(type(node.op))
        if guard is None or (
            guard in ("_add_", "_sub_") and (_is_number(node.left) or _is_number(node.right))
        ):
            return node  # `x + 1` cannot be a long text or list
        return _call(guard, [node.left, node.right], node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        node = _same(node, super().visit_FormattedValue(node))
        spec = node.format_spec if node.format_spec is not None else ast.Constant("")
        value = _call(FORMAT, [node.value, ast.Constant(node.conversion), spec], node)
        return ast.copy_location(ast.FormattedValue(value=value, conversion=-1, format_spec=None), node)

    def visit_Compare(self, node: ast.Compare) -> Any:
        node = _same(node, super().visit_Compare(node))
        if all(isinstance(op, ast.Is | ast.IsNot) for op in node.ops):
            return node
        node.left = self._bounded(node.left)
        node.comparators = [self._bounded(c) for c in node.comparators]
        return node

    def visit_Set(self, node: ast.Set) -> Any:
        node = _same(node, super().visit_Set(node))
        node.elts = [self._bounded(e) for e in node.elts]
        return node

    def visit_Dict(self, node: ast.Dict) -> Any:
        if any(key is None for key in node.keys):
            self._refuse(node, "**unpacking")
            return node
        node = _same(node, super().visit_Dict(node))
        # A None key (`**d`) was refused above; the type of `keys` still allows one.
        node.keys = [k if k is None else self._bounded(k) for k in node.keys]
        return node

    @staticmethod
    def _bounded(node: ast.expr) -> ast.expr:
        return node if _is_literal(node) else _call(BOUNDED, [node], node)

    # -- constructs diagrams may not use ------------------------------------------------

    def visit_Try(self, node: ast.Try) -> Any:
        self._refuse(node, "try/except")
        return node

    def visit_TryStar(self, node: ast.AST) -> Any:
        self._refuse(node, "try/except")
        return node

    def visit_Import(self, node: ast.Import) -> Any:
        self._refuse(node, "import")  # at run time it would fail anyway: no __import__ is given
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Any:
        self._refuse(node, "import")
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> Any:
        self._refuse(node, "classes")
        return node

    def visit_Starred(self, node: ast.Starred) -> Any:
        if isinstance(node.ctx, ast.Load):
            self._refuse(node, "*unpacking")
        return super().visit_Starred(node)

    def visit_keyword(self, node: ast.keyword) -> Any:
        if node.arg is None:
            self._refuse(node, "**unpacking")
        return super().visit_keyword(node)

    def visit_DictComp(self, node: ast.DictComp) -> Any:
        node = _same(node, super().visit_DictComp(node))
        node.key = self._bounded(node.key)
        return node

    def visit_SetComp(self, node: ast.SetComp) -> Any:
        node = _same(node, super().visit_SetComp(node))
        node.elt = self._bounded(node.elt)
        return node

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in ("print", "printed"):
            self._refuse(node, "print")
            return node
        return super().visit_Name(node)
