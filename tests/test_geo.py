"""Gazetteer and geoparser tests on real data (GeoNames extracts in ../shared, PyPI packages)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontline.records import Place, Toponym


@pytest.fixture(scope="session")
def gaz(shared: Path, tmp_path_factory):
    """Build the gazetteer once per session from the GeoNames dumps via the CLI, into a tmp cache."""
    cache = tmp_path_factory.mktemp("flcache")
    old = os.environ.get("FRONTLINE_CACHE_DIR")
    os.environ["FRONTLINE_CACHE_DIR"] = str(cache)
    from frontline.cli import app
    from frontline.geo import load_gazetteer

    r = CliRunner().invoke(app, ["gazetteer", "build", "--from", str(shared / "data" / "geonames")])
    assert r.exit_code == 0, r.output
    assert "places" in r.output
    g = load_gazetteer()
    yield g
    if old is None:
        os.environ.pop("FRONTLINE_CACHE_DIR", None)
    else:
        os.environ["FRONTLINE_CACHE_DIR"] = old


def _near(p: Place, lat: float, lon: float, km: float = 30) -> bool:
    from frontline.geo import distance_km

    return distance_km(p, (lat, lon)) <= km


# ------------------------------------------------------------------ gazetteer
def test_dump_build_has_geonames_codes_and_osm(gaz):
    tripoli = [p for p in gaz.lookup("Tripoli") if p.country == "LY"][0]
    assert tripoli.feature_code == "PPLC"  # feature codes come from cities15000 in the dump
    assert tripoli.geonameid == 2210247
    # admin1 names from admin1CodesASCII.txt
    assert any(p.feature_code == "ADM1" and p.country == "LY" for p in gaz.lookup("Misratah"))
    # small Libyan places only in the OSM file
    assert gaz.lookup("Abu Qurayn")[0].country == "LY"
    df = gaz.settlements(["LY", "TN"])
    assert list(df.columns) == ["geonameid", "name", "lat", "lon", "country", "admin1", "population"]
    assert set(df.country) == {"LY", "TN"} and len(df) > 500


@pytest.mark.parametrize(
    "variant,country,lat,lon",
    [
        ("Ben Jawad", "LY", 30.80, 18.08),
        ("Bin Jawwad", "LY", 30.80, 18.08),
        ("Derna", "LY", 32.77, 22.64),
        ("Darnah", "LY", 32.77, 22.64),
        ("Misrata", "LY", 32.38, 15.09),
        ("Misurata", "LY", 32.38, 15.09),
        ("Sabratha", "LY", 32.79, 12.49),
        ("Sirte", "LY", 31.21, 16.59),
        ("Surt", "LY", 31.21, 16.59),
        ("Kasserine", "TN", 35.17, 8.84),
        ("Abu Grein", "LY", 31.45, 15.26),
        ("Abu Qurayn", "LY", 31.45, 15.26),
        ("Abugrein", "LY", 31.45, 15.26),  # a two-word name written as one word
        ("Nofaliya", "LY", 30.78, 17.84),
        ("Nawfaliyah", "LY", 30.78, 17.84),
        ("Harawa", "LY", 31.05, 17.28),
        ("Raqqa", "SY", 35.95, 39.01),
        ("Palmyra", "SY", 34.56, 38.28),
        ("Tadmur", "SY", 34.56, 38.28),
        ("Deir ez-Zor", "SY", 35.34, 40.14),
        ("Deir al-Zour", "SY", 35.34, 40.14),
    ],
)
def test_transliteration_variants_resolve(gaz, variant, country, lat, lon):
    from frontline.geo import resolve

    p = resolve(variant, countries=(country,), gazetteer=gaz)
    assert p is not None and p.country == country
    assert _near(p, lat, lon, 40), (variant, p)


def test_lookup_ranks_variant_first_without_hint(gaz):
    for v, want in [("Ben Jawad", "LY"), ("Abu Grein", "LY"), ("Sabratha", "LY"), ("Deir ez-Zor", "SY")]:
        assert gaz.lookup(v)[0].country == want, v
    kas = gaz.lookup("Kasserine")
    assert {p.feature_class for p in kas[:3] if p.country == "TN"} >= {"P", "A"}  # town and governorate


def test_country_reference_points_not_capitals(gaz):
    from frontline.geo import distance_km

    ly = gaz.country("LY")
    assert ly.feature_code == "PCLI" and ly.geo_precision == 3 and ly.country == "LY"
    assert distance_km(ly, (32.89, 13.19)) > 400  # not Tripoli
    assert distance_km(ly, (27.0, 17.0)) < 161
    us = gaz.country("US")
    assert distance_km(us, (39.8, -98.5)) < 161  # not Washington
    assert distance_km(gaz.country("CN"), (35.0, 105.0)) < 161


def test_distance_km_geodesic():
    from frontline.geo import distance_km

    assert distance_km((0.0, 0.0), (0.0, 1.0)) == pytest.approx(111.32, abs=0.05)
    assert distance_km(Place(None, "a", 51.5, -0.12), Place(None, "b", 48.86, 2.35)) == pytest.approx(343.5, abs=2)


# ------------------------------------------------------------------ geoparse
def test_geoparse_libya_report(gaz):
    from frontline.geo import geoparse

    text = ("Fighting erupted in Derna and Ben Jawad on Monday, while Misrata brigades advanced on Sirte. "
            "Clashes were also reported near Abu Grein and in Sabratha, west of Tripoli, Libya.")
    # without a hint, the well-attested names
    got = {t.mention: t for t in geoparse(text, gazetteer=gaz)}
    for m in ("Derna", "Sirte", "Sabratha", "Tripoli", "Libya", "Abu Grein"):
        assert m in got and got[m].place.country == "LY", (m, list(got))
    # with the country hint, the transliteration variants too
    tps = geoparse(text, country_hint="LY", gazetteer=gaz)
    assert all(isinstance(t, Toponym) for t in tps)
    got = {t.mention: t for t in tps}
    for m in ("Derna", "Ben Jawad", "Misrata", "Sirte", "Sabratha", "Tripoli", "Libya", "Abu Grein"):
        assert m in got, (m, list(got))
        t = got[m]
        assert text[t.start:t.end] == m
        assert t.place.country == "LY", (m, t.place)
        assert 0.0 <= t.score <= 1.0 and t.candidates
    assert got["Libya"].place.feature_code == "PCLI" and got["Libya"].place.geo_precision == 3
    assert got["Derna"].place.geo_precision == 1


def test_geoparse_country_hint_and_context(gaz):
    from frontline.geo import geoparse

    t = geoparse("Protesters gathered in Kasserine on Friday.", country_hint="TN", gazetteer=gaz)
    assert t and t[0].place.country == "TN"
    t = geoparse("Islamic State fighters withdrew from Palmyra toward Raqqa and Deir ez-Zor in Syria.", gazetteer=gaz)
    got = {x.mention: x.place for x in t}
    assert got["Palmyra"].country == "SY" and got["Raqqa"].country == "SY" and got["Deir ez-Zor"].country == "SY"


def test_country_hint_counts_in_the_trained_ranker(gaz):
    """The dev corpora carry no hint, so the trained ranker has no learned ``hint_cc`` weight; a fixed one
    (HINT_CC_WEIGHT) lets the caller's country win over a more populous namesake elsewhere."""
    from frontline.geo import geoparse
    from frontline.geo.parser import HINT_CC_WEIGHT, get_model

    m = get_model()
    assert m.res.get("hint_cc") and (m.res2 is None or m.res2.get("hint_cc") == HINT_CC_WEIGHT)
    t = geoparse("Regime forces withdraw from Palmyra", country_hint="SY", gazetteer=gaz)
    assert t and t[0].place.country == "SY"


