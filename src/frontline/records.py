"""Typed records passed between pipeline stages.

Every stage takes and returns these dataclasses; the store persists them and the
exporters flatten them. Coordinates are WGS84 degrees, dates ISO ``YYYY-MM-DD``
strings, character offsets Python ``str`` indices into ``Document.text``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# ACLED time_precision: 1 day, 2 week, 3 month (frontline adds 4: year or unknown)
TIME_PRECISION_DAY, TIME_PRECISION_WEEK, TIME_PRECISION_MONTH, TIME_PRECISION_UNKNOWN = 1, 2, 3, 4

# geo_precision: 1 town/point, 2 near or part of a region, 3 region or country
GEO_PRECISION_TOWN, GEO_PRECISION_NEAR, GEO_PRECISION_REGION = 1, 2, 3

CERTAINTIES = ("stated", "reported", "hedged")


@dataclass
class Document:
    doc_id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO date
    date_precision: str | None = None  # day / week / month / year / None
    language: str | None = "en"
    source_path: str | None = None
    content_hash: str | None = None
    ingested_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IngestError:
    """A file (or JSONL line) that could not become a Document, and why."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass
class Place:
    """A gazetteer entry: a town, region, country or named area."""

    geonameid: int | None
    name: str
    lat: float
    lon: float
    country: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None  # admin1 name where known
    feature_class: str | None = None  # GeoNames feature class: P town, A admin, L area, H water
    feature_code: str | None = None  # GeoNames feature code: PPL, PPLC, ADM1, PCLI, CONT, ...
    population: int = 0
    geo_precision: int = GEO_PRECISION_TOWN

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Toponym:
    """A place name found in a text, resolved (or not) to a Place."""

    start: int
    end: int
    mention: str
    place: Place | None = None
    score: float = 0.0  # calibrated probability that `place` is right
    candidates: list[Place] = field(default_factory=list)


@dataclass
class Actor:
    """A canonical actor recognised in text ("ISIS" -> "Islamic State")."""

    actor_id: str
    name: str
    start: int
    end: int
    mention: str
    kind: str = "armed_group"  # armed_group, state_forces, government, civilians, external, ...
    country: str | None = None


@dataclass
class ResolvedDate:
    date: str | None  # ISO date, None when unknown
    time_precision: int
    start: int | None = None  # offsets of the date expression, None when defaulted
    end: int | None = None
    expression: str | None = None


@dataclass
class Event:
    event_id: str
    doc_id: str
    sentence: int  # index of the sentence in the document
    char_start: int
    char_end: int
    quote: str
    event_date: str | None
    time_precision: int
    event_type: str
    sub_event_type: str
    actor1: str | None
    actor2: str | None = None
    place: Place | None = None
    location: str | None = None  # the place name as written
    geo_precision: int | None = None
    geo_score: float | None = None
    fatalities_low: int | None = None
    fatalities_best: int | None = None
    fatalities_high: int | None = None
    certainty: str = "stated"
    attributed_to: str | None = None
    modality: str = "occurred"  # occurred / ongoing
    origin: str = "text"  # text / acled / ucdp
    source: str | None = None  # outlet
    notes: str | None = None
    score: float = 1.0  # confidence in the event as coded; the place's own confidence is geo_score


@dataclass
class Claim:
    claim_id: str
    doc_id: str
    char_start: int
    char_end: int
    quote: str
    claim_type: str  # distance, proximity, extent, count, speed, prediction, hypothetical, other
    sentence: int | None = None
    value: float | None = None
    value_high: float | None = None
    unit: str | None = None
    bound: str | None = None  # exact, more_than, less_than, about, at_least, at_most, range
    subjects: list[str] = field(default_factory=list)
    refers_to_date: str | None = None
    is_prediction: bool = False
    horizon: str | None = None
    asserted_by: str | None = None  # "author" or the attributed source
    verdict: str = "pending"  # supported / contradicted / not checkable / pending
    computed_value: float | None = None
    computed_unit: str | None = None
    tolerance: str | None = None
    evidence: str | None = None


@dataclass
class ControlState:
    place_id: int
    actor: str
    date: str
    probability: float
    evidence: list[str] = field(default_factory=list)  # event ids
