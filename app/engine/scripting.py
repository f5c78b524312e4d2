"""A compile-restricted, limited environment for conditions, scripts and timer expressions.

SpiffWorkflow's default environment is plain eval/exec with full builtins: a diagram
would be code with the server's rights. Compiling with RestrictedPython blocks imports
and dunder-attribute escapes; diagrams get only the helpers the app registers and a short
list of builtins. With `Limits` (the default) the code is compiled with LimitingPolicy and
runs against a meter: it stops itself past the time limit, refuses to build values past the
memory limit, and may leave only data the case can save (app/engine/limits.py).
"""

from __future__ import annotations

import copy
import operator
from collections.abc import Callable, Mapping
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_globals
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from RestrictedPython.transformer import RestrictingNodeTransformer
from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

from app.engine import guards
from app.engine.functions import BUILTINS
from app.engine.limits import DEFAULT_LIMITS, DoesNotCompile, ExpressionLimit, Limits, metered
from app.engine.methods import getattr_guard
from app.engine.policy import BOUNDED, FORMAT, TICK, LimitingPolicy

_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
}


def _inplace(op: str, x: Any, y: Any) -> Any:
    return _INPLACE[op](x, y)


def limited_globals() -> dict[str, Any]:
    """The names limited code sees besides the helpers: curated builtins and the guards."""
    return {
        "__builtins__": dict(BUILTINS),
        "_getattr_": getattr_guard,
        "_getitem_": guards.getitem,
        "_getiter_": default_guarded_getiter,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": full_write_guard,
        "_inplacevar_": guards.inplace,
        "_add_": guards.add,
        "_mul_": guards.mul,
        "_pow_": guards.power,
        "_lshift_": guards.lshift,
        "_mod_": guards.mod,
        "_sub_": guards.sub,
        "_or_": guards.bit_or,
        "_and_": guards.bit_and,
        "_xor_": guards.bit_xor,
        BOUNDED: guards.bounded,
        FORMAT: guards.format_value,
    }


def unlimited_globals() -> dict[str, Any]:
    """The environment before the limits (kept so the bench can measure what they cost)."""
    g: dict[str, Any] = dict(safe_globals)
    g.update(
        {
            "_getattr_": safer_getattr,
            "_getitem_": default_guarded_getitem,
            "_getiter_": default_guarded_getiter,
            "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
            "_write_": full_write_guard,
            "_inplacevar_": _inplace,
            "len": len,
            "min": min,
            "max": max,
            "any": any,
            "all": all,
            "sum": sum,
        }
    )
    return g


def compile_expression(source: str, mode: str, limited: bool = True) -> Any:
    """Compile diagram code ('eval' for an expression, 'exec' for a script) as the engine will.

    Raises SyntaxError with RestrictedPython's messages ("Line 1: Diagrams cannot use
    try/except") when the code does not compile or uses what diagrams may not.
    """
    policy = LimitingPolicy if limited else RestrictingNodeTransformer
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(source, policy=policy)
    if result.errors:
        raise SyntaxError("; ".join(result.errors))
    return result.code


class RestrictedEnvironment(TaskDataEnvironment):
    def __init__(
        self, helpers: Mapping[str, Callable[..., Any]] | None = None, limits: Limits | None = DEFAULT_LIMITS
    ) -> None:
        """`limits=None` runs diagrams compile-restricted but unlimited (for the bench only)."""
        self.limits = limits
        g = limited_globals() if limits is not None else unlimited_globals()
        g.update(helpers or {})
        super().__init__(g)
        self._compiled: dict[tuple[str, str, bool], Any] = {}

    def _compile(self, mode: str, source: str) -> Any:
        key = (mode, source, self.limits is not None)
        code = self._compiled.get(key)
        if code is None:
            try:
                code = compile_expression(source, mode, self.limits is not None)
            except SyntaxError as exc:
                if self.limits is None:
                    raise
                # SpiffWorkflow reads a SyntaxError's line number, which RestrictedPython's lack.
                raise DoesNotCompile(str(exc)) from None
            self._compiled[key] = code
        return code

    def evaluate(
        self, expression: str, context: dict[str, Any], external_context: dict[str, Any] | None = None
    ) -> Any:
        code = self._compile("eval", expression)
        scope = copy.copy(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        if self.limits is None:
            return eval(code, scope)  # noqa: S307 - compiled by RestrictedPython above
        with metered(self.limits) as meter:
            scope[TICK] = meter.tick
            return guards.saveable(eval(code, scope))  # noqa: S307 - compiled by LimitingPolicy

    def execute(
        self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None
    ) -> bool:
        code = self._compile("exec", script)
        self.check_for_overwrite(context, external_context or {})
        context.update(copy.copy(self.globals))
        context.update(external_context or {})
        if self.limits is None:
            try:
                exec(code, context)  # noqa: S102 - compiled by RestrictedPython above
            finally:
                self._remove_globals_and_functions_from_context(context, external_context)
            return True
        with metered(self.limits) as meter:
            context[TICK] = meter.tick
            try:
                exec(code, context)  # noqa: S102 - compiled by LimitingPolicy above
            except ExpressionLimit as exc:
                exc.in_script = True
                raise
            finally:
                self._remove_globals_and_functions_from_context(context, external_context)
            try:
                guards.saveable(context)  # what the script left is the task's data, saved next
            except ExpressionLimit as exc:
                exc.in_script = True
                raise
        return True
