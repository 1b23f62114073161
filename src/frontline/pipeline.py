"""The end-to-end pipeline: reports in; documents, events, claims, a map and exports out.

``run(paths)`` is what ``frontline run`` calls; it returns a :class:`Result` whose
``events`` is a GeoDataFrame and ``claims`` a DataFrame.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from frontline.claims import check_claims, extract_claims, write_ledger
from frontline.events import code_document, collection_country
from frontline.geo import load_gazetteer
from frontline.ingest import ingest_paths
from frontline.nlp import actor_dictionary
from frontline.records import Claim, Document, IngestError
from frontline.store import DEFAULT_DB, Store
from frontline.viz import (events_geodataframe, write_claims_csv, write_events_csv, write_events_geojson,
                           write_map_html, write_map_png, write_report)


@dataclass
class Result:
    """What a run produced. ``events`` is a GeoDataFrame (EPSG:4326), ``claims`` a DataFrame."""

    events: pd.DataFrame
    claims: pd.DataFrame
    documents: pd.DataFrame
    errors: list[IngestError] = field(default_factory=list)
    unresolved: pd.DataFrame = field(default_factory=pd.DataFrame)
    new_documents: int = 0
    seconds: float = 0.0
    outputs: dict[str, Path] = field(default_factory=dict)
    db: str = DEFAULT_DB
    claim_records: list[Claim] = field(default_factory=list, repr=False)
    document_records: list[Document] = field(default_factory=list, repr=False)

    def summary(self) -> dict:
        return {
            "documents": len(self.documents), "new_documents": self.new_documents, "unreadable": len(self.errors),
            "events": len(self.events), "claims": len(self.claims), "seconds": round(self.seconds, 3),
            "db": self.db, "outputs": {k: str(v) for k, v in self.outputs.items()},
            "errors": [str(e) for e in self.errors],
        }


def process_documents(docs: list[Document], store: Store, actors_file: str | None = None,
                      progress: Callable[[Document], None] | None = None,
                      country: str | None = None) -> tuple[pd.DataFrame, list[Claim]]:
    """Geoparse, code events and extract and check claims for ``docs``, replacing what the store held
    for them. Returns the place names that could not be resolved (doc_id, mention, start, end) and
    the checked claims.
    """
    gazetteer = load_gazetteer()
    actors = actor_dictionary(actors_file)
    unresolved = []
    all_events, all_claims = [], []
    collection = None if country else collection_country(docs, gazetteer, actors)
    for doc in docs:
        toponyms, events = code_document(doc, gazetteer, actors, country, collection)
        store.add_place_mentions(doc.doc_id, toponyms)
        unresolved += [{"doc_id": doc.doc_id, "mention": t.mention, "start": t.start, "end": t.end}
                       for t in toponyms if t.place is None]
        all_events += events
        all_claims += extract_claims(doc)
        if progress:
            progress(doc)
    ids = [d.doc_id for d in docs]
    store.replace_events_for(ids, all_events)
    checked = check_claims(all_claims, {d.doc_id: d for d in docs}, store)
    store.add_claims(checked, replace_for=ids)
    return pd.DataFrame(unresolved, columns=["doc_id", "mention", "start", "end"]), checked


def run(paths: Iterable[str | Path], meta: str | Path | None = None, db: str | Path = DEFAULT_DB,
        out: str | Path | None = None, actors_file: str | None = None, tiles_url: str | None = None,
        on_error: Callable[[IngestError], None] | None = None,
        progress: Callable[[Document], None] | None = None, country: str | None = None) -> Result:
    """Ingest ``paths`` into the store at ``db``, extract events and claims, and (with ``out``) write
    events.csv, events.geojson, claims.csv, map.html, map.png, report.md and the claims ledger
    (claims/: per-article csv, json and highlighted html) there.

    Re-running on the same input adds no document twice and replaces (never duplicates) their events.
    ``country`` (ISO alpha-2) tells the geoparser which country the reports are about, when known.
    """
    started = time.perf_counter()
    ingested = ingest_paths(paths, meta)
    for err in ingested.errors:
        if on_error:
            on_error(err)
    with Store(db) as store:
        new = store.add_documents(ingested.documents)
        unresolved, checked = process_documents(ingested.documents, store, actors_file, progress, country)
        ids = [d.doc_id for d in ingested.documents]
        events = store.events()
        events = events[events["doc_id"].isin(ids)].reset_index(drop=True)
        claims = store.claims()
        claims = claims[claims["doc_id"].isin(ids)].reset_index(drop=True)
        documents = store.documents()
        documents = documents[documents["doc_id"].isin(ids)].reset_index(drop=True)
    result = Result(events=events_geodataframe(events), claims=claims, documents=documents,
                    errors=ingested.errors, unresolved=unresolved, new_documents=new,
                    seconds=time.perf_counter() - started, db=str(db), claim_records=checked,
                    document_records=ingested.documents)
    if out is not None:
        result.outputs = write_outputs(result, Path(out), tiles_url=tiles_url)
    return result


def write_outputs(result: Result, out: Path, tiles_url: str | None = None) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    events = pd.DataFrame(result.events.drop(columns="geometry", errors="ignore"))
    ledger = write_ledger(result.claim_records, result.document_records, out / "claims")
    return {
        "claims/index.html": next((p for p in ledger if p.name == "index.html"), out / "claims"),
        "events.csv": write_events_csv(events, out / "events.csv"),
        "events.geojson": write_events_geojson(events, out / "events.geojson"),
        "claims.csv": write_claims_csv(result.claims, out / "claims.csv"),
        "map.html": write_map_html(events, out / "map.html", tiles_url=tiles_url),
        "map.png": write_map_png(events, out / "map.png"),
        "report.md": write_report(out / "report.md", documents=result.documents, events=events,
                                  claims=result.claims, unresolved=result.unresolved, errors=result.errors,
                                  seconds=result.seconds),
    }
