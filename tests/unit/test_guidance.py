"""Guidance placeholders: a local setting in words, nothing else evaluated; publishing's checks."""

from __future__ import annotations

from app.timescales.guidance import UNKNOWN_SETTING_WORDS, documentation_problems, render_guidance
from app.timescales.settings import SETTINGS

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs">
  <bpmn:process id="p" name="A process">
    <bpmn:documentation>{process}</bpmn:documentation>
    <bpmn:userTask id="t" name="Hold the core group">
      <bpmn:documentation>{task}</bpmn:documentation>
    </bpmn:userTask>
  </bpmn:process>
</bpmn:definitions>"""


def diagram(task: str, process: str = "What the process is for.") -> str:
    return BPMN.format(task=task, process=process)


def test_a_placeholder_becomes_the_setting_in_words_and_the_rest_is_left_as_written() -> None:
    # Outside an app with a database each setting reads as its default (6 weeks, 95%, 1 working day).
    assert render_guidance("Within {setting: core_group_interval_weeks} of the last one.") == (
        "Within 6 weeks of the last one."
    )
    assert render_guidance("{setting:at_risk_attendance_percent} or less") == "95% or less"
    assert render_guidance("within { setting : icpc_decision_working_days }") == "within 1 working day"
    assert render_guidance("<b>{{ config }}</b> {% for x in y %}") == "<b>{{ config }}</b> {% for x in y %}"
    assert render_guidance(None) == "" and render_guidance("") == ""


def test_a_setting_of_zero_days_says_it_is_the_same_day() -> None:
    assert SETTINGS["strategy_discussion_working_days"].describe(0) == "0 working days (the same day)"
    assert SETTINGS["medical_needs_review_notice_days"].describe(1) == "1 day"


def test_an_unknown_placeholder_reads_as_plain_words_and_never_shows_its_name() -> None:
    shown = render_guidance("Due within {setting: core_group_interval_wekks}; {setting: __class__}.")
    assert shown == f"Due within {UNKNOWN_SETTING_WORDS}; {UNKNOWN_SETTING_WORDS}."
    assert "wekks" not in shown and "class" not in shown


def test_publishing_refuses_guidance_naming_an_unknown_setting_a_bare_key_or_template_syntax() -> None:
    assert documentation_problems(diagram("Within {setting: core_group_interval_weeks}.")) == []
    [unknown] = documentation_problems(diagram("Within {setting: core_group_interval_wekks}."), "cp.bpmn")
    assert unknown == (
        "cp.bpmn: the guidance for 'Hold the core group' names a setting that does not exist: "
        "{setting: core_group_interval_wekks}"
    )
    [bare] = documentation_problems(diagram("t", process="Every core_group_interval_weeks weeks."))
    assert "the guidance for 'A process' shows the setting name core_group_interval_weeks" in bare
    [jinja] = documentation_problems(diagram("Hello {{ child_name }}"))
    assert "uses {{ … }} or {% … %}" in jinja


def test_decision_table_descriptions_are_guidance_too() -> None:
    dmn = (
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"><decision id="d" name="Tier">'
        "<description>Up to {setting: at_risk_percent}</description></decision></definitions>"
    )
    [problem] = documentation_problems(dmn, "tiers.dmn")
    assert problem.startswith("tiers.dmn: the guidance for 'Tier' names a setting that does not exist")
