"""The README's demo through the real CLI: outputs, bad files reported, re-runs, exports, help."""
from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
from typer.testing import CliRunner

from frontline.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "reports"
runner = CliRunner()


def test_demo_run_writes_everything_and_reports_bad_files(tmp_path):
    db, out = tmp_path / "demo.duckdb", tmp_path / "demo"
    result = runner.invoke(app, ["run", str(EXAMPLES), "--db", str(db), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{"):])
    assert summary["unreadable"] == 2 and summary["documents"] == 7 and summary["events"] > 0
    assert any("broken.txt: empty file" in e for e in summary["errors"])
    assert any("not-a-report.txt: binary file" in e for e in summary["errors"])
    for name in ("events.csv", "events.geojson", "claims.csv", "map.html", "map.png", "report.md"):
        assert (out / name).stat().st_size > 0
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "broken.txt" in report and "## Events by actor" in report
    events = pd.read_csv(out / "events.csv")
    geo = json.loads((out / "events.geojson").read_text(encoding="utf-8"))
    assert len(geo["features"]) == events["latitude"].notna().sum()
    # the JSONL metadata came through: outlet and ids
    assert "frontline example wire" in set(events["source"])
    assert events["doc_id"].str.startswith("ex-").any()

    again = runner.invoke(app, ["run", str(EXAMPLES), "--db", str(db), "--json"])
    summary2 = json.loads(again.stdout[again.stdout.index("{"):])
    assert summary2["new_documents"] == 0 and summary2["events"] == summary["events"]


def test_export_formats(tmp_path):
    db = tmp_path / "s.duckdb"
    assert runner.invoke(app, ["run", str(EXAMPLES / "wire.jsonl"), "--db", str(db), "-q"]).exit_code == 0
    for fmt, name in (("csv", "e.csv"), ("geojson", "e.geojson"), ("geoparquet", "e.parquet")):
        result = runner.invoke(app, ["export", "--format", fmt, "--db", str(db), "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    csv = pd.read_csv(tmp_path / "e.csv")
    parquet = gpd.read_parquet(tmp_path / "e.parquet")
    assert len(csv) == len(parquet) > 0 and parquet.crs.to_epsg() == 4326
    bad = runner.invoke(app, ["export", "--format", "xml", "--db", str(db), "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "unknown format" in bad.output


def test_help_lists_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("run", "export", "geoparse", "bench"):
        assert command in result.output
    assert "--meta" in runner.invoke(app, ["run", "--help"]).output


def test_unlocated_events_are_stored_and_exported_but_not_mapped(tmp_path):
    from frontline.pipeline import run
    from frontline.store import Store

    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "toll.txt").write_text("42 fighters of the Islamic State were killed yesterday in clashes.\n",
                                      encoding="utf-8")
    result = run([reports], db=tmp_path / "t.duckdb", out=tmp_path / "out")
    assert len(result.events) == 1 and result.events.geometry.isna().all()
    with Store(tmp_path / "t.duckdb", read_only=True) as store:
        [row] = store.events().to_dict(orient="records")
    assert row["actor1"] == "Islamic State" and row["latitude"] is None or row["latitude"] != row["latitude"]
    assert (tmp_path / "out" / "map.html").exists() and (tmp_path / "out" / "events.csv").exists()


def test_run_with_nothing_readable_fails_and_distance_refuses_unknown_names(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "missing.txt"), "--db", str(tmp_path / "s.duckdb"), "-q"])
    assert result.exit_code == 1 and "missing.txt" in result.output
    unknown = runner.invoke(app, ["distance", "Sirte", "Qwertyzzz"])
    assert unknown.exit_code == 1 and "Qwertyzzz" in unknown.output
    known = runner.invoke(app, ["distance", "Sirte", "Raqqa"])
    assert known.exit_code == 0 and "1330." in known.output
