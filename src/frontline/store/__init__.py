"""Store: a DuckDB file holding documents, place mentions, events and claims with provenance.

Public surface: :class:`Store` and :data:`EVENT_COLUMNS`. Stages that own extra
tables (``control_*``) use :meth:`Store.write_frame` / :meth:`Store.read_frame`.
All queries are parameterised.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

import duckdb
import pandas as pd

from frontline.records import Claim, Document, Event, Toponym

SCHEMA_VERSION = 1
DEFAULT_DB = "frontline.duckdb"

# The flat event table: ACLED-compatible columns first, then provenance.
EVENT_COLUMNS = [
    "event_id", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
    "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes",
    "fatalities", "fatalities_low", "fatalities_high",
    "doc_id", "sentence", "char_start", "char_end", "quote", "certainty", "attributed_to",
    "geonameid", "geo_score", "modality", "origin", "score",
]

_DDL = [
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE IF NOT EXISTS documents (
        doc_id VARCHAR PRIMARY KEY, text VARCHAR, title VARCHAR, url VARCHAR, outlet VARCHAR,
        published VARCHAR, date_precision VARCHAR, language VARCHAR, source_path VARCHAR,
        content_hash VARCHAR, ingested_at VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS place_mentions (
        doc_id VARCHAR, start_offset INTEGER, end_offset INTEGER, mention VARCHAR,
        geonameid BIGINT, name VARCHAR, country VARCHAR, lat DOUBLE, lon DOUBLE,
        geo_precision INTEGER, score DOUBLE, candidates VARCHAR,
        PRIMARY KEY (doc_id, start_offset, end_offset))""",
    """CREATE TABLE IF NOT EXISTS events (
        event_id VARCHAR PRIMARY KEY, event_date VARCHAR, time_precision INTEGER, event_type VARCHAR,
        sub_event_type VARCHAR, actor1 VARCHAR, actor2 VARCHAR, country VARCHAR, admin1 VARCHAR,
        location VARCHAR, latitude DOUBLE, longitude DOUBLE, geo_precision INTEGER, source VARCHAR,
        notes VARCHAR, fatalities INTEGER, fatalities_low INTEGER, fatalities_high INTEGER,
        doc_id VARCHAR, sentence INTEGER, char_start INTEGER, char_end INTEGER, quote VARCHAR,
        certainty VARCHAR, attributed_to VARCHAR, geonameid BIGINT, geo_score DOUBLE,
        modality VARCHAR, origin VARCHAR, score DOUBLE)""",
    """CREATE TABLE IF NOT EXISTS claims (
        claim_id VARCHAR PRIMARY KEY, doc_id VARCHAR, sentence INTEGER, char_start INTEGER, char_end INTEGER,
        quote VARCHAR, claim_type VARCHAR, value DOUBLE, value_high DOUBLE, unit VARCHAR, bound VARCHAR,
        subjects VARCHAR, refers_to_date VARCHAR, is_prediction BOOLEAN, horizon VARCHAR,
        asserted_by VARCHAR, verdict VARCHAR, computed_value DOUBLE, computed_unit VARCHAR,
        tolerance VARCHAR, evidence VARCHAR, extra VARCHAR)""",
]

_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def event_row(event: Event) -> dict:
    """Flatten an Event into the store's / exports' column layout."""
    p = event.place
    return {
        "event_id": event.event_id, "event_date": event.event_date, "time_precision": event.time_precision,
        "event_type": event.event_type, "sub_event_type": event.sub_event_type,
        "actor1": event.actor1, "actor2": event.actor2,
        "country": p.country if p else None, "admin1": p.admin1 if p else None,
        "location": (p.name if p else None) or event.location,
        "latitude": p.lat if p else None, "longitude": p.lon if p else None,
        "geo_precision": event.geo_precision if event.geo_precision is not None else (p.geo_precision if p else None),
        "source": event.source, "notes": event.notes,
        "fatalities": event.fatalities_best, "fatalities_low": event.fatalities_low,
        "fatalities_high": event.fatalities_high,
        "doc_id": event.doc_id, "sentence": event.sentence, "char_start": event.char_start,
        "char_end": event.char_end, "quote": event.quote, "certainty": event.certainty,
        "attributed_to": event.attributed_to, "geonameid": p.geonameid if p else None,
        "geo_score": event.geo_score, "modality": event.modality, "origin": event.origin, "score": event.score,
    }


