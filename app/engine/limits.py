"""Limits on what a diagram expression may cost: time, and the memory it builds.

A diagram's conditions, scripts, due dates and timers run in the request's (or the timer
job's) own thread while the instance row is locked. A thread cannot be stopped from outside
and signals reach only the main thread, so an expression stops itself: the code compiled by
app/engine/policy.py calls `Meter.tick` on every loop round, comprehension item and function
call, and every operation that can build a large value asks `Meter.charge` first
(app/engine/guards.py). A breach raises ExpressionLimit, which the runtime turns into an
EngineError; the caller rolls back (releasing the row lock) and records an incident.

Time is shared by every expression a loaded workflow runs (one request or one timer job:
the form submitted, the steps that follow, the due dates of the new tasks), so a step stops
once its expressions have taken the limit in all, however many there are. Memory is counted
per expression: what its guarded operations build, in all, plus a look at the process's
resident memory every 1,024 loop rounds for growth no guard sees.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

MB = 1024 * 1024
MAX_INT_DIGITS = 4000  # below Python's 4,300-digit limit on turning a number into text (and JSON)
MAX_INT_BITS = 13_288  # 4,000 decimal digits
MAX_DEPTH = 50  # lists in lists: deeper values cannot be saved (JSON) or printed safely
_RSS_EVERY = 1024  # ticks between two looks at the process's memory (a /proc read, ~5 µs)
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class Limits:
    """How long the expressions of one step may run, and how much memory one may build."""

    seconds: float = 1.0
    memory_bytes: int = 64 * MB

    @property
    def max_items(self) -> int:
        """The longest range an expression may count through (it could be listed or summed)."""
        return self.memory_bytes // 64

    @property
    def max_values(self) -> int:
        """The most values (list items, dict entries...) one value may hold, counted as a tree.
        Walking them is Python-speed (about 0.1 s for 250,000), so this is well below memory."""
        return self.memory_bytes // 256

    def describe_time(self) -> str:
        seconds = f"{self.seconds:g}"
        return f"{seconds} second" if seconds == "1" else f"{seconds} seconds"

    def describe_memory(self) -> str:
        return f"{self.memory_bytes / MB:g} MB"


DEFAULT_LIMITS = Limits()


class ExpressionLimit(Exception):
    """An expression broke a limit; `reason` finishes the sentence "A condition in the diagram …"."""

    in_script = False  # set when a script (not an expression) broke it, for the message

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TooSlow(ExpressionLimit):
    def __init__(self, limits: Limits) -> None:
        super().__init__(f"took longer than {limits.describe_time()}")


class TooBig(ExpressionLimit):
    def __init__(self, limits: Limits, what: str = "") -> None:
        detail = f" ({what})" if what else ""
        super().__init__(f"would need more than {limits.describe_memory()} of memory{detail}")


class TooMuch(ExpressionLimit):
    """A size limit that is not memory: a number's digits, a value's depth, a range's length."""

    def __init__(self, what: str) -> None:
        super().__init__(f"would make {what}")


class NotAllowed(ExpressionLimit):
    def __init__(self, what: str, hint: str = "") -> None:
        super().__init__(f"uses {what}, which diagrams cannot use{f' ({hint})' if hint else ''}")


class DoesNotCompile(ExpressionLimit):
    def __init__(self, errors: str) -> None:
        super().__init__(f"does not compile: {errors}")


class NotSaveable(ExpressionLimit):
    def __init__(self, what: str) -> None:
        super().__init__(f"made {what}, which cannot be saved with the case")


class Budget:
    """The time left to the expressions of one running workflow's current operation."""

    __slots__ = ("seconds_left",)

    def __init__(self, seconds: float) -> None:
        self.seconds_left = seconds


class Meter:
    """The running count of one expression: its deadline, and the memory it has built."""

    __slots__ = ("deadline", "limits", "rss_start", "spent", "ticks")

    def __init__(self, limits: Limits, seconds_left: float) -> None:
        self.limits = limits
        # perf_counter, not monotonic: test clocks (time-machine) freeze monotonic.
        self.deadline = time.perf_counter() + seconds_left
        self.spent = 0
        self.ticks = 0
        self.rss_start = -1

    def tick(self) -> bool:
        """One loop round or call: raise TooSlow past the deadline. Always True, so it can
        stand in a comprehension's `if` or before a lambda's body with `and`."""
        if time.perf_counter() > self.deadline:
            raise TooSlow(self.limits)
        self.ticks += 1
        if not self.ticks % _RSS_EVERY:
            self._check_growth()
        return True

    def charge(self, nbytes: int, what: str = "") -> None:
        """Count `nbytes` about to be built; raise TooBig (before building it) past the limit."""
        if nbytes > self.limits.memory_bytes - self.spent:
            raise TooBig(self.limits, what)
        self.spent += nbytes

    def _check_growth(self) -> None:
        # A backstop for growth no guard sees (appending small lists in a loop): the
        # process's resident memory, compared with the first look in this expression.
        rss = _resident_bytes()
        if rss < 0:
            return
        if self.rss_start < 0:
            self.rss_start = rss
        elif rss - self.rss_start > self.limits.memory_bytes - self.spent:
            raise TooBig(self.limits)


def _resident_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):  # not Linux: the guards and the time limit remain
        return -1


_local = threading.local()


def current_meter() -> Meter:
    """The meter of the expression running in this thread."""
    meter: Meter | None = getattr(_local, "meter", None)
    if meter is None:  # a guard called outside any expression: refuse rather than run unmetered
        raise NotAllowed("a function kept after its expression ended")
    return meter


@contextmanager
def within(shared: Budget) -> Iterator[Budget]:
    """Share `shared`'s time between every expression run inside this block (a running
    workflow's steps: a form submitted and what follows, or a timer job's rounds)."""
    previous = getattr(_local, "budget", None)
    _local.budget = shared
    try:
        yield shared
    finally:
        _local.budget = previous


class metered:
    """Run one expression under `limits`, within the current step's budget if there is one.

    A class rather than @contextmanager: it is entered for every expression, and the
    generator machinery would cost more than the checks it wraps.
    """

    __slots__ = ("began", "meter", "previous", "shared")

    def __init__(self, limits: Limits) -> None:
        self.shared: Budget | None = getattr(_local, "budget", None)
        self.meter = Meter(limits, self.shared.seconds_left if self.shared is not None else limits.seconds)
        self.previous: Meter | None = None
        self.began = 0.0

    def __enter__(self) -> Meter:
        self.previous = getattr(_local, "meter", None)
        _local.meter = self.meter
        self.began = time.perf_counter()
        return self.meter

    def __exit__(self, *exc_info: object) -> None:
        _local.meter = self.previous
        if self.shared is not None:
            self.shared.seconds_left -= time.perf_counter() - self.began
