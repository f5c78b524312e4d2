"""Guidance written in a diagram, as the person reading it sees it.

A process owner writes task guidance and process explanations as the documentation of a
diagram's elements. Where a local setting decides a timescale, they write a placeholder:

    Hold the core group within {setting: core_group_interval_weeks} of the last one.

and the page shows the setting's current value in words ("within 6 weeks"), read when the page
is drawn, so an administrator's change shows at once.

The text is untrusted (anyone who may publish writes it), so it is never evaluated as a template:
the placeholders are found with one regular expression, everything else is left as plain text for
the page to escape, and nothing but a setting's value can be reached. A placeholder naming no
setting reads as plain words and never shows the name; publishing refuses such a diagram
(`documentation_problems`), so only a diagram published before a setting was removed can show them.

Why `{setting: name}` and not `{{ setting.name }}`: double braces are Jinja, and diagrams made in
spiff-arena carry Jinja instructions over task data that this product does not evaluate. A syntax
of its own cannot be mistaken for a template language that can do more, and publishing refuses
`{{ … }}` and `{% … %}` outright rather than show them to a user.

It lives beside the settings, below the workflow layer, so that publishing (app/workflow) can
refuse a diagram with `documentation_problems` and pages can render with `render_guidance`.
"""

from __future__ import annotations

import re

from lxml import etree

from app.timescales.settings import SETTINGS, local_setting

PLACEHOLDER = re.compile(r"\{\s*setting\s*:\s*([^{}]*?)\s*\}")
# Any setting's key as a word; longest first, so a key that begins another never hides it.
SETTING_KEY = re.compile(r"\b(" + "|".join(sorted(map(re.escape, SETTINGS), key=len, reverse=True)) + r")\b")
TEMPLATE_SYNTAX = re.compile(r"\{\{|\{%")
UNKNOWN_SETTING_WORDS = "the time your council has set"
# Text elements a person can read, in any namespace: BPMN documentation, DMN descriptions (a
# decision table's rules are shown with their descriptions as their meaning).
TEXT_ELEMENTS = ("{*}documentation", "{*}description")


def render_guidance(text: str | None) -> str:
    """`text` with every `{setting: name}` replaced by the setting's current value in words.

    Returns plain text (the page escapes it); "" for None. A placeholder naming no setting
    becomes UNKNOWN_SETTING_WORDS. Reads the settings once per request (they are cached in g).
    """
    if not text:
        return ""

    def words(match: re.Match[str]) -> str:
        setting = SETTINGS.get(match.group(1))
        return setting.describe(local_setting(setting.name)) if setting else UNKNOWN_SETTING_WORDS

    return PLACEHOLDER.sub(words, text)


def placeholders_in(text: str) -> list[str]:
    """The setting names the placeholders in `text` ask for, in order."""
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]


def without_placeholders(text: str) -> str:
    """`text` with its placeholders taken out: what is left must not name a setting."""
    return PLACEHOLDER.sub(" ", text)


def text_problems(text: str, where: str) -> list[str]:
    """What is wrong with one piece of guidance, each problem naming `where` it is."""
    problems = [
        f"{where} names a setting that does not exist: {{setting: {name}}}"
        for name in placeholders_in(text)
        if name not in SETTINGS
    ]
    rest = without_placeholders(text)
    problems += [
        f"{where} shows the setting name {key} to users: write {{setting: {key}}} for its value"
        for key in dict.fromkeys(m.group(1) for m in SETTING_KEY.finditer(rest))
    ]
    if TEMPLATE_SYNTAX.search(rest):
        problems.append(
            f"{where} uses {{{{ … }}}} or {{% … %}}, which this product shows as typed; "
            "write {setting: name} for a local setting's value"
        )
    return problems


def documentation_problems(diagram: bytes | str, filename: str = "") -> list[str]:
    """Every problem with the guidance in a BPMN or DMN document; [] when there is none.

    Guidance is each element's documentation (BPMN) or description (DMN). A problem is a
    placeholder naming no setting, a setting's name outside a placeholder (users would read the
    key), or template syntax this product does not fill in. Each message names the file and
    the element. A document that is not XML has no guidance to check (the parser says why).
    """
    data = diagram.encode("utf-8") if isinstance(diagram, str) else diagram
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return []
    problems: list[str] = []
    prefix = f"{filename}: " if filename else ""
    for element in root.iter(*TEXT_ELEMENTS):
        owner = element.getparent()
        named = (
            (owner.get("name") or owner.get("id") or "the diagram") if owner is not None else "the diagram"
        )
        problems += text_problems(element.text or "", f"{prefix}the guidance for '{named}'")
    return problems