def test_rank_fit_orders_groups():
    import numpy as np

    from frontline.geo.train import fit_rank

    groups = [[({"a": 1.0}, 1), ({"b": 1.0}, 0)], [({"a": 1.0, "c": 1.0}, 1), ({"c": 1.0}, 0), ({"b": 1.0}, 0)]] * 5
    w = fit_rank(groups, np.ones(len(groups)))
    assert w.get("a", 0) > w.get("b", 0) and "bias" in w


def test_person_names_are_not_places(gaz):
    from frontline.geo import geoparse

    text = ("Pope Francis met Angela Merkel in Rome on Tuesday. Merkel said the talks went well. "
            "Vlad Tepes ruled Wallachia. Michael Jordan scored 30 points; Jordan later thanked fans. "
            "Refugees crossed from Syria into Jordan.")
    tps = geoparse(text, gazetteer=gaz)
    mentions = [(t.mention, t.start) for t in tps]
    assert not any(m in ("Francis", "Merkel", "Tepes", "Vlad Tepes", "Angela Merkel") for m, _ in mentions), mentions
    person_jordan = [text.index("Michael Jordan") + 8, text.index("Jordan later")]
    assert not any(m == "Jordan" and s in person_jordan for m, s in mentions), mentions
    country_jordan = text.rindex("Jordan")
    hit = [t for t in tps if t.start == country_jordan]
    assert hit and hit[0].place.country == "JO" and hit[0].place.feature_code == "PCLI"
    assert any(t.mention == "Rome" and t.place.country == "IT" for t in tps)


