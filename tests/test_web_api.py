"""The dashboard's JSON API (frontline.web): filters, errors, exports, control, claims, ingest, OpenAPI."""
from __future__ import annotations

import csv
import io
import json
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest

from frontline.store import Store

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from frontline.web.server import build

_BUILT: dict[str, Path] = {}


def seed_store(seeds: Path, tmp_path_factory) -> Path:
    """The seed articles run through the real pipeline, plus small control tables; built once per session."""
    if "db" not in _BUILT:
        import frontline

        db = tmp_path_factory.mktemp("web") / "web.duckdb"
        frontline.run([seeds / "articles"], meta=seeds / "seeds.meta.jsonl", db=db)
        with Store(db) as store:
            store.write_frame("control_coast", pd.DataFrame({
                "actor": ["Islamic State"] * 4, "date": ["2015-01-01", "2015-03-01", "2015-10-01", "2016-02-15"],
                "km": [0.0, 120.0, 180.0, 260.0], "km_low": [0.0, 90.0, 150.0, 230.0],
                "km_high": [10.0, 150.0, 210.0, 290.0], "region": ["Libya"] * 4}))

            def square(lon, lat, d):
                return json.dumps({"type": "Polygon", "coordinates": [[[lon - d, lat - d], [lon + d, lat - d],
                                                                       [lon + d, lat + d], [lon - d, lat + d],
                                                                       [lon - d, lat - d]]]})
            store.write_frame("control_areas", pd.DataFrame({
                "actor": ["Islamic State", "Islamic State"], "date": ["2015-02-15", "2016-01-01"],
                "geojson": [square(16.6, 31.2, 0.4), square(16.6, 31.2, 1.0)]}))
        _BUILT["db"] = db
    return _BUILT["db"]


@pytest.fixture(scope="module")
def web_db(seeds, tmp_path_factory) -> Path:
    return seed_store(seeds, tmp_path_factory)


@pytest.fixture(scope="module")
def client(web_db):
    app = build(web_db)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture(scope="module")
def all_events(web_db) -> pd.DataFrame:
    with Store(web_db, read_only=True) as s:
        return s.events()


def test_meta_facets(client, all_events):
    meta = client.get("/api/meta").json()
    assert meta["counts"]["events"] == len(all_events)
    assert {c["value"] for c in meta["certainties"]} == {"stated", "reported", "hedged"}
    assert "Islamic State" in [a["value"] for a in meta["actors"]]
    assert meta["control"] == {"coast": True, "areas": True}
    assert meta["allow_ingest"] is False
    w, s, e, n = meta["extent"]
    assert w < 13 < 17 < e and s < 31 < 33 < n  # Libya is in view


@pytest.mark.parametrize("params", [
    {"certainty": "reported"}, {"actor": "Islamic State"}, {"date_from": "2015-02-15", "date_to": "2015-02-20"},
    {"event_type": "Battles"}, {"actor": "Ansar al-Sharia", "certainty": "stated"},
])
def test_event_filters_match_the_store(client, all_events, params):
    body = client.get("/api/events", params=params).json()
    ev = all_events
    if "certainty" in params:
        ev = ev[ev.certainty == params["certainty"]]
    if "actor" in params:
        ev = ev[(ev.actor1 == params["actor"]) | (ev.actor2 == params["actor"])]
    if "event_type" in params:
        ev = ev[ev.event_type == params["event_type"]]
    if "date_from" in params:
        ev = ev[(ev.event_date >= params["date_from"]) & (ev.event_date <= params["date_to"])]
    assert body["total"] == len(ev) > 0
    assert sorted(e["event_id"] for e in body["events"]) == sorted(ev.event_id)


def test_repeated_values_and_paging(client, all_events):
    body = client.get("/api/events", params=[("certainty", "stated"), ("certainty", "hedged"), ("limit", "2")]).json()
    assert body["total"] == int(all_events.certainty.isin(["stated", "hedged"]).sum())
    assert len(body["events"]) == 2
    rest = client.get("/api/events", params=[("certainty", "stated"), ("certainty", "hedged"), ("offset", "2")]).json()
    assert len(rest["events"]) == body["total"] - 2


