"""Date expressions resolved against a document's publication date.

Covers what news reports use: "yesterday", "three days ago", "on Monday", "on
February 13", "13 February 2015", "last week/month", "several days ago",
"recently", ISO dates and "18/02/2016". Each result carries ACLED's
time_precision (1 day, 2 week, 3 month; 4 = unknown).
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from frontline.nlp.numbers import parse_number
from frontline.records import (TIME_PRECISION_DAY, TIME_PRECISION_MONTH, TIME_PRECISION_UNKNOWN,
                               TIME_PRECISION_WEEK, ResolvedDate)

MONTHS = {m: i for i, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")], 1) for m in names}
WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_NUMWORD = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|few|several|a couple of)"

_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b")),
    ("dmy_slash", re.compile(r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>(?:19|20)\d\d)\b")),
    ("mdy", re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>(?:19|20)\d\d))?\b", re.I)),
    ("dmy", re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<y>(?:19|20)\d\d))?\b", re.I)),
    ("month_year", re.compile(rf"\b(?:in\s+|since\s+|during\s+|early\s+|late\s+|mid-?)?{_MONTH}\s+(?P<y>(?:19|20)\d\d)\b", re.I)),
    ("year", re.compile(r"\b(?:in|since|during|by|of)\s+(?P<y>(?:19|20)\d\d)\b", re.I)),
    ("ago", re.compile(rf"\b(?P<n>{_NUMWORD})\s+(?P<unit>day|days|week|weeks|month|months)\s+ago\b", re.I)),
    ("yesterday", re.compile(r"\b(?:yesterday|last night|overnight|the day before)\b", re.I)),
    ("today", re.compile(r"\b(?:today|this morning|this afternoon|this evening|tonight|on the same day)\b", re.I)),
    ("weekday", re.compile(r"\b(?:on\s+|last\s+|since\s+|early\s+|late\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", re.I)),
    ("last", re.compile(r"\b(?:last|past|previous|earlier this)\s+(?P<unit>week|month|weekend)\b", re.I)),
    ("last_year", re.compile(r"\b(?:last year|the previous year|a year ago)\b", re.I)),
    ("recently", re.compile(r"\b(?:recently|in recent days|in recent weeks|these days|currently|now)\b", re.I)),
]


def _parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str, published: str | None) -> list[ResolvedDate]:
    """Every date expression in ``text``, resolved against ``published`` (ISO), in text order.

    Expressions that need an anchor ("yesterday") resolve to None when there is no publication date.
    """
    anchor = _parse_iso(published)
    found: list[ResolvedDate] = []
    taken: list[tuple[int, int]] = []
    for kind, regex in _PATTERNS:
        for m in regex.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            resolved = _resolve(kind, m, anchor)
            if resolved is None:
                continue
            value, precision = resolved
            if anchor and value and value > anchor + timedelta(days=7):
                continue  # a report does not date what happened after it was published
            taken.append((m.start(), m.end()))
            found.append(ResolvedDate(date=value.isoformat() if value else None, time_precision=precision,
                                      start=m.start(), end=m.end(), expression=m.group(0)))
    found.sort(key=lambda r: r.start)
    return found


def _resolve(kind: str, m: re.Match, anchor: date | None) -> tuple[date | None, int] | None:
    g = m.groupdict()
    if kind == "iso":
        d = _safe_date(int(g["y"]), int(g["m"]), int(g["d"]))
        return (d, TIME_PRECISION_DAY) if d else None
    if kind == "dmy_slash":
        d = _safe_date(int(g["y"]), int(g["m"]), int(g["d"]))
        return (d, TIME_PRECISION_DAY) if d else None
    if kind in ("mdy", "dmy"):
        month = MONTHS[g["month"].lower().rstrip(".")]
        day = int(g["d"])
        if g.get("y"):
            d = _safe_date(int(g["y"]), month, day)
            return (d, TIME_PRECISION_DAY) if d else None
        if anchor is None:
            return None
        # the most recent such day on or before publication (reports look back)
        d = _safe_date(anchor.year, month, day)
        if d and d > anchor + timedelta(days=7):
            d = _safe_date(anchor.year - 1, month, day)
        return (d, TIME_PRECISION_DAY) if d else None
    if kind == "month_year":
        d = _safe_date(int(g["y"]), MONTHS[g["month"].lower().rstrip(".")], 15)
        return (d, TIME_PRECISION_MONTH) if d else None
    if kind == "year":  # only the year is known: mid-year, precision unknown
        return date(int(g["y"]), 7, 1), TIME_PRECISION_UNKNOWN
    if anchor is None:
        return (None, TIME_PRECISION_UNKNOWN)
    if kind == "ago":
        n_text = g["n"].lower()
        vague = n_text in {"a few", "few", "several", "a couple of"}
        n = {"a few": 3, "few": 3, "several": 3, "a couple of": 2}.get(n_text) or parse_number(n_text) or 1
        unit = g["unit"].lower().rstrip("s")
        days = {"day": 1, "week": 7, "month": 30}[unit] * int(n)
        precision = {"day": TIME_PRECISION_DAY, "week": TIME_PRECISION_WEEK, "month": TIME_PRECISION_MONTH}[unit]
        if vague:
            precision = max(precision, TIME_PRECISION_WEEK)
        return anchor - timedelta(days=days), precision
    if kind == "yesterday":
        return anchor - timedelta(days=1), TIME_PRECISION_DAY
    if kind == "today":
        return anchor, TIME_PRECISION_DAY
    if kind == "weekday":
        back = (anchor.weekday() - WEEKDAYS[g["wd"].lower()]) % 7
        return anchor - timedelta(days=back), TIME_PRECISION_DAY
    if kind == "last":
        unit = g["unit"].lower()
        if unit == "month":
            first = anchor.replace(day=1) - timedelta(days=1)
            return first.replace(day=15), TIME_PRECISION_MONTH
        return anchor - timedelta(days=7), TIME_PRECISION_WEEK
    if kind == "last_year":  # only the year is known: mid-year, precision unknown
        return date(anchor.year - 1, 7, 1), TIME_PRECISION_UNKNOWN
    if kind == "recently":
        return anchor, TIME_PRECISION_MONTH
    return None


def event_date(sentence: str, sentence_offset: int, published: str | None, date_precision: str | None,
               trigger_start: int | None = None) -> ResolvedDate:
    """The date an event sentence refers to: its nearest date expression, else the publication date.

    ``trigger_start`` (offset into the sentence) picks the expression closest to the event trigger.
    Without any date the event still gets one, with a precision that says how loose it is.
    """
    dates = [d for d in find_dates(sentence, published) if d.date]
    if dates:
        if trigger_start is not None:  # the expression nearest the event's trigger
            chosen = min(dates, key=lambda d: min(abs(d.start - trigger_start), abs(d.end - trigger_start)))
        else:
            chosen = dates[0]
        return ResolvedDate(date=chosen.date, time_precision=chosen.time_precision,
                            start=chosen.start + sentence_offset, end=chosen.end + sentence_offset,
                            expression=chosen.expression)
    anchor = _parse_iso(published)
    if anchor is None:
        return ResolvedDate(date=None, time_precision=TIME_PRECISION_UNKNOWN)
    precision = {"day": TIME_PRECISION_DAY, "week": TIME_PRECISION_WEEK, "month": TIME_PRECISION_MONTH}.get(
        date_precision or "day", TIME_PRECISION_MONTH)
    return ResolvedDate(date=anchor.isoformat(), time_precision=precision)
