"""Event filters shared by the JSON API, the exports and the dashboard.

Every value is checked here and turned into a parameterised SQL clause; a bad value raises
:class:`FilterError`, which the server answers with HTTP 400 and the message (never a traceback).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

CERTAINTIES = ("stated", "reported", "hedged")
MAX_LIMIT = 1_000_000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_VALUE_LEN = 300
_MAX_VALUES = 200


class FilterError(ValueError):
    """A filter value the API cannot use; the message is shown to the user as is."""


def parse_date(name: str, value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not _DATE.match(value):
        raise FilterError(f"{name} must be a date written YYYY-MM-DD, got {value[:40]!r}")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"{name} is not a real calendar date: {value!r}") from None
    return value


def _values(name: str, raw: list[str] | str | None) -> list[str]:
    """Repeated parameters and comma-free single values; empty strings are ignored."""
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [raw]
    out = []
    for v in raw:
        if v is None or v == "":
            continue
        if len(v) > _MAX_VALUE_LEN:
            raise FilterError(f"{name} value is too long ({len(v)} characters, at most {_MAX_VALUE_LEN})")
        if "\x00" in v:
            raise FilterError(f"{name} value contains a NUL character")
        out.append(v)
    if len(out) > _MAX_VALUES:
        raise FilterError(f"too many {name} values ({len(out)}, at most {_MAX_VALUES})")
    return out


@dataclass
class EventFilter:
    actor: list[str] = field(default_factory=list)
    event_type: list[str] = field(default_factory=list)
    certainty: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    origin: list[str] = field(default_factory=list)
    doc_id: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    located: bool = False

    @classmethod
    def parse(cls, *, actor=None, event_type=None, certainty=None, source=None, country=None, origin=None,
              doc_id=None, date_from=None, date_to=None, bbox=None) -> "EventFilter":
        f = cls(actor=_values("actor", actor), event_type=_values("event_type", event_type),
                certainty=_values("certainty", certainty), source=_values("source", source),
                country=_values("country", country), origin=_values("origin", origin),
                doc_id=_values("doc_id", doc_id),
                date_from=parse_date("date_from", date_from), date_to=parse_date("date_to", date_to))
        bad = [c for c in f.certainty if c not in CERTAINTIES]
        if bad:
            raise FilterError(f"certainty must be one of {', '.join(CERTAINTIES)}; got {bad[0][:40]!r}")
        if f.date_from and f.date_to and f.date_from > f.date_to:
            raise FilterError(f"date_from ({f.date_from}) is after date_to ({f.date_to})")
        if bbox:
            f.bbox = parse_bbox(bbox)
        return f

    def where(self) -> tuple[str, list]:
        """(' WHERE ...' or '', params) -- values only ever travel as parameters."""
        clauses, params = [], []

        def among(column: str, values: list[str]) -> None:
            clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)

        if self.actor:
            marks = ", ".join("?" * len(self.actor))
            clauses.append(f"(actor1 IN ({marks}) OR actor2 IN ({marks}))")
            params.extend(self.actor + self.actor)
        for column in ("event_type", "certainty", "source", "country", "origin", "doc_id"):
            values = getattr(self, column)
            if values:
                among(column, values)
        if self.date_from:
            clauses.append("event_date >= ?")
            params.append(self.date_from)
        if self.date_to:
            clauses.append("event_date <= ?")
            params.append(self.date_to)
        if self.bbox:
            w, s, e, n = self.bbox
            clauses.append("longitude BETWEEN ? AND ? AND latitude BETWEEN ? AND ?")
            params += [w, e, s, n]
        if self.located:
            clauses.append("latitude IS NOT NULL AND longitude IS NOT NULL")
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def key(self) -> tuple:
        return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(self.__dict__.items()))


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    parts = value.split(",")
    if len(parts) != 4:
        raise FilterError(f"bbox must be four numbers west,south,east,north; got {value[:60]!r}")
    try:
        w, s, e, n = (float(p) for p in parts)
    except ValueError:
        raise FilterError(f"bbox must be four numbers west,south,east,north; got {value[:60]!r}") from None
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= 90 and -90 <= n <= 90):
        raise FilterError("bbox is outside -180..180 longitude / -90..90 latitude")
    if w > e or s > n:
        raise FilterError("bbox west must not exceed east, nor south exceed north")
    return (w, s, e, n)


def parse_limit(limit: int | None, default: int | None, maximum: int = MAX_LIMIT) -> int | None:
    if limit is None:
        return default
    if limit < 1 or limit > maximum:
        raise FilterError(f"limit must be between 1 and {maximum}, got {limit}")
    return limit
