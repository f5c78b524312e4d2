"""A compile-restricted environment for conditions, scripts and timer expressions.

SpiffWorkflow's default environment is plain eval/exec with full builtins: a diagram
would be code with the server's rights. Compiling with RestrictedPython blocks imports
and dunder-attribute escapes; diagrams get only the helpers the app registers.
"""

from __future__ import annotations

import copy
import operator
from collections.abc import Callable, Mapping
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_globals
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import full_write_guard, guarded_iter_unpack_sequence, safer_getattr
from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
}


def _inplace(op: str, x: Any, y: Any) -> Any:
    return _INPLACE[op](x, y)


class RestrictedEnvironment(TaskDataEnvironment):  # type: ignore[misc]
    def __init__(self, helpers: Mapping[str, Callable[..., Any]] | None = None) -> None:
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
        g.update(helpers or {})
        super().__init__(g)
        self._compiled: dict[tuple[str, str], Any] = {}

    def _compile(self, mode: str, source: str) -> Any:
        key = (mode, source)
        code = self._compiled.get(key)
        if code is None:
            result = (compile_restricted_eval if mode == "eval" else compile_restricted_exec)(source)
            if result.errors:
                raise SyntaxError("; ".join(result.errors))
            code = result.code
            self._compiled[key] = code
        return code

    def evaluate(
        self, expression: str, context: dict[str, Any], external_context: dict[str, Any] | None = None
    ) -> Any:
        code = self._compile("eval", expression)
        scope = copy.copy(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        return eval(code, scope)  # noqa: S307 - compiled by RestrictedPython above

    def execute(
        self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None
    ) -> bool:
        code = self._compile("exec", script)
        self.check_for_overwrite(context, external_context or {})
        context.update(copy.copy(self.globals))
        context.update(external_context or {})
        try:
            exec(code, context)  # noqa: S102 - compiled by RestrictedPython above
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True