@pytest.mark.parametrize("params, words", [
    ({"certainty": "certain"}, "certainty must be one of"),
    ({"date_from": "2015-02-30"}, "not a real calendar date"),
    ({"date_to": "yesterday"}, "YYYY-MM-DD"),
    ({"date_from": "2016-01-01", "date_to": "2015-01-01"}, "after"),
    ({"limit": "many"}, "limit"),
    ({"limit": "0"}, "limit must be between"),
    ({"offset": "-1"}, "offset"),
    ({"bbox": "1,2,3"}, "bbox"),
    ({"bbox": "10,50,0,60"}, "west must not exceed east"),
    ({"actr": "Islamic State"}, "unknown parameter 'actr'"),
    ({"actor": "x" * 400}, "too long"),
    ({"actor": "' OR 1=1 --"}, None),  # parameterised: simply matches nothing
])
def test_bad_filter_values_get_400_with_a_message(client, params, words):
    r = client.get("/api/events", params=params)
    if words is None:
        assert r.status_code == 200 and r.json()["total"] == 0
        return
    assert r.status_code == 400, r.text
    body = r.json()
    assert words in body["error"]
    assert "Traceback" not in r.text and "File \"" not in r.text


def test_points_are_compact_columns(client, all_events):
    d = client.get("/api/events/points", params={"actor": "Islamic State"}).json()
    located = all_events[all_events.latitude.notna() & ((all_events.actor1 == "Islamic State") |
                                                        (all_events.actor2 == "Islamic State"))]
    assert d["n"] == len(located)
    assert len(d["lon"]) == len(d["lat"]) == len(d["day"]) == len(d["actor"]) == d["n"]
    assert set(d["actors"]) <= set(all_events.actor1.fillna("(actor not named)"))
    assert all(isinstance(x, int) for x in d["day"])


def test_event_detail_has_document_places_and_siblings(client, all_events):
    row = all_events[all_events.location == "Sirte"].iloc[0]
    d = client.get(f"/api/events/{row.event_id}").json()
    assert d["event"]["quote"] == row.quote
    text = d["document"]["text"]
    assert text[row.char_start:row.char_end].strip()
    assert row.quote.split()[0] in text[row.char_start:row.char_end]
    assert any(p["mention"] and p["candidates"] for p in d["places"])
    assert all(s["event_id"] != row.event_id for s in d["siblings"])
    assert len(d["siblings"]) == int((all_events.doc_id == row.doc_id).sum()) - 1
    assert client.get("/api/events/ev-does-not-exist").status_code == 404


def test_claims_ledger_and_document(client, all_events):
    doc_id = all_events.doc_id.iloc[0]
    claims = client.get("/api/claims", params={"limit": 5000}).json()
    assert claims["total"] > 0 and all(c["verdict"] for c in claims["claims"])
    doc_claims = client.get("/api/claims", params={"doc_id": doc_id}).json()
    assert all(c["doc_id"] == doc_id for c in doc_claims["claims"])
    verdict = claims["claims"][0]["verdict"]
    only = client.get("/api/claims", params={"verdict": verdict}).json()
    assert only["total"] > 0 and {c["verdict"] for c in only["claims"]} == {verdict}
    d = client.get(f"/api/documents/{doc_id}").json()
    assert d["document"]["doc_id"] == doc_id and d["events"]
    assert client.get("/api/documents/nope").status_code == 404
    assert client.get("/api/claims", params={"verdit": "x"}).status_code == 400


