"""The event benchmark and `frontline compare` on real UCDP rows (../shared/data/events)."""
from __future__ import annotations

import csv
import gzip
import json

from typer.testing import CliRunner

from frontline.cli import app
from frontline.events.bench import load_ucdp_cases, place_named, predict, score

runner = CliRunner()


def _subset(shared, tmp_path, n=60):
    """The first n rows of the dev file, as a plain CSV the importer and the bench both read."""
    src = shared / "data" / "events" / "ucdp_ged_syria.dev.csv.gz"
    out = tmp_path / "ucdp_subset.csv"
    with gzip.open(src, "rt", encoding="utf-8", newline="") as fh, open(out, "w", encoding="utf-8", newline="") as dst:
        reader = csv.DictReader(fh)
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames)
        writer.writeheader()
        for i, row in enumerate(reader):
            if i >= n:
                break
            writer.writerow(row)
    return out


def test_bench_scores_headlines_against_gold(shared, tmp_path):
    cases = load_ucdp_cases(_subset(shared, tmp_path))
    assert sum(len(c.gold) for c in cases) == 60
    predictions, seconds = predict(cases)
    metrics = score(cases, predictions, seconds)
    assert metrics["gold_events"] == 60 and 0 < metrics["cases"] <= 60
    for section in ("location", "date", "actors", "fatalities", "type_of_violence"):
        assert section in metrics
    # the pipeline finds something real on these headlines
    assert metrics["location"]["recall_50km"] > 0.2
    assert metrics["date"]["within_1_day"] > 0.8
    assert metrics["throughput_texts_per_s"] > 10


def test_place_named_subset_rule():
    assert place_named("Aleppo town", "Clashes on many fronts of Aleppo")
    assert place_named("Eastern Deir ez Zor Governorate", "Shelling hits Deir ez Zor countryside")
    assert not place_named("Marea town", "Clashes on many fronts of Aleppo")


def test_bench_cli_json(shared, tmp_path):
    result = runner.invoke(app, ["bench", "events", str(_subset(shared, tmp_path, 30)), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics["gold_events"] == 30


def test_compare_imported_ucdp_with_text_coding(shared, tmp_path):
    subset = _subset(shared, tmp_path, 40)
    db = str(tmp_path / "c.duckdb")
    assert runner.invoke(app, ["import", "ucdp", str(subset), "--db", db]).exit_code == 0
    # the same headlines as reports, dated as the source says
    reports = tmp_path / "headlines.jsonl"
    with open(reports, "w", encoding="utf-8") as fh:
        for case in load_ucdp_cases(subset):
            fh.write(json.dumps({"text": case.text, "published": case.published, "outlet": case.outlet}) + "\n")
    assert runner.invoke(app, ["run", str(reports), "--db", db, "-q"]).exit_code == 0
    result = runner.invoke(app, ["compare", "--gold", "ucdp", "--pred", "text", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics["linked_sources"] > 10 and metrics["location"]["recall_50km"] > 0.2
    bad = runner.invoke(app, ["compare", "--gold", "gdelt", "--db", db])
    assert bad.exit_code == 2 and "unknown origin" in bad.output


def test_import_of_a_malformed_file_is_one_clear_error(tmp_path):
    bad = tmp_path / "not_ucdp.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "ucdp", str(bad), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 2
    assert "not_ucdp.csv" in result.output and "missing column" in result.output
    assert "Traceback" not in result.output
