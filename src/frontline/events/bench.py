"""Event-coder benchmark against human-coded events (UCDP GED), per source headline.

Each headline goes through the normal pipeline (geoparse + event coder) with its
outlet and publication date; its predictions are scored against the set of gold
events coded from it. :func:`score` takes any gold/predicted event sets grouped
by source text, so ``frontline compare`` reuses it on events in the store.
"""
from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from frontline.geo.normalize import fold
from frontline.nlp import actor_dictionary, event_date, fatalities
from frontline.records import Document

_PLACE_SUFFIX = re.compile(
    r"\b(?:town|village|city|governorate|province|district|sub-?district|nahiya|neighbou?rhood|area|countryside|"
    r"camp|region|desert|mountains?|hill|dam|airport|air ?base|base|prison|border crossing|crossing|oil ?field|"
    r"field|plain|highway|road|bridge|hospital|quarter|suburb)s?\b", re.I)
_DIRECTION = re.compile(r"\b(?:northern|southern|eastern|western|north|south|east|west|central|rural|outskirts of|"
                        r"countryside of|near|the)\b", re.I)
GOVERNMENT_KINDS = ("state_forces", "external_forces")


@dataclass
class GoldEvent:
    lat: float
    lon: float
    date_start: str
    date_end: str
    sides: list[str]  # canonical actor names (multi-group sides split)
    raw_sides: list[str]
    best: int | None
    type_of_violence: int | None
    where: str


@dataclass
class Case:
    """One source text and the gold events coded from it."""

    text: str
    published: str | None
    outlet: str | None
    gold: list[GoldEvent] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return "h-" + hashlib.sha1(f"{self.text}|{self.published}".encode("utf-8")).hexdigest()[:16]


def _first(value) -> str:
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    return text.split(";")[0].strip()


def _valid_date(value: str) -> str | None:
    return value if re.fullmatch(r"(19[5-9]\d|20\d\d)-\d\d-\d\d", value or "") else None


def load_ucdp_cases(path: str | Path, limit: int | None = None) -> list[Case]:
    """UCDP GED rows grouped by their first source headline (with its outlet and date)."""
    from frontline.ingest.importers import canonical_actor

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    dictionary = actor_dictionary()
    cases: dict[tuple, Case] = {}
    for row in frame.itertuples(index=False):
        headline = _first(row.source_headline)
        if not headline:
            continue
        published = _valid_date(_first(row.source_date))
        key = (headline, published)
        case = cases.get(key)
        if case is None:
            if limit and len(cases) >= limit:
                continue
            case = cases[key] = Case(text=headline, published=published, outlet=_first(row.source_office) or None)
        raw = [s.strip() for side in (row.side_a, row.side_b) for s in str(side).split(",") if s.strip()]
        sides = []
        for s in raw:
            name = canonical_actor(s, dictionary) or s
            if name not in sides:
                sides.append(name)
        case.gold.append(GoldEvent(
            lat=float(row.latitude), lon=float(row.longitude), date_start=row.date_start[:10],
            date_end=(row.date_end or row.date_start)[:10], sides=sides, raw_sides=raw,
            best=int(float(row.best)) if row.best not in ("", None) else None,
            type_of_violence=int(float(row.type_of_violence)) if row.type_of_violence else None,
            where=row.where_coordinates or ""))
    return list(cases.values())


def predict(cases: list[Case], progress=None, country: str | None = None) -> tuple[list[pd.DataFrame], float]:
    """Run each case's text through geoparse + the event coder; return events per case and seconds taken."""
    from frontline.events import code_document, collection_country
    from frontline.geo import load_gazetteer
    from frontline.store import event_row

    gazetteer = load_gazetteer()
    actors = actor_dictionary()
    out = []
    started = time.perf_counter()
    docs = [Document(doc_id=case.doc_id, text=case.text, outlet=case.outlet, published=case.published,
                     date_precision="day" if case.published else None) for case in cases]
    collection = None if country else collection_country(docs, gazetteer, actors)
    for doc in docs:
        _, events = code_document(doc, gazetteer, actors, country, collection)
        out.append(pd.DataFrame([event_row(e) for e in events]))
        if progress:
            progress()
    return out, time.perf_counter() - started


def _km(lat1, lon1, lat2, lon2) -> float:
    from frontline.geo import distance_km

    return distance_km((lat1, lon1), (lat2, lon2))


def place_named(where: str, text: str) -> bool:
    """Whether the gold place name (without "town", "countryside", directions) appears in the text."""
    core = _DIRECTION.sub(" ", _PLACE_SUFFIX.sub(" ", where))
    core = fold(core).strip()
    return bool(core) and len(core) >= 3 and f" {core} " in f" {fold(text)} "


def _type_of(row, dictionary) -> int | None:
    """UCDP type of violence implied by a coded event: 1 state-based, 2 non-state, 3 one-sided.

    UCDP counts civilians killed in fighting or bombardment under the fighting dyad; only deliberate
    violence against civilians by a named actor is one-sided. None where the event does not say.
    """
    def kind(name):
        return dictionary.entries[name].kind if isinstance(name, str) and name in dictionary.entries else None

    k1, k2 = kind(row.get("actor1")), kind(row.get("actor2"))
    if row.get("event_type") == "Violence against civilians":
        return 3 if k1 and k1 not in ("civilians", "generic_armed") else None
    armed = [k for k in (k1, k2) if k and k != "civilians"]
    if any(k in GOVERNMENT_KINDS for k in armed):
        return 1
    return 2 if len(armed) == 2 else None


