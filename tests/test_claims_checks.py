"""Claims: quantity parsing, checks against a synthetic store, the benchmark and the CLI."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from frontline.claims import check_claims, extract_claims
from frontline.claims.bench import run_bench
from frontline.claims.check import horizon_end, stated_interval
from frontline.claims.quantities import convert, find_quantities
from frontline.records import Document


def _one(sentence):
    qs = find_quantities(sentence)
    assert len(qs) == 1, qs
    return qs[0]


@pytest.mark.parametrize("sentence,value,high,unit,bound", [
    ("it is more than 1,300 miles from Raqqa", 1300, None, "mile", "more_than"),
    ("close to 250km of coastline", 250, None, "kilometer", "nearly"),
    ("Fallujah is not even 30 miles from Ramadi", 30, None, "mile", "less_than"),
    ("the town is not more than 40 km away", 40, None, "kilometer", "at_most"),
    ("between 80 and 90 miles apart", 80, 90, "mile", "range"),
    ("some 3,000 square kilometres", 3000, None, "square_kilometer", "about"),
    ("about 170 nautical miles from Tunis", 170, None, "nautical_mile", "about"),
    ("twenty-five kilometres south", 25, None, "kilometer", "exact"),
    ("at least 140 people were killed", 140, None, None, "at_least"),
    ("500,000 jihad fighters", 500_000, None, None, "exact"),
    ("1.5 million refugees", 1_500_000, None, None, "exact"),
])
def test_quantities(sentence, value, high, unit, bound):
    q = _one(sentence)
    assert q.value == value and q.value_high == high and q.bound == bound
    assert q.unit == unit


def test_no_quantities_in_plain_prose():
    assert find_quantities("The Islamic State has gained a foothold in North Africa.") == []
    assert find_quantities("In 2014 the two cities were calm.") == []


def test_pint_conversions():
    assert convert(1, "mile", "kilometer") == pytest.approx(1.609344)
    assert convert(1, "nautical_mile", "kilometer") == pytest.approx(1.852)
    assert convert(100, "kilometer", "mile") == pytest.approx(62.137, rel=1e-4)


def test_tolerances():
    assert stated_interval(1300, "more_than")[0] == 1300
    lo, hi, _ = stated_interval(250, "nearly")
    assert lo == pytest.approx(212.5) and hi == pytest.approx(255)
    lo, hi, _ = stated_interval(2500, "exact")
    assert (lo, hi) == (pytest.approx(2250), pytest.approx(2750))


def test_horizons():
    from datetime import date
    made = date(2016, 2, 1)
    assert horizon_end(made, None)[0] == date(2017, 1, 31)
    assert horizon_end(made, "two years")[0] == date(2018, 2, 1)
    assert horizon_end(made, "2020-12-31")[0] == date(2020, 12, 31)


def _check(text, published, store=None):
    doc = Document(doc_id="t", text=text, published=published)
    return check_claims(extract_claims(doc), {"t": doc}, store)


def test_distance_verdicts_and_negation():
    claims = _check("Mosul lies about 350 km north of Baghdad. Aleppo is more than 500 km from Damascus. "
                    "Beirut is not even 60 miles from Damascus.", "2017-01-01")
    by_value = {c.value: c for c in claims if c.claim_type == "distance"}
    assert by_value[350].verdict == "supported" and 340 < by_value[350].computed_value < 365
    assert by_value[500].verdict == "contradicted"  # ~330 km
    assert by_value[60].bound == "less_than" and by_value[60].verdict == "supported"  # ~53 mi
    assert by_value[60].computed_unit == "mile"


def test_questions_and_hypotheticals_are_not_facts():
    claims = _check("Is Aleppo really 500 km from Damascus? If Homs falls, the rebels could be 100 km "
                    "from the coast.", "2016-01-01")
    kinds = {c.claim_type for c in claims}
    assert kinds == {"question", "hypothetical"}
    assert all(c.verdict == "not checkable" for c in claims)


@pytest.fixture()
def control_store():
    from frontline.store import Store
    store = Store(":memory:")
    store.write_frame("control_coast", pd.DataFrame([
        {"actor": "Islamic State", "date": "2016-01-15", "km": 250, "km_low": 220, "km_high": 280, "region": "Libya"},
        {"actor": "Islamic State", "date": "2016-06-01", "km": 520, "km_low": 480, "km_high": 560, "region": "Libya"},
        {"actor": "Islamic State", "date": "2017-06-01", "km": 0, "km_low": 0, "km_high": 0, "region": "Libya"},
    ]))
    yield store
    store.close()


def test_extent_against_control(control_store):
    claims = _check("Today ISIS holds close to 250 km of coastline. Its rivals say the group holds more than "
                    "400 km of the coast.", "2016-02-01", control_store)
    by_value = {c.value: c for c in claims}
    assert by_value[250].claim_type == "extent" and by_value[250].verdict == "supported"
    assert by_value[250].computed_value == 250
    assert "2016-01-15" in by_value[250].evidence
    assert by_value[400].verdict == "contradicted"


def test_extent_prediction_came_true(control_store):
    claims = _check("Today ISIS holds close to 250 km of coastline. When that number rises to 500 km -- and it "
                    "will -- Europe must act.", "2016-02-01", control_store)
    pred = [c for c in claims if c.claim_type == "prediction"][0]
    assert pred.value == 500 and pred.verdict == "supported"
    assert "2016-06-01" in pred.evidence


def test_extent_pending_without_control():
    claims = _check("The militia controls about 120 km of coastline.", "2016-02-01", None)
    assert claims[0].claim_type == "extent" and claims[0].verdict == "pending"


def test_benchmark_meets_targets():
    report = run_bench()
    assert report["gold_claims"] >= 30
    assert report["found_pct"] >= 90.0, report["misses"]
    assert report["verdict_pct"] >= 95.0, report["wrong_verdicts"]
    assert report["fabricated"] == 0, report["fabricated_claims"]


def test_cli_claims_and_bench(tmp_path):
    from typer.testing import CliRunner

    from frontline.cli import app

    art = tmp_path / "a.txt"
    art.write_text("Kismayo is about 400 km south-west of Mogadishu. Rain fell on Sunday.\n")
    meta = tmp_path / "meta.jsonl"
    meta.write_text(json.dumps({"file": "a.txt", "published": "2020-08-01"}) + "\n")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["claims", str(art), "--meta", str(meta), "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert len(rows) == 1 and rows[0]["verdict"] == "supported"
    assert (out / "a" / "claims.html").exists()
    res = CliRunner().invoke(app, ["bench", "claims", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["found_pct"] >= 90


def test_distance_endpoint_rules():
    text = ("Haftar's forces are camped about 15 km from central Tripoli. "
            "Sirte lies roughly 240 km east of Misrata along the coastal road. "
            "The camp lies about 20 km south of the city centre. "
            "Vilnius sits less than 40 km from the Belarusian border. "
            "Two bombers struck camps in the desert of Libya about 45 km south-west of Sirte.")
    claims = {c.value: c for c in _check(text, "2016-01-01") if c.claim_type == "distance"}
    assert claims[15].verdict == "not checkable"  # the camp is not a named place
    road = claims[240]
    assert road.verdict == "supported" and "road distance" in road.tolerance  # 192 km geodesic
    assert claims[20].verdict == "not checkable" and "not a named place" in claims[20].evidence
    assert claims[40].verdict == "not checkable" and "border" in claims[40].evidence
    assert claims[45].verdict == "not checkable"  # a country is not a point for a 45 km distance


def test_claims_read_back_from_store_can_be_rechecked():
    from frontline.records import Claim
    c = Claim(claim_id="x", doc_id="d", char_start=0, char_end=10, quote="Sirte is more than 1,300 miles from Raqqa",
              claim_type="distance", value=1300, unit="mile", bound="more_than",
              subjects=["Sirte (LY)", "Raqqa (SY)"], refers_to_date="2015-02-20")
    check_claims([c], None, None)
    assert c.verdict == "supported" and c.computed_value > 1300
