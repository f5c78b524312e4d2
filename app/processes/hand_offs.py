"""How the published processes hand cases to each other, and their decision tables, for the library pages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from app.models import ProcessVersion
from app.workflow.library import get_library

DMN = "{https://www.omg.org/spec/DMN/20191111/MODEL/}"


@dataclass(frozen=True)
class HandOffs:
    started_by: list[str]  # names of the processes that hand cases to this one
    hands_to: list[str]  # names of the processes this one hands cases to


def hand_offs(versions: list[ProcessVersion]) -> dict[str, HandOffs]:
    """For each current version (by process id), who hands cases to it and to whom it hands them."""
    library = get_library()
    diagrams = {v.process_id: library.diagram_for(v) for v in versions}
    names = {v.process_id: v.name for v in versions}
    receiver = {d.start_message: pid for pid, d in diagrams.items() if d.start_message}
    result: dict[str, HandOffs] = {pid: HandOffs([], []) for pid in diagrams}
    for pid, diagram in diagrams.items():
        for message in sorted(diagram.thrown_messages):
            to = receiver.get(message)
            if to is not None and names[to] not in result[pid].hands_to:
                result[pid].hands_to.append(names[to])
                result[to].started_by.append(names[pid])
    for entry in result.values():
        entry.started_by.sort()
        entry.hands_to.sort()
    return result


@dataclass(frozen=True)
class DecisionTable:
    name: str
    hit_policy: str
    inputs: list[str]
    outputs: list[str]
    rules: list[tuple[list[str], list[str], str]]  # input cells, output cells, annotation


@lru_cache(maxsize=32)
def decision_tables(content_hash: str, dmn_xml: str) -> list[DecisionTable]:
    """The DMN decision tables of a version, as rows a process owner can read."""
    if not dmn_xml.strip():
        return []
    root = etree.fromstring(dmn_xml.encode("utf-8"))
    ns = root.tag.split("}")[0] + "}" if root.tag.startswith("{") else DMN
    tables = []
    for decision in root.iter(f"{ns}decision"):
        table = decision.find(f"{ns}decisionTable")
        if table is None:
            continue
        inputs = [
            i.get("label") or " ".join(i.findtext(f"{ns}inputExpression/{ns}text", "").split())
            for i in table.findall(f"{ns}input")
        ]
        outputs = [o.get("label") or o.get("name") or "" for o in table.findall(f"{ns}output")]
        rules = [
            (
                [" ".join((c.findtext(f"{ns}text") or "-").split()) for c in rule.findall(f"{ns}inputEntry")],
                [" ".join((c.findtext(f"{ns}text") or "").split()) for c in rule.findall(f"{ns}outputEntry")],
                " ".join((rule.findtext(f"{ns}description") or "").split()),
            )
            for rule in table.findall(f"{ns}rule")
        ]
        name = decision.get("name") or decision.get("id") or ""
        tables.append(DecisionTable(name, table.get("hitPolicy", "UNIQUE"), inputs, outputs, rules))
    return tables