def score(cases: list[Case], predictions: list[pd.DataFrame], seconds: float | None = None) -> dict:
    """Location, date, actor, fatality and type agreement of predictions with each case's gold set."""
    dictionary = actor_dictionary()
    n_gold = sum(len(c.gold) for c in cases)
    hit25 = hit50 = 0
    named_total = named_hit50 = 0
    pred_total = pred_hit50 = 0
    date_exact = date_day = date_total = 0
    date_exact_matched = date_matched = 0
    side_total = side_hit = named_side_total = named_side_hit = 0
    fat_cases = fat_exact = 0
    fat_errors = []
    type_total = type_agree = 0
    cases_with_events = 0
    for case, pred in zip(cases, predictions):
        located = pred.dropna(subset=["latitude", "longitude"]) if len(pred) else pred
        if len(located):
            cases_with_events += 1
        headline_actors = {a.name for a in dictionary.find(case.text)}
        headline_groups = set(headline_actors)
        for name in headline_actors:
            headline_groups.update(dictionary.entries[name].part_of)
        pred_actors = set()
        if len(pred):
            for col in ("actor1", "actor2"):
                pred_actors.update(a for a in pred[col].dropna())
        pred_groups = set(pred_actors)
        for name in pred_actors:
            if name in dictionary.entries:
                pred_groups.update(dictionary.entries[name].part_of)
        fallback = event_date(case.text, 0, case.published, "day")
        for gold in case.gold:
            dists = [_km(gold.lat, gold.lon, r.latitude, r.longitude) for r in located.itertuples()]
            best_d = min(dists) if dists else math.inf
            hit25 += best_d <= 25
            hit50 += best_d <= 50
            if place_named(gold.where, case.text):
                named_total += 1
                named_hit50 += best_d <= 50
            # date: the event nearest the gold place, else the headline's own date
            if dists:
                nearest = located.iloc[dists.index(best_d)]
                predicted_date = nearest.event_date
                date_matched += 1
                date_exact_matched += predicted_date == gold.date_start
            else:
                predicted_date = fallback.date
            date_total += 1
            if predicted_date:
                date_exact += predicted_date == gold.date_start
                delta = abs((pd.Timestamp(predicted_date) - pd.Timestamp(gold.date_start)).days)
                date_day += delta <= 1
            for side in gold.sides:
                side_total += 1
                side_hit += side in pred_groups
                if side in headline_groups:
                    named_side_total += 1
                    named_side_hit += side in pred_groups
        for r in located.itertuples():
            pred_total += 1
            pred_hit50 += any(_km(g.lat, g.lon, r.latitude, r.longitude) <= 50 for g in case.gold)
        stated = fatalities(case.text)
        if stated is not None and stated.best is not None:
            fat_cases += 1
            gold_best = sum(g.best or 0 for g in case.gold)
            fat_exact += stated.best == gold_best
            fat_errors.append(abs(stated.best - gold_best))
        for r in pred.to_dict(orient="records") if len(pred) else []:
            implied = _type_of(r, dictionary)
            if implied is None:
                continue
            type_total += 1
            type_agree += implied in {g.type_of_violence for g in case.gold}

    def ratio(a, b):
        return round(a / b, 4) if b else None

    return {
        "cases": len(cases), "gold_events": n_gold, "cases_with_located_events": cases_with_events,
        "location": {
            "recall_25km": ratio(hit25, n_gold), "recall_50km": ratio(hit50, n_gold),
            "precision_50km": ratio(pred_hit50, pred_total), "predicted_events": pred_total,
            "named_subset_events": named_total, "named_subset_recall_50km": ratio(named_hit50, named_total),
        },
        "date": {"exact": ratio(date_exact, date_total), "within_1_day": ratio(date_day, date_total),
                 "exact_where_an_event_was_coded": ratio(date_exact_matched, date_matched)},
        "actors": {"recall_named_in_text": ratio(named_side_hit, named_side_total), "named_sides": named_side_total,
                   "recall_all_sides": ratio(side_hit, side_total), "all_sides": side_total},
        "fatalities": {"texts_stating_a_number": fat_cases, "exact_vs_ucdp_best": ratio(fat_exact, fat_cases),
                       "mean_abs_error_vs_ucdp_best": round(sum(fat_errors) / len(fat_errors), 2) if fat_errors else None},
        "type_of_violence": {"decidable_events": type_total, "agreement": ratio(type_agree, type_total)},
        "throughput_texts_per_s": round(len(cases) / seconds, 1) if seconds else None,
    }


def format_report(metrics: dict) -> str:
    lines = [f"cases (headlines): {metrics['cases']}, gold events: {metrics['gold_events']}, "
             f"headlines with a located event: {metrics['cases_with_located_events']}"]
    for section in ("location", "date", "actors", "fatalities", "type_of_violence"):
        values = ", ".join(f"{k} {v}" for k, v in metrics[section].items())
        lines.append(f"{section:>16}: {values}")
    if metrics.get("throughput_texts_per_s"):
        lines.append(f"{'throughput':>16}: {metrics['throughput_texts_per_s']} headlines/s")
    return "\n".join(lines)
