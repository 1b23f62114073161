"""Quantities as stated in prose: number, unit, bound; conversions through pint.

``find_quantities(sentence)`` returns every number-with-unit (or vague count such as
"thousands of refugees") with its offsets in the sentence, its bound ("more than",
"nearly", a range ...) and the unit's dimension (length, area, duration, speed, count).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pint

_UREG = None


def ureg() -> pint.UnitRegistry:
    global _UREG
    if _UREG is None:
        _UREG = pint.UnitRegistry()
    return _UREG


def convert(value: float, unit: str, to: str) -> float:
    """Convert ``value`` from pint unit ``unit`` to ``to`` (e.g. "mile" -> "kilometer")."""
    if unit == to:
        return float(value)
    q = ureg().Quantity(value, unit)
    return float(q.to(to).magnitude)


# ---------------------------------------------------------------------------
# numbers
_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "a dozen": 12, "half a": 0.5, "a couple of": 2, "a few": 3, "several": 3,
}
_MULT = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDNUM = (r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|"
            r"seven|eight|nine))?|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|"
            r"nineteen|one|two|three|four|five|six|seven|eight|nine|ten|a dozen|half a|an?")
_MULTS = r"(?:\s+(?:hundred|thousand|million|billion))*"
NUMBER = rf"(?:(?:{_DIGITS})(?:\s*(?:hundred|thousand|million|billion|bn|m\b))*|(?:{_WORDNUM}){_MULTS})"
_VAGUE = (r"(?:hundreds of thousands|tens of thousands|thousands|hundreds|dozens|millions|tens)"
          r"(?= of\b)")


def parse_number(text: str) -> float | None:
    t = text.strip().lower().replace("-", " ")
    m = re.match(rf"^({_DIGITS})(.*)$", t)
    if m:
        value = float(m.group(1).replace(",", ""))
        rest = m.group(2).split()
    else:
        parts = t.split()
        value = None
        rest = []
        # greedy match of word numbers ("twenty five", "half a", "a dozen")
        i = 0
        acc = 0.0
        while i < len(parts):
            two = " ".join(parts[i:i + 2])
            if two in _WORDS and two not in ("a", "an"):
                acc += _WORDS[two]
                i += 2
            elif parts[i] in _WORDS:
                acc += _WORDS[parts[i]]
                i += 1
            else:
                break
        if i == 0:
            return None
        value = acc
        rest = parts[i:]
    for word in rest:
        if word in _MULT:
            value *= _MULT[word]
        elif word == "bn":
            value *= 1e9
        elif word == "m":
            value *= 1e6
    return value


# ---------------------------------------------------------------------------
# units: regex -> (pint unit, dimension)
_UNITS: list[tuple[str, str, str]] = [
    (r"square\s+kilomet(?:er|re)s?|sq\.?\s*km|km2|km²|square\s+km", "square_kilometer", "area"),
    (r"square\s+miles?|sq\.?\s*mi(?:les?)?", "square_mile", "area"),
    (r"hectares?", "hectare", "area"),
    (r"nautical\s+miles?|nmi|NM", "nautical_mile", "length"),
    (r"kilomet(?:er|re)s?|kms?|klicks?", "kilometer", "length"),
    (r"miles?|mi\b", "mile", "length"),
    (r"km/h|kilomet(?:er|re)s?\s+(?:per|an|a)\s+hour|kph", "kilometer_per_hour", "speed"),
    (r"mph|miles\s+(?:per|an|a)\s+hour", "mile_per_hour", "speed"),
    (r"percent|per cent|%", "percent", "share"),
    (r"years?", "year", "duration"),
    (r"months?", "month", "duration"),
    (r"weeks?", "week", "duration"),
    (r"days?", "day", "duration"),
    (r"decades?", "decade", "duration"),
    (r"hours?", "hour", "duration"),
]
# order matters: speed before plain length
_UNITS = [u for u in _UNITS if u[2] == "speed"] + [u for u in _UNITS if u[2] != "speed"]
_UNIT_RE = "|".join(f"(?:{u[0]})" for u in _UNITS)

_BOUNDS: list[tuple[str, str]] = [
    (r"no more than|not more than|at most|a maximum of|up to|as many as|as much as", "at_most"),
    (r"no (?:less|fewer) than|not (?:less|fewer) than|at least|a minimum of|no under", "at_least"),
    (r"more than|over|upwards of|in excess of|well over|just over|above|beyond|greater than", "more_than"),
    (r"less than|fewer than|under|below|just under|not even|barely", "less_than"),
    (r"nearly|almost|close to|just shy of|getting on for|short of", "nearly"),
    (r"about|around|roughly|approximately|some|an estimated|estimated|circa|approx\.?|on the order of|"
     r"a little over|a little under|give or take", "about"),
]
_BOUND_RE = "|".join(f"(?:{b[0]})" for b in _BOUNDS)

QUANTITY_RE = re.compile(
    rf"(?:(?P<bound>{_BOUND_RE})\s+)?"
    rf"(?:(?P<between>between)\s+)?"
    rf"(?P<num>{NUMBER})"
    rf"(?:\s*(?:-|–|—|to|and)\s*(?P<num2>{NUMBER}))?"
    rf"(?:\s*-?\s*(?P<unit>{_UNIT_RE}))(?![A-Za-z])",
    re.IGNORECASE,
)
# counts: number followed by a plural noun ("500,000 jihad fighters", "thousands of refugees")
COUNT_NOUNS = (r"fighters|militants|jihadists|jihadis|soldiers|troops|refugees|migrants|people|civilians|"
               r"men|women|children|recruits|mujahideen|operatives|members|volunteers|dead|deaths|casualties|"
               r"killed|wounded|injured|boats|vessels|aircraft|jets|planes|drones|tanks|vehicles|rockets|missiles|"
               r"attacks|bombings|strikes|airstrikes|air strikes|towns|villages|cities|prisoners|hostages|"
               r"displaced|lives|guards|police|officers|families|residents|settlers|immigrants|warriors|"
               r"combatants|insurgents|rebels|mercenaries")
COUNT_RE = re.compile(
    rf"(?:(?P<bound>{_BOUND_RE})\s+)?"
    rf"(?:(?P<vague>{_VAGUE})|(?P<num>{NUMBER}))"
    rf"(?:\s*(?:-|–|to|and)\s*(?P<num2>{NUMBER}))?"
    rf"(?P<gap>(?:\s+of)?(?:\s+(?:the|their|its|his|our|new|more|foreign|armed|[a-z]+-?[a-z]*)){{0,3}}?)\s+"
    rf"(?P<noun>{COUNT_NOUNS})\b",
    re.IGNORECASE,
)
_VAGUE_VALUES = {"hundreds of thousands": 100_000, "tens of thousands": 10_000, "thousands": 1000,
                 "hundreds": 100, "dozens": 12, "millions": 1_000_000, "tens": 10}


@dataclass
class Quantity:
    start: int
    end: int
    text: str
    value: float
    value_high: float | None
    unit: str | None  # pint unit name, None for counts
    dimension: str  # length, area, duration, speed, count
    bound: str  # exact, more_than, ..., range, vague
    noun: str | None = None  # the counted noun for counts


@lru_cache(maxsize=64)
def _unit_lookup(unit_text: str) -> tuple[str, str]:
    for pattern, unit, dim in _UNITS:
        if re.fullmatch(pattern, unit_text, flags=0 if pattern.endswith("NM") and unit_text == "NM"
                        else re.IGNORECASE):
            return unit, dim
    return "kilometer", "length"


def _bound_of(text: str | None) -> str:
    if not text:
        return "exact"
    t = " ".join(text.lower().split())
    for pattern, name in _BOUNDS:
        if re.fullmatch(pattern, t):
            return name
    return "exact"


_NEGATION_BEFORE = re.compile(r"\b(?:not|never|isn't|aren't|wasn't|weren't|nowhere near)\s+(?:even\s+)?$",
                              re.IGNORECASE)
_FLIP = {"more_than": "at_most", "at_least": "less_than", "less_than": "at_least", "at_most": "more_than"}


def find_quantities(sentence: str) -> list[Quantity]:
    """Measured quantities (length, area, duration, speed) and counts in a sentence, left to right."""
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for m in QUANTITY_RE.finditer(sentence):
        num = parse_number(m.group("num"))
        if num is None:
            continue
        unit, dim = _unit_lookup(m.group("unit"))
        # "a year", "one day" without bound are usually not quantities worth checking
        if dim == "duration" and m.group("num").lower() in ("a", "an") and not m.group("bound"):
            continue
        if dim != "duration" and m.group("num").lower() in ("a", "an", "half a"):
            continue
        bound = _bound_of(m.group("bound"))
        high = None
        if m.group("num2"):
            high = parse_number(m.group("num2"))
            if high is not None and high > num:
                bound = "range"
            else:
                high = None
        start = m.start()
        neg = _NEGATION_BEFORE.search(sentence[max(0, start - 25):start])
        if neg and bound in _FLIP:
            bound = _FLIP[bound]
            start = start - (len(sentence[max(0, m.start() - 25):m.start()]) - neg.start())
        elif neg and bound in ("exact", "about", "nearly"):
            bound = "not"
            start = start - (len(sentence[max(0, m.start() - 25):m.start()]) - neg.start())
        found.append(Quantity(start, m.end(), sentence[start:m.end()], num, high, unit, dim, bound))
        taken.append((m.start(), m.end()))
    for m in COUNT_RE.finditer(sentence):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        if m.group("vague"):
            value = float(_VAGUE_VALUES[m.group("vague").lower()])
            bound = "vague"
            high = None
        else:
            raw = m.group("num")
            if raw.lower() in ("a", "an", "half a", "one"):
                continue
            value = parse_number(raw)
            if value is None:
                continue
            # years ("in 2014 fighters ...") are not counts
            if re.fullmatch(r"(1[89]|20)\d\d", raw.strip()) and not m.group("bound"):
                continue
            bound = _bound_of(m.group("bound"))
            high = parse_number(m.group("num2")) if m.group("num2") else None
            if high is not None and high > value:
                bound = "range"
            else:
                high = None
        gap = (m.group("gap") or "").lower()
        if re.search(r"\b(?:years?|months?|days?|weeks?|miles?|km|and|or|were|was|had|have|has|been|are|is|"
                     r"who|which|that|to|from|in|on|at|by|with)\b", gap):
            continue  # "20 buildings and killed", "two commanders were killed": not one noun phrase
        found.append(Quantity(m.start(), m.end(), m.group(0), value, high, None, "count", bound,
                              noun=m.group("noun").lower()))
    found.sort(key=lambda q: q.start)
    return found


BOUND_WORDS = {
    "exact": "", "more_than": "more than", "less_than": "less than", "at_least": "at least",
    "at_most": "at most", "nearly": "nearly", "about": "about", "range": "between", "vague": "vague",
    "not": "not",
}