def test_regions_and_macro_regions(gaz):
    from frontline.geo import distance_km, geoparse

    text = ("Migrants leave North Africa and the Maghreb to cross the Mediterranean from the Gulf of Sirte "
            "to southern Italy and Europe, while the war in Syria and Iraq goes on. Scholars of al-Andalus disagree.")
    tps = {t.mention.lower(): t.place for t in geoparse(text, gazetteer=gaz)}
    for m in ("north africa", "maghreb", "mediterranean", "gulf of sirte", "southern italy", "europe", "syria", "iraq", "al-andalus"):
        assert m in tps, (m, list(tps))
        assert tps[m].geo_precision == 3
    assert tps["syria"].feature_code == "PCLI" and distance_km(tps["syria"], (33.51, 36.29)) > 100  # not Damascus
    assert distance_km(tps["gulf of sirte"], (31.5, 18.0)) < 200


def test_abbreviations_and_demonyms(gaz):
    from frontline.geo import geoparse

    tps = {t.mention: t.place for t in geoparse("The U.S. and the UK sent aid to Charleston, W.Va. and Lexington, Ky.", gazetteer=gaz)}
    assert tps["U.S."].country == "US" and tps["U.S."].feature_code == "PCLI"
    assert tps["UK"].country == "GB"
    assert tps["W.Va."].feature_code == "ADM1" and tps["Charleston"].admin1 == "West Virginia"
    assert tps["Lexington"].admin1 == "Kentucky"