def test_exports_follow_the_filter(client, all_events):
    r = client.get("/api/events.csv", params={"certainty": "reported"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == int((all_events.certainty == "reported").sum())
    assert rows[0]["event_date"] and list(rows[0])[:2] == ["event_date", "time_precision"]
    g = client.get("/api/events.geojson", params={"certainty": "reported"}).json()
    assert g["type"] == "FeatureCollection"
    assert len(g["features"]) == int(((all_events.certainty == "reported") & all_events.latitude.notna()).sum())
    assert {f["properties"]["certainty"] for f in g["features"]} == {"reported"}
    assert client.get("/api/events.csv", params={"certainty": "maybe"}).status_code == 400


def test_control_coast_and_areas(client):
    coast = client.get("/api/control/coast", params={"actor": "Islamic State"}).json()
    assert coast["available"] and [r["km"] for r in coast["rows"]] == [0.0, 120.0, 180.0, 260.0]
    a = client.get("/api/control/areas", params={"date": "2015-06-01"}).json()
    assert a["date"] == "2015-02-15" and len(a["features"]) == 1
    assert a["features"][0]["properties"]["actor"] == "Islamic State"
    assert client.get("/api/control/areas", params={"date": "2014-01-01"}).json()["features"] == []
    assert client.get("/api/control/areas").json()["date"] == "2016-01-01"
    assert client.get("/api/control/areas", params={"date": "June"}).status_code == 400


def test_land_from_gshhg(client):
    d = client.get("/api/land", params={"bbox": "10,28,20,35", "resolution": "l"}).json()
    assert d["rings"] and all(len(r) % 2 == 0 for r in d["rings"])
    assert client.get("/api/land", params={"resolution": "h"}).status_code == 400
    assert client.get("/api/land", params={"resolution": "z"}).status_code == 400


def test_openapi_describes_the_api(client):
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for p in ("/api/events", "/api/events/points", "/api/events.csv", "/api/events.geojson", "/api/events/{event_id}",
              "/api/claims", "/api/control/coast", "/api/control/areas", "/api/meta", "/api/land"):
        assert p in paths, p
    names = {prm["name"] for prm in paths["/api/events"]["get"]["parameters"]}
    assert {"actor", "event_type", "certainty", "source", "date_from", "date_to", "limit"} <= names


def test_openapi_fuzz_never_500(client):
    """Every documented GET parameter with hostile values: 200, 400 or 404, never a crash or a traceback."""
    spec = client.get("/api/openapi.json").json()
    nasty = ["", "'; DROP TABLE events; --", "../../etc/passwd", "\u0000", "9" * 40, "-1", "nan", "2015-02-29",
             "%00", "<script>alert(1)</script>", "\ud7ff" * 3]
    for path, item in spec["paths"].items():
        op = item.get("get")
        if not op:
            continue
        url = path.replace("{event_id}", "ev-x").replace("{doc_id}", "d-x").replace("{job_id}", "j-x")
        for prm in op.get("parameters", []):
            if prm["in"] != "query":
                continue
            for value in nasty:
                r = client.get(url, params={prm["name"]: value})
                assert r.status_code in (200, 400, 403, 404), (path, prm["name"], value, r.status_code, r.text[:200])
                assert "Traceback" not in r.text


def test_security_headers_and_host_check(client):
    r = client.get("/")
    assert r.status_code == 200 and "<canvas" in r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400
    assert client.get("/docs").status_code == 404  # no CDN-loaded Swagger UI


def test_static_files_have_no_remote_urls():
    static = Path(__file__).resolve().parents[1] / "src" / "frontline" / "web" / "static"
    for f in static.iterdir():
        text = f.read_text(encoding="utf-8")
        for bad in ("http://", "https://", "//cdn", "@import"):
            hits = [ln for ln in text.splitlines() if bad in ln and "www.w3.org/2000/svg" not in ln]
            assert not hits, (f.name, hits[:2])


def test_read_only_server_refuses_ingest(client):
    r = client.post("/api/ingest/folder", json={"path": "."})
    assert r.status_code == 403 and "--allow-ingest" in r.json()["error"]
    r = client.post("/api/ingest/upload", files={"files": ("a.txt", b"hello", "text/plain")})
    assert r.status_code == 403


REPORT = (b"TRIPOLI, 3 March 2015 (Reuters) - Islamic State fighters attacked the Mabruk oil field south of "
          b"Sirte on Tuesday, killing at least 12 guards, a spokesman for the Petroleum Facilities Guard said.\n")


def test_ingest_upload_with_progress_and_limits(tmp_path, web_db):
    db = tmp_path / "ingest.duckdb"
    data = tmp_path / "data"
    app = build(db, allow_ingest=True, data_dir=data, max_upload_mb=0.01)
    with TestClient(app, base_url="http://127.0.0.1", headers={"X-Frontline-Request": "1"}) as c:
        # cross-site request forgery: no header, or a foreign Origin, is refused before anything is stored
        r = c.post("/api/ingest/upload", files={"files": ("a.txt", REPORT, "text/plain")},
                   headers={"X-Frontline-Request": ""})
        assert r.status_code == 403 and "cross-site" in r.json()["error"]
        r = c.post("/api/ingest/folder", json={"path": "."}, headers={"Origin": "https://attacker.example"})
        assert r.status_code == 403
        assert not data.exists() or not list(data.rglob("*.txt"))
        assert c.get("/api/meta").json()["allow_ingest"] is True
        bad = c.post("/api/ingest/upload", files={"files": ("evil.exe", b"MZ", "application/octet-stream")})
        assert bad.status_code == 415 and ".txt" in bad.json()["error"]
        big = c.post("/api/ingest/upload", files={"files": ("big.txt", b"x" * 20000, "text/plain")})
        assert big.status_code == 413 and "too large" in big.json()["error"]
        huge = c.post("/api/ingest/upload", files={"files": ("huge.txt", b"x" * 2_000_000, "text/plain")})
        assert huge.status_code == 413  # refused on Content-Length, before the body is parsed
        assert not list(data.rglob("big.txt")) and not list(data.rglob("huge.txt"))
        r = c.post("/api/ingest/upload", files={"files": ("../../../escape.txt", REPORT, "text/plain")})
        assert r.status_code == 200, r.text
        job = r.json()
        deadline = time.time() + 120
        while job["state"] not in ("done", "failed") and time.time() < deadline:
            time.sleep(0.2)
            job = c.get(f"/api/ingest/{job['job_id']}").json()
        assert job["state"] == "done", job
        assert job["total"] == job["done"] == 1 and job["progress"] == 1.0
        stored = list(data.rglob("*.txt"))
        assert [p.name for p in stored] == ["escape.txt"] and data.resolve() in stored[0].resolve().parents
        assert not (tmp_path / "escape.txt").exists()
        assert c.get("/api/meta").json()["counts"]["documents"] == 1  # the cache was refreshed
        assert c.get("/api/events").json()["total"] == job["events"]
        out = c.post("/api/ingest/folder", json={"path": str(tmp_path)})
        assert out.status_code == 403 and "inside the data directory" in out.json()["error"]
        assert c.post("/api/ingest/folder", json={"path": "../"}).status_code == 403
        assert c.post("/api/ingest/folder", json={"path": "missing"}).status_code == 404
        again = c.post("/api/ingest/folder", json={"path": "uploads"})
        assert again.status_code == 200


def test_serve_cli_refuses_a_missing_store(tmp_path):
    from typer.testing import CliRunner

    from frontline.cli import app

    res = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 2 and "no store" in res.output
    help_text = CliRunner().invoke(app, ["serve", "--help"]).output
    assert "--allow-ingest" in help_text and "127.0.0.1" in help_text


def test_remote_tiles_only_when_asked(web_db):
    app = build(web_db, tiles_url="https://tiles.example.org/{z}/{x}/{y}.png")
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert "img-src 'self' https://tiles.example.org" in c.get("/").headers["content-security-policy"]
        assert c.get("/api/meta").json()["tiles_url"].startswith("https://tiles.example.org/")
    with pytest.raises(ValueError):
        build(web_db, tiles_url="javascript:alert(1)")


def test_host_header_parsing():
    from frontline.web.server import host_name

    assert host_name("127.0.0.1:8050") == "127.0.0.1"
    assert host_name("[::1]:8050") == "::1"
    assert host_name("LOCALHOST") == "localhost"
    assert host_name("evil.example:80") == "evil.example"
