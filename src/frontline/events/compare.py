"""Compare two event sets in the store (e.g. UCDP's coding against frontline's), linked by source text.

Reference events are grouped by the first source text they were coded from (their quote up to the first
";", as the UCDP and ACLED importers store it); the events to score are the ones frontline coded from a
document with that same text. The metrics are the event benchmark's (:func:`frontline.events.bench.score`).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from frontline.events.bench import Case, GoldEvent, score
from frontline.store import Store

ORIGINS = ("text", "ucdp", "acled")


def _source_text(quote: str) -> str:
    return (quote or "").split(";")[0].strip()


def compare_origins(db: str | Path, gold: str, pred: str) -> dict:
    for origin in (gold, pred):
        if origin not in ORIGINS:
            raise ValueError(f"unknown origin '{origin}' (choose from {', '.join(ORIGINS)})")
    if gold == pred:
        raise ValueError("--gold and --pred must be different origins")
    with Store(db, read_only=True) as store:
        gold_events = store.events(origin=gold)
        pred_events = store.events(origin=pred)
        documents = store.documents()
    if gold_events.empty:
        raise ValueError(f"the store has no '{gold}' events (import them first)")
    if pred == "text":
        texts = documents.set_index("doc_id")["text"].str.strip()
        pred_events = pred_events.assign(_key=pred_events["doc_id"].map(texts))
    else:
        pred_events = pred_events.assign(_key=pred_events["quote"].map(_source_text))
    by_text = {k: g for k, g in pred_events.groupby("_key")}
    cases, predictions = [], []
    for text, group in gold_events.assign(_key=gold_events["quote"].map(_source_text)).groupby("_key"):
        if text not in by_text:
            continue
        case = Case(text=text, published=None, outlet=None)
        for row in group.itertuples():
            tov = re.search(r"type_of_violence (\d)", row.notes or "")
            case.gold.append(GoldEvent(
                lat=row.latitude, lon=row.longitude, date_start=row.event_date, date_end=row.event_date,
                sides=[a for a in (row.actor1, row.actor2) if isinstance(a, str)], raw_sides=[],
                best=None if pd.isna(row.fatalities) else int(row.fatalities),
                type_of_violence=int(tov.group(1)) if tov else None, where=row.location or ""))
        cases.append(case)
        predictions.append(by_text[text].drop(columns="_key"))
    if not cases:
        raise ValueError(f"no '{gold}' event shares a source text with a '{pred}' event")
    metrics = score(cases, predictions)
    metrics["linked_sources"] = len(cases)
    metrics["gold_sources"] = int(gold_events["quote"].map(_source_text).nunique())
    return metrics
