"""Diagram expressions run with limits on time and memory (issue 8, item 8), without a database.

Each attack below would freeze a request, the scheduler or the database if it ran unchecked:
a single C-level call (`sum(range(10**11))`, `'a' * 10**9`), a pure-Python loop, or a helper
given an absurd argument. With the limits each one fails its step with an EngineError in
plain words, about as soon as the limit passes, and everyday expressions still work.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

import pytest

from app.engine import Engine, EngineError, Limits, RunningWorkflow, parse_diagram
from app.workflow.helpers import diagram_helpers
from tests.fixtures.diagrams import due_step, script_step, stepped, timer_step, two_step

LIMITS = Limits(seconds=0.25, memory_bytes=16 * 1024 * 1024)
# "At once": the limit plus a margin for a slow, shared test machine (the issue asks for
# under 3 s with a 1 s limit; these tests use a quarter of a second).
SOON = LIMITS.seconds + 1.5

SLOW = r"took longer than 0\.25 seconds"
BIG = r"would need more than 16 MB of memory"
HUGE = r"would make (a number with more than 4,000 digits|a range of more than|values nested)"
REFUSED = r"cannot use"


@pytest.fixture
def engine() -> Engine:
    return Engine(diagram_helpers(), LIMITS)


def start(engine: Engine, xml: bytes) -> RunningWorkflow:
    return engine.start(parse_diagram(xml, "t.bpmn"), {"referral_date": "2026-12-04"})


def submit_first(engine: Engine, xml: bytes) -> tuple[EngineError, float]:
    """Start the diagram, submit its first task, and return the error and how long it took."""
    running = start(engine, xml)
    [first] = running.ready_tasks()
    began = time.perf_counter()
    with pytest.raises(EngineError) as caught:
        running.complete_task(first.id, {"note": "go"})
    return caught.value, time.perf_counter() - began


CONDITIONS = [
    ("sum(range(10**11)) > 0", HUGE),
    ("max(range(10**11)) > 0", HUGE),
    ("None in range(10**11)", HUGE),
    ("len('a' * 10**9) > 0", BIG),
    ("10**10**9 > 0", HUGE),
    ("(1 << 10**9) > 0", HUGE),
    ("len(str(10**4000 * 10**4000)) > 0", HUGE),
    ("len([0] * 10**9) > 0", BIG),
    ("len('x'.ljust(10**9)) > 0", BIG),
    ("len(f'{1:>{10**9}}') > 0", BIG),
    ("len(f'{1.5:.{10**9}f}') > 0", BIG),
    ("len(('a' * 10**6).replace('a', 'a' * 100)) > 0", BIG),
    ("len(','.join(['a' * 10**6] * 100)) > 0", BIG),
    ("len(list('a' * 4 * 10**6)) > 0", BIG),
    ("len(str(['a' * 10**6] * 100)) > 0", BIG),
    ("len(f\"{['a' * 10**6] * 100}\") > 0", BIG),
    ("['a' * 10**6] * 100 == ['a' * 10**6] * 100", BIG),
    ("len(set(range(200000)) | set(range(200000, 400000))) > 0", BIG),
    ("len({**{'a': 1}}) > 0", REFUSED),
    ("max(*[1, 2]) > 0", REFUSED),
    ("sum([[0] * 10] * 10**5, []) == []", REFUSED),
    ("len('%*d' % (10**9, 1)) > 0", REFUSED),
    ("len('{:>1000000000}'.format(1)) > 0", REFUSED),
    ("len((1).to_bytes(10**9, 'big')) > 0", REFUSED),
    ("len(bytes(10**10)) > 0", r"'bytes' is not defined"),
    # The list grows as it runs: the memory backstop may stop it before the clock does.
    ("len([1 for a in range(10**5) for b in range(10**5)]) > 0", rf"{SLOW}|{BIG}"),
    ("any(a * b < 0 for a in range(10**5) for b in range(10**5))", SLOW),
    # A shared structure of 40 levels is 2**40 values to print or compare, in one C call.
    ("(a := [0]) and len([(a := [a, a]) for _ in range(40)]) > 0 and str(a) != ''", BIG),
    ("(a := [0]) and (b := [0]) and len([(a := [a, a], b := [b, b]) for _ in range(40)]) and a == b", BIG),
    ("(a := (0,)) and len([(a := (a, a)) for _ in range(40)]) > 0 and len({a}) > 0", BIG),
    ("(lambda f: f(f))(lambda f: f(f))", r"recursion"),
    ("add_working_days(referral_date, 10**9) > ''", r"at most"),
    ("working_days_between('0001-01-01', '9999-12-31') > 0", r"at most"),
    ("add_working_days(referral_date, 1.5) > ''", r"integer"),  # 1.5 would never count down to 0
    ("add_days(referral_date, 10**9) > ''", r"Days are counted at most 7,320"),
    ("add_months(referral_date, 10**9) > ''", r"Months are counted at most 240"),
    ("review_cycle(referral_date, 0) > ''", r"repeats every 1 to 240 months"),
]


@pytest.mark.parametrize(("condition", "expected"), CONDITIONS, ids=[c for c, _ in CONDITIONS])
def test_a_runaway_condition_fails_the_step_within_the_limit(
    engine: Engine, condition: str, expected: str
) -> None:
    error, took = submit_first(engine, two_step(condition=escape(condition)))
    assert took < SOON, f"took {took:.2f} s"
    assert re.search(expected, error.message, re.IGNORECASE), error.message
    assert "Traceback" not in error.message and "<" not in error.message.split(":")[0]


SCRIPTS = [
    ("while True:\n    pass", SLOW),
    ("x = 0\nwhile True:\n    x += 1", SLOW),
    ("total = 0\nfor a in range(10**5):\n    for b in range(10**5):\n        total += a * b", SLOW),
    ("def f(n):\n    return f(n - 1) + f(n - 1) if n else 1\nresult = f(40)", SLOW),
    ("g = lambda n: g(n - 1) + g(n - 1) if n else 1\nresult = g(40)", SLOW),
    ("text = 'a'\nwhile True:\n    text = text + text", BIG),
    ("items = []\nwhile True:\n    items.append([0, 0, 0, 0, 0, 0, 0, 0, 0, 0])", rf"{BIG}|{SLOW}"),
    ("seen = {}\nwhile True:\n    seen[len(seen)] = [len(seen)]", rf"{BIG}|{SLOW}"),
    ("text = 'a' * 10**6\nkept = []\nwhile True:\n    kept.append(text.upper())", BIG),
    ("text = 'a' * 10**6\nkept = []\nwhile True:\n    kept.append(text[1:])", BIG),
    ("items = [0] * 10**5\nkept = []\nwhile True:\n    kept.append(items.copy())", BIG),
    ("big = 7 ** 100000", HUGE),
    ("items = [0]\nfor _ in range(60):\n    items = [items, items]", HUGE),
    ("numbers = (n for n in range(3))", r"cannot be saved"),
    ("try:\n    x = 1\nexcept Exception:\n    x = 2", REFUSED),
    ("class Thing:\n    pass", REFUSED),
    ("print('hello')", REFUSED),
    ("import os\nx = os.getpid()", REFUSED),
]


@pytest.mark.parametrize(("script", "expected"), SCRIPTS, ids=[s.split("\n")[-1].strip() for s, _ in SCRIPTS])
def test_a_runaway_script_fails_the_step_within_the_limit(engine: Engine, script: str, expected: str) -> None:
    error, took = submit_first(engine, stepped(script_step(script)))
    assert took < SOON, f"took {took:.2f} s"
    assert re.search(expected, error.message, re.IGNORECASE), error.message


@pytest.mark.parametrize(
    "expression",
    ["int(amount) > 0", "round(amount) > 0", "len(f'{amount:f}') > 0", "len(f'{amount:.2%}') > 0"],
)
def test_a_huge_decimal_from_a_form_is_not_expanded_into_a_billion_digits(
    engine: Engine, expression: str
) -> None:
    """A decimal field typed as 1e999999999 is a short value until it is written out in full."""
    running = start(engine, two_step(condition=escape(expression)))
    [first] = running.ready_tasks()
    began = time.perf_counter()
    with pytest.raises(EngineError) as caught:
        running.complete_task(first.id, {"note": "go", "amount": Decimal("1e999999999")})
    assert time.perf_counter() - began < SOON
    assert "a number with more than 4,000 digits" in caught.value.message


def test_the_message_says_what_kind_of_expression_failed_where_in_plain_words(engine: Engine) -> None:
    error, _ = submit_first(engine, stepped(script_step("while True:\n    pass", name="Decide the tier")))
    assert error.message == "A script in the diagram took longer than 0.25 seconds at 'Decide the tier'"
    assert error.task_name == "Decide the tier"
    error, _ = submit_first(engine, two_step(condition=escape("len('a' * 10**9) > 0")))
    assert error.message.startswith("A condition in the diagram would need more than 16 MB of memory")
    error, _ = submit_first(engine, stepped(timer_step("'a' * 10**9")))
    assert error.message.startswith("A timer in the diagram would need more than 16 MB of memory")
    assert error.message.endswith("at 'Wait for the date'")


@pytest.mark.parametrize(
    "expression",
    [
        "add_days(today(), sum(range(10**11)))",
        "add_days(today(), len([1 for a in range(10**5) for b in range(10**5)]))",
        "add_working_days(today(), 10**9)",
    ],
)
def test_a_runaway_due_date_fails_within_the_limit(engine: Engine, expression: str) -> None:
    running = start(engine, stepped(due_step(expression)))
    [first] = running.ready_tasks()
    running.complete_task(first.id, {"note": "go"})
    [step] = running.ready_tasks()
    began = time.perf_counter()
    with pytest.raises(EngineError) as caught:
        running.due_at(step.id)
    assert time.perf_counter() - began < SOON
    assert re.search(
        r"^The (due date in the diagram|process could not work out a due date)", caught.value.message
    )
    assert "at 'Then this'" in caught.value.message


def test_expressions_of_one_step_share_the_time_limit(engine: Engine) -> None:
    """Twenty scripts in a row, each well under the limit, stop after about one limit in all.

    Each counts to 100,000: a few tens of milliseconds, so twenty take several times the limit
    on a fast machine and each stays under it on a slow one."""
    scripts = "".join(
        f'<bpmn:scriptTask id="s{i}" name="Count {i}"><bpmn:script>n = 0\nfor _ in range(100000):\n'
        f"    n += 1</bpmn:script></bpmn:scriptTask>"
        f'<bpmn:sequenceFlow id="to_s{i + 1}" sourceRef="s{i}" targetRef="s{i + 1}" />'
        for i in range(20)
    ).replace('targetRef="s20"', 'targetRef="step"')
    xml = stepped(scripts + '<bpmn:scriptTask id="step"><bpmn:script>m = 1</bpmn:script></bpmn:scriptTask>')
    xml = xml.replace(b'<bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="step" />', b"")
    xml = xml.replace(
        b"</bpmn:laneSet>",
        b"</bpmn:laneSet>" + b'<bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="s0" />',
    )
    lone = Engine(diagram_helpers(), Limits(seconds=10, memory_bytes=LIMITS.memory_bytes))
    began = time.perf_counter()
    running = start(lone, xml)
    [first] = running.ready_tasks()
    running.complete_task(first.id, {"note": "go"})  # with room for all twenty, they run
    each = (time.perf_counter() - began) / 20
    assert each < LIMITS.seconds, f"each script took {each:.2f} s; the test needs them shorter"
    error, took = submit_first(engine, xml)
    assert took < SOON
    assert re.search(SLOW, error.message), error.message
    assert re.search(r"at 'Count \d+'", error.message)


EVERYDAY = [
    ("add_working_days(referral_date, 45)[:10]", "2027-02-10"),
    ("tier == 4 or needs == 'yes'", True),
    ("len(support) > 0 and result in ('not_engaged', 'not_working')", True),
    ('tier_label + " (attendance now " + str(percent) + "%)"', "Severely absent (attendance now 41.5%)"),
    ("[s.strip().title() for s in support if s]", ["Mentoring", "Family Support"]),
    ("{k: v for k, v in {'a': 1, 'b': 2}.items() if v > 1}", {"b": 2}),
    ("f'{percent:.0f}% of {len(support)} sessions'", "42% of 3 sessions"),
    ("sorted(support, key=lambda s: s.lower())[0]", ""),
    ("', '.join(s for s in support if s).upper()", " MENTORING, FAMILY SUPPORT"),
    ("sum(x * 2 for x in range(10)) + 2 ** 10 + (1 << 4) + 7 % 3", 1131),
    ("len(str(10**3999)) + len(str(-(7**4732)))", 8001),  # 4,000 digits each: the most allowed
    ("max(3, 7) - min([4, 2]) + abs(-1) + round(2.567, 1)", 8.6),
    ("'-'.join(['a'] * 3) + 'x'.zfill(3) + 'b' * 2", "a-a-a00xbb"),
    ("list(range(3)) + [n for n in reversed(range(2))]", [0, 1, 2, 1, 0]),
    ("{'when': today()[:4] > '2000', 'set': sorted({3, 1, 2})}", {"when": True, "set": [1, 2, 3]}),
    ("sorted(set(support) - {''}) + support[1:2]", [" mentoring", "family support", "family support"]),
    ("tier - 1 + len({'a': 1} | {'b': 2}) - len({1, 2} & {2})", 4),
]


@pytest.mark.parametrize(("expression", "expected"), EVERYDAY, ids=[e for e, _ in EVERYDAY])
def test_everyday_expressions_still_work(engine: Engine, expression: str, expected: Any) -> None:
    data = {
        "referral_date": "2026-12-04",
        "tier": 4,
        "needs": "no",
        "support": [" mentoring", "family support", ""],
        "result": "not_engaged",
        "tier_label": "Severely absent",
        "percent": 41.5,
    }
    assert engine.evaluate(expression, data) == expected


def test_everyday_scripts_still_work(engine: Engine) -> None:
    script = """
count = 0
names = []
for person in people:
    if person['age'] < 18:
        count += 1
        names.append(person['name'])
while count > 5:
    count -= 1
def initials(name):
    return ''.join(part[0] for part in name.split())
summary = {'children': count, 'initials': [initials(n) for n in names]}
text = f"{count} child{'ren' if count != 1 else ''}"
"""
    running = start(engine, stepped(script_step(script)))
    [first] = running.ready_tasks()
    people = [{"name": "Amy Lee", "age": 9}, {"name": "Bo Chan Ma", "age": 12}, {"name": "Cy", "age": 40}]
    running.complete_task(first.id, {"note": "go", "people": people})
    assert running.data["summary"] == {"children": 2, "initials": ["AL", "BCM"]}
    assert running.data["text"] == "2 children"


@pytest.fixture
def no_limits_engine() -> Iterator[Engine]:
    yield Engine(diagram_helpers(), None)


def test_with_the_limits_off_diagrams_are_still_compile_restricted(no_limits_engine: Engine) -> None:
    """The switch the bench uses: no limits, but never plain eval."""
    assert no_limits_engine.evaluate("sum(x for x in range(10))", {}) == 45
    with pytest.raises(SyntaxError):
        no_limits_engine.evaluate("().__class__", {})
