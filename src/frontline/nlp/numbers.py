"""Numbers in words and digits, and fatality figures with low/best/high like UCDP."""
from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {"zero": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
          "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
          "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
          "a dozen": 12, "dozen": 12, "a hundred": 100, "hundred": 100}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "k": 1_000, "m": 1_000_000}
NUMBER = (r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(?:thousand|million|k\b))?|"
          r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](?:one|two|three|four|five|six|seven|eight|nine)|"
          r"zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
          r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a dozen|dozen|a hundred)"
          r"(?:\s+(?:hundred|thousand|million))?")


def parse_number(text: str) -> float | None:
    """'1,300' -> 1300, 'two' -> 2, 'twenty-five' -> 25, '2.5 million' -> 2500000; None if not a number."""
    t = text.strip().lower().replace("\u2009", "")
    m = re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(thousand|million|k|m)?", t)
    if m:
        value = float(m.group(1).replace(",", ""))
        return value * _SCALES[m.group(2)] if m.group(2) else value
    words = re.split(r"[\s-]+", t)
    total, current = 0.0, 0.0
    i = 0
    matched = False
    while i < len(words):
        w = words[i]
        if i + 1 < len(words) and f"{w} {words[i + 1]}" in _UNITS:
            current += _UNITS[f"{w} {words[i + 1]}"]
            i += 2
            matched = True
            continue
        if w in _UNITS:
            current += _UNITS[w]
            matched = True
        elif w in ("hundred",):
            current = (current or 1) * 100
        elif w in ("thousand", "million"):
            total += (current or 1) * _SCALES[w]
            current = 0
        elif w == "and":
            pass
        else:
            return None
        i += 1
    return total + current if matched else None


@dataclass
class Fatalities:
    low: int | None
    best: int | None
    high: int | None
    start: int
    end: int
    text: str


_VICTIM = (r"(?:people|persons|civilians|fighters|militants|soldiers|members|children|women|men|policemen|"
           r"police officers|troops|combatants|jihadists|rebels|gunmen|workers|migrants|residents|"
           r"[A-Za-z’'-]+\s+(?:fighters|militants|members|soldiers|troops|civilians)|"
           r"(?:of\s+)?(?:the\s+)?[A-Za-z’'-]+\s+(?:forces|members|fighters)|others)")
_KILLED = r"(?:killed|dead|died|slain|executed|beheaded|lost their lives|perished|massacred|shot dead|martyred)"
_BOUND = r"(?P<bound>at least|more than|over|nearly|almost|about|around|some|up to|as many as|at most|roughly|approximately)?\s*"
_NUM = rf"(?P<n>{NUMBER})"
_RANGE = rf"(?P<lo>{NUMBER})\s*(?:-|–|to|and)\s*(?P<hi>{NUMBER})"

_FATALITY_PATTERNS = [
    # "between 12 and 30 people were killed", "12 to 30 killed"
    re.compile(rf"\b(?:between\s+)?{_RANGE}\s+(?:{_VICTIM}\s+)?(?:\w+\s+){{0,3}}?(?:were\s+|was\s+|have been\s+|had been\s+)?{_KILLED}", re.I),
    # "at least 12 people were killed", "55 people were killed yesterday", "9 ISIS members killed"
    re.compile(rf"\b{_BOUND}{_NUM}\s+(?:{_VICTIM}\s+)?(?:[\w’'-]+\s+){{0,4}}?(?:were\s+|was\s+|have been\s+|had been\s+|are\s+)?{_KILLED}", re.I),
    # "killed at least 12 people", "killing 5", "kill 3 civilians"
    re.compile(rf"\b(?:killed|killing|kills|kill|the killing of|claims? the lives of|claimed the lives of|leaving|leaves|left)\s+{_BOUND}{_NUM}\b(?!\s*(?:km|kilomet|miles|%|percent|hours|days))", re.I),
    # "leaves 7 martyrs", "11 martyrs in shelling"
    re.compile(rf"\b{_BOUND}{_NUM}\s+(?:[\w’'-]+\s+){{0,2}}?martyrs\b", re.I),
    # "death toll rose to 25", "the death of 9 ISIS members"
    re.compile(rf"\b(?:death toll|toll|number of (?:the )?(?:dead|casualties|fatalities|deaths))\s+(?:\w+\s+){{0,3}}?(?:to|at|of|reached|reaches|rises to|rose to)\s+{_BOUND}{_NUM}", re.I),
    re.compile(rf"\b(?:the\s+)?deaths?\s+of\s+{_BOUND}{_NUM}\b", re.I),
    re.compile(rf"\b{_BOUND}{_NUM}\s+(?:deaths|fatalities|dead)\b", re.I),
]


# "13 dead and wounded", "5 persons were killed and captured": one number for the dead and others together
_COMBINED = re.compile(r"\s*(?:and|or|&|/)\s+(?:wounded|injured|injuries|injures|injure|captured|missing|arrested)\b", re.I)


def fatalities(text: str) -> Fatalities | None:
    """The fatality figure a sentence states, with its bounds: 'at least 12' -> low 12, best 12, high None.
    A number that counts the dead together with the wounded or captured is not a fatality figure."""
    for regex in _FATALITY_PATTERNS:
        m = regex.search(text)
        if not m:
            continue
        if not m.group(0)[-1:].isdigit() and _COMBINED.match(text, m.end()):
            continue  # "20 dead and wounded"; but "kills 6 and injures dozens" counts the 6 dead
        g = m.groupdict()
        if g.get("lo") and g.get("hi"):
            lo, hi = parse_number(g["lo"]), parse_number(g["hi"])
            if lo is None or hi is None:
                continue
            return Fatalities(int(lo), int(round((lo + hi) / 2)), int(hi), m.start(), m.end(), m.group(0))
        n = parse_number(g["n"]) if g.get("n") else None
        if n is None or n > 100_000:
            continue
        n = int(n)
        bound = (g.get("bound") or "").lower()
        if bound in ("at least", "more than", "over"):
            return Fatalities(n, n, None, m.start(), m.end(), m.group(0))
        if bound in ("up to", "as many as", "at most"):
            return Fatalities(None, n, n, m.start(), m.end(), m.group(0))
        return Fatalities(n, n, n, m.start(), m.end(), m.group(0))
    return None