def claim_row(claim: Claim) -> dict:
    row = asdict(claim)
    known = {c for c in _claim_columns()}
    extra = {k: row.pop(k) for k in list(row) if k not in known}
    row["subjects"] = json.dumps(row.get("subjects") or [])
    row["extra"] = json.dumps(extra, default=str) if extra else None
    return row


def _claim_columns() -> list[str]:
    return ["claim_id", "doc_id", "sentence", "char_start", "char_end", "quote", "claim_type", "value",
            "value_high", "unit", "bound", "subjects", "refers_to_date", "is_prediction", "horizon",
            "asserted_by", "verdict", "computed_value", "computed_unit", "tolerance", "evidence"]


class Store:
    """A DuckDB-backed store. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path = DEFAULT_DB, read_only: bool = False):
        self.path = str(path)
        if not read_only and self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.read_only = read_only
        self.con = duckdb.connect(self.path, read_only=read_only)
        if not read_only:
            for ddl in _DDL:
                self._exec(ddl)
            self._exec("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])

    def _exec(self, sql: str, params: list | None = None) -> None:
        """Run a statement and drain its result (DuckDB keeps a pending result otherwise)."""
        self.con.execute(sql, params or []).fetchall()

    def _table_exists(self, table: str) -> bool:
        return self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchall()[0][0] > 0

    # -- context management -------------------------------------------------
    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    @property
    def schema_version(self) -> int:
        rows = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        row = rows[0] if rows else None
        return int(row[0]) if row else 0

    # -- writes ----------------------------------------------------------------
    def _insert_new(self, table: str, key: str, rows: list[dict]) -> int:
        """Insert rows whose key is not present yet; return how many were new."""
        if not rows:
            return 0
        frame = pd.DataFrame(rows)
        self.con.register("_incoming", frame)
        try:
            cols = ", ".join(frame.columns)
            before = self.con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            self._exec(
                f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming "
                f"WHERE {key} NOT IN (SELECT {key} FROM {table}) "
                f"QUALIFY row_number() OVER (PARTITION BY {key}) = 1"
            )
            after = self.con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        finally:
            self.con.unregister("_incoming")
        return after - before

    def add_documents(self, docs: Iterable[Document]) -> int:
        """Add documents not stored yet (by doc_id); return how many were new."""
        return self._insert_new("documents", "doc_id", [d.to_dict() for d in docs])

    def add_events(self, events: Iterable[Event]) -> int:
        return self._insert_new("events", "event_id", [event_row(e) for e in events])

    def replace_events_for(self, doc_ids: Sequence[str], events: Iterable[Event]) -> int:
        """Re-extraction of documents replaces their text events (a better coder, same ids)."""
        if doc_ids:
            self._exec("DELETE FROM events WHERE origin = 'text' AND doc_id IN (SELECT unnest(?))", [list(doc_ids)])
        return self.add_events(events)

    def add_claims(self, claims: Iterable[Claim], replace_for: Sequence[str] = ()) -> int:
        if replace_for:
            self._exec("DELETE FROM claims WHERE doc_id IN (SELECT unnest(?))", [list(replace_for)])
        return self._insert_new("claims", "claim_id", [claim_row(c) for c in claims])

    def add_place_mentions(self, doc_id: str, toponyms: Iterable[Toponym]) -> None:
        rows = []
        for t in toponyms:
            p = t.place
            rows.append({
                "doc_id": doc_id, "start_offset": t.start, "end_offset": t.end, "mention": t.mention,
                "geonameid": p.geonameid if p else None, "name": p.name if p else None,
                "country": p.country if p else None, "lat": p.lat if p else None, "lon": p.lon if p else None,
                "geo_precision": p.geo_precision if p else None, "score": t.score,
                "candidates": json.dumps([
                    {"geonameid": c.geonameid, "name": c.name, "country": c.country, "lat": c.lat, "lon": c.lon,
                     "feature_code": c.feature_code, "population": c.population}
                    for c in t.candidates[:10]
                ]),
            })
        self._exec("DELETE FROM place_mentions WHERE doc_id = ?", [doc_id])
        if rows:
            frame = pd.DataFrame(rows)
            self.con.register("_mentions", frame)
            try:
                self._exec(f"INSERT INTO place_mentions ({', '.join(frame.columns)}) "
                                 f"SELECT {', '.join(frame.columns)} FROM _mentions "
                                 "QUALIFY row_number() OVER (PARTITION BY doc_id, start_offset, end_offset) = 1")
            finally:
                self.con.unregister("_mentions")

    def write_frame(self, table: str, df: pd.DataFrame, key_columns: list[str] | None = None) -> None:
        """Stage-owned table: replace rows with the same key values (or the whole table without keys)."""
        if not _IDENT.match(table) or table in {"meta", "documents", "events", "claims", "place_mentions"}:
            raise ValueError(f"not a stage-owned table name: {table!r}")
        self.con.register("_frame", df)
        try:
            exists = self._table_exists(table)
            if not exists:
                self._exec(f"CREATE TABLE {table} AS SELECT * FROM _frame")
                return
            if key_columns:
                for col in key_columns:
                    if not _IDENT.match(col):
                        raise ValueError(f"bad key column {col!r}")
                cond = " AND ".join(f"t.{c} IS NOT DISTINCT FROM f.{c}" for c in key_columns)
                self._exec(f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM _frame f WHERE {cond})")
            else:
                self._exec(f"DELETE FROM {table}")
            self._exec(f"INSERT INTO {table} BY NAME SELECT * FROM _frame")
        finally:
            self.con.unregister("_frame")

    # -- reads -----------------------------------------------------------------
    def read_frame(self, table: str) -> pd.DataFrame:
        if not _IDENT.match(table):
            raise ValueError(f"bad table name {table!r}")
        exists = self._table_exists(table)
        if not exists:
            return pd.DataFrame()
        return self.con.execute(f"SELECT * FROM {table}").df()

    def documents(self) -> pd.DataFrame:
        return self.con.execute("SELECT * FROM documents ORDER BY doc_id").df()

    def document(self, doc_id: str) -> Document | None:
        cur = self.con.execute("SELECT * FROM documents WHERE doc_id = ?", [doc_id])
        rows = cur.fetchall()
        row = rows[0] if rows else None
        if row is None:
            return None
        names = [d[0] for d in cur.description]
        return Document(**dict(zip(names, row)))

    def doc_ids(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT doc_id FROM documents").fetchall()}

    def place_mentions(self, doc_id: str | None = None) -> pd.DataFrame:
        if doc_id is None:
            return self.con.execute("SELECT * FROM place_mentions ORDER BY doc_id, start_offset").df()
        return self.con.execute("SELECT * FROM place_mentions WHERE doc_id = ? ORDER BY start_offset", [doc_id]).df()

    def events(self, *, actor: str | None = None, event_type: str | None = None, origin: str | None = None,
               date_from: str | None = None, date_to: str | None = None, country: str | None = None,
               certainty: str | None = None, source: str | None = None, doc_id: str | None = None,
               limit: int | None = None) -> pd.DataFrame:
        """Events matching every filter given (actor matches actor1 or actor2)."""
        clauses, params = [], []
        if actor:
            clauses.append("(actor1 = ? OR actor2 = ?)")
            params += [actor, actor]
        for column, value in (("event_type", event_type), ("origin", origin), ("country", country),
                              ("certainty", certainty), ("source", source), ("doc_id", doc_id)):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value)
        if date_from:
            clauses.append("event_date >= ?")
            params.append(date_from)
        if date_to:
            clauses.append("event_date <= ?")
            params.append(date_to)
        sql = f"SELECT {', '.join(EVENT_COLUMNS)} FROM events"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY event_date NULLS LAST, doc_id, char_start"
        if limit:
            sql += " LIMIT ?"
            params.append(int(limit))
        return self.con.execute(sql, params).df()

    def claims(self, doc_id: str | None = None) -> pd.DataFrame:
        if doc_id is None:
            return self.con.execute("SELECT * FROM claims ORDER BY doc_id, char_start").df()
        return self.con.execute("SELECT * FROM claims WHERE doc_id = ? ORDER BY char_start", [doc_id]).df()

    def counts(self) -> dict[str, int]:
        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                for t in ("documents", "place_mentions", "events", "claims")}
