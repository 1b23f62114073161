"""Event triggers mapped to ACLED event types (rules in data/event_types.yaml)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Trigger:
    start: int
    end: int
    text: str
    event_type: str
    sub_event_type: str
    state_sub_event_type: str | None
    effect: str


@dataclass(frozen=True)
class _Rule:
    regex: re.Pattern
    event_type: str
    sub_event_type: str
    state_sub_event_type: str | None
    effect: str


@lru_cache(maxsize=1)
def _rules() -> tuple[_Rule, ...]:
    data = yaml.safe_load(resources.files("frontline.data").joinpath("event_types.yaml").read_text(encoding="utf-8"))
    rules = []
    for row in data["triggers"]:
        body = "|".join(f"(?:{p})" for p in row["patterns"])
        rules.append(_Rule(re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.I), row["event_type"], row["sub_event_type"],
                           row.get("state_sub_event_type"), row.get("effect", "none")))
    return tuple(rules)


def find_triggers(sentence: str) -> list[Trigger]:
    """Non-overlapping trigger spans in a sentence; earlier rules win overlapping spans."""
    found: list[Trigger] = []
    for rule in _rules():
        for m in rule.regex.finditer(sentence):
            if any(m.start() < t.end and t.start < m.end() for t in found):
                continue
            found.append(Trigger(m.start(), m.end(), m.group(0), rule.event_type, rule.sub_event_type,
                                 rule.state_sub_event_type, rule.effect))
    found.sort(key=lambda t: t.start)
    return found