# ------------------------------------------------------------------ CLI
def test_cli_geoparse_jsonl_format_and_bad_lines(gaz, tmp_path):
    from frontline.cli import app

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"doc_id": "d1", "text": "Clashes in Derna, Libya."}) + "\n{not json\n"
                   + json.dumps({"doc_id": "d2", "text": "Nothing here."}) + "\n" + json.dumps({"x": 1}) + "\n")
    out = tmp_path / "out.jsonl"
    r = CliRunner().invoke(app, ["geoparse", str(src), "--batch", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert f"{src}:2" in r.output and f"{src}:4" in r.output  # one clear line per bad line
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [d["doc_id"] for d in lines] == ["d1", "d2"]
    tp = lines[0]["toponyms"]
    assert set(tp[0]) == {"start", "end", "mention", "lat", "lon", "geonameid", "name", "country", "feature", "score"}
    text = "Clashes in Derna, Libya."
    assert [(t["mention"], text[t["start"]:t["end"]]) for t in tp] == [("Derna", "Derna"), ("Libya", "Libya")]
    assert lines[1]["toponyms"] == []
    # plain text from stdin
    r = CliRunner().invoke(app, ["geoparse", "-"], input="Shelling hit Sirte.")
    assert r.exit_code == 0 and json.loads(r.stdout.strip().splitlines()[-1])["toponyms"][0]["name"] == "Sirte"
    # a missing file is one clear line
    r = CliRunner().invoke(app, ["geoparse", str(tmp_path / "missing.txt")])
    assert "missing.txt" in r.output and r.exit_code != 0


def test_bench_small_sample(gaz, shared):
    from frontline.geo.bench import run_bench

    f = shared / "data" / "geoparse" / "geowebnews.dev.jsonl.gz"
    res = run_bench([str(f)], peers=True, limit=12, speed=False)
    rows = res["corpora"]["geowebnews"]
    assert set(rows) == {"frontline", "geotext", "flashgeotext"}
    fl, gt = rows["frontline"], rows["geotext"]
    assert fl["detection"]["overlap"]["f1"] > gt["detection"]["overlap"]["f1"]
    assert fl["e2e161"] > gt["e2e161"]
    assert 0 <= fl["resolution"]["acc161"] <= 1 and fl["resolution"]["auc"] < gt["resolution"]["auc"]
    assert res["macro"]["frontline"]["e2e161"] == pytest.approx(fl["e2e161"])


def test_a_bracketed_name_after_a_place_is_its_alias():
    from frontline.geo import geoparse

    text = "They have taken control of Buwayrat al-Hasun (Bouyrat), 78 km west of Sirte."
    tops = {t.mention: t.place for t in geoparse(text, country_hint="LY")}
    assert tops["Bouyrat"] == tops["Buwayrat al-Hasun"] and tops["Bouyrat"].country == "LY"


def test_osm_places_merge_into_the_geonames_town_they_duplicate():
    from frontline.geo import load_gazetteer

    hits = load_gazetteer().lookup("Ben Jawad", countries=["LY"])
    assert len([p for p in hits if abs(p.lat - 30.804) < 0.05 and abs(p.lon - 18.077) < 0.05]) == 1


def test_a_first_name_before_a_surname_is_not_a_variant(gaz):
    from frontline.geo import geoparse

    text = "After the fall of Moammar Qaddafi the group used his weapons to invade neighbouring Mali."
    assert [t.mention for t in geoparse(text, country_hint="LY", gazetteer=gaz)] == ["Mali"]
    # a place word after the variant keeps it a place
    text = "Shelling hit Hajeen Town and the Shaddadi countryside on Monday."
    assert "Hajeen" in [t.mention for t in geoparse(text, country_hint="SY", gazetteer=gaz)]


def test_a_name_followed_by_an_article_and_a_word_is_the_longer_name(gaz):
    from frontline.geo import geoparse

    found = {t.mention: t.place.name for t in geoparse("Clashes in Jisr al-Shughur and Maarrat al-Nu'man.",
                                                       country_hint="SY", gazetteer=gaz)}
    assert found == {"Jisr al-Shughur": "Jisr ash Shughūr", "Maarrat al-Nu'man": "Ma‘arrat an Nu‘mān"}
    # "Khan" is only another name of a village: without a longer name it is no place ...
    text = "Helicopters drop barrel bombs on Khan al-Sobol."
    assert [t.mention for t in geoparse(text, country_hint="SY", gazetteer=gaz)] == []
    # ... while a place's own name stays when the longer name is unknown
    text = "Clashes in Manshiya in Daraa al-Balad."
    assert "Daraa" in [t.mention for t in geoparse(text, country_hint="SY", gazetteer=gaz)]


def test_a_hint_reads_a_small_town_abroad_and_a_short_spelling_as_places_at_home(gaz):
    from frontline.geo import geoparse

    text = "Violent clashes in Aleppo city and renewed in Arima area"
    assert [t.place.country for t in geoparse(text, country_hint="SY", gazetteer=gaz)] == ["SY", "SY"]
    [raqa] = geoparse("42 civilians dead in US-led strikes on Raqa Monday", country_hint="SY", gazetteer=gaz)
    assert raqa.place.name == "Ar Raqqah"
    # a big city abroad stays itself
    found = geoparse("Talks in Moscow on the fighting in Aleppo", country_hint="SY", gazetteer=gaz)
    assert [t.place.country for t in found] == ["RU", "SY"]


def test_a_generic_word_before_an_unknown_name_is_not_a_place_and_articles_assimilate(gaz):
    from frontline.geo import geoparse, resolve

    text = "A car bomb explosion in Tal Halaf west of Ras Al-Ayn"
    assert [t.mention for t in geoparse(text, country_hint="SY", gazetteer=gaz)] == ["Ras Al-Ayn"]
    # "al-Susah" is written "As Susah" in the gazetteer
    assert resolve("al-Susah", countries=("SY",), gazetteer=gaz).name == "As Sūsah"


def test_gazetteer_fetch_downloads_country_dumps_and_rebuilds_with_their_villages(tmp_path, monkeypatch):
    """A GeoNames country dump served from a local folder (file://) stands in for download.geonames.org."""
    import zipfile

    from typer.testing import CliRunner

    from frontline.cli import app
    from frontline.geo.gazetteer import Gazetteer, gazetteer_path

    served = tmp_path / "served"
    served.mkdir()
    # two villages cities500 lacks, in the GeoNames dump format (19 tab-separated columns)
    rows = ["170139\tZamalka\tZamalka\tZamalka,Zamalkā,زملكا\t33.52111\t36.35611\tP\tPPL\tSY\t\t08\t\t\t\t0\t\t695\tAsia/Damascus\t2012-01-19",
            "163086\tSaqbā\tSaqba\tSaqba,سقبا\t33.52056\t36.38472\tP\tPPL\tSY\t\t08\t\t\t\t0\t\t680\tAsia/Damascus\t2012-01-19"]
    with zipfile.ZipFile(served / "SY.zip", "w") as z:
        z.writestr("SY.txt", "\n".join(rows) + "\n")
    (served / "admin1CodesASCII.txt").write_text("SY.08\tRif Dimashq\tRif Dimashq\t170652\n", encoding="utf-8")
    monkeypatch.setenv("FRONTLINE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("FRONTLINE_GEONAMES_DIR", raising=False)
    result = CliRunner().invoke(app, ["gazetteer", "fetch", "sy", "--base-url", served.as_uri()])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cache" / "geonames" / "SY.zip").exists()
    gaz = Gazetteer.load(gazetteer_path())
    [zamalka] = [p for p in gaz.lookup("Zamalka", countries=["SY"]) if p.country == "SY"][:1]
    assert abs(zamalka.lat - 33.521) < 0.01 and zamalka.admin1 == "Rif Dimashq"
    # a country that is not served: one clear line, no traceback
    result = CliRunner().invoke(app, ["gazetteer", "fetch", "XZ", "--base-url", served.as_uri()])
    assert result.exit_code == 1 and "XZ.zip" in result.output and "Traceback" not in result.output


def test_an_english_word_that_is_a_small_town_abroad_is_no_spelling_at_home(gaz):
    from frontline.geo import geoparse

    assert geoparse("At least one Dawn fighter was killed and dozens were wounded.", country_hint="LY", gazetteer=gaz) == []


def test_unreadable_or_malformed_dumps_are_skipped_with_a_warning_naming_the_file(tmp_path):
    from frontline.geo.gazetteer import _read_dump_cities

    good = "170139\tZamalka\tZamalka\tZamalka\t33.52111\t36.35611\tP\tPPL\tSY\t\t08\t\t\t\t0\t\t695\tAsia/Damascus\t2012-01-19"
    (tmp_path / "SY.txt").write_text(good + "\nnot a row\n", encoding="utf-8")
    (tmp_path / "LY.txt").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "TN.zip").write_bytes(b"PK not a zip")
    with pytest.warns(RuntimeWarning) as caught:
        rows = _read_dump_cities(tmp_path)
    assert [r[1] for r in rows] == ["Zamalka"]
    messages = " ".join(str(w.message) for w in caught)
    assert "LY.txt" in messages and "TN.zip" in messages and "SY.txt: 1 of 2 lines" in messages
