"""Acceptance on the seed articles (../shared/seeds): events, attribution, certainty, claims."""
from __future__ import annotations

import pandas as pd
import pytest
from pyproj import Geod

import frontline

GEOD = Geod(ellps="WGS84")
# GeoNames points of the places the acceptance names (lat, lon)
SIRTE, TRIPOLI, MISRATA, SABRATHA = (31.20892, 16.58866), (32.88743, 13.18733), (32.37535, 15.09254), (32.79335, 12.48845)
BEN_JAWAD, DERNA, KASSERINE = (30.81, 18.07), (32.767, 22.63669), (35.16758, 8.83651)
EVENT_DOC, CLAIM_DOC = "002_e9678c4a447b99b6.txt", "000_44c4ca57788054d7.txt"


@pytest.fixture(scope="module")
def seed_run(seeds, tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    result = frontline.run([seeds / "articles"], meta=seeds / "seeds.meta.jsonl", db=out / "s.duckdb", out=out)
    docs = result.documents.set_index("source_path")["doc_id"].to_dict()
    ids = {name: next(v for k, v in docs.items() if k.endswith(name)) for name in (EVENT_DOC, CLAIM_DOC)}
    return result, ids, out


def _km(row, point) -> float:
    return GEOD.inv(row.longitude, row.latitude, point[1], point[0])[2] / 1000


def _near(events: pd.DataFrame, point, km: float = 15) -> pd.DataFrame:
    located = events.dropna(subset=["latitude"])
    return located[[_km(r, point) <= km for r in located.itertuples()]]


def test_sirte_convoy_three_days_before_publication(seed_run):
    result, ids, _ = seed_run
    ev = _near(result.events[result.events.doc_id == ids[EVENT_DOC]], SIRTE)
    convoy = ev[ev.quote.str.contains("convoy")]
    assert len(convoy) == 1
    row = convoy.iloc[0]
    assert row.actor1 == "Islamic State" and row.event_date == "2015-02-17" and row.time_precision == 1


def test_foreign_ministry_attributions(seed_run):
    result, ids, _ = seed_run
    ev = result.events[result.events.doc_id == ids[EVENT_DOC]]
    radio = _near(ev, SIRTE)
    radio = radio[radio.quote.str.contains("radio and TV")]
    assert len(radio) == 1 and radio.iloc[0].actor1 == "Islamic State"
    assert radio.iloc[0].attributed_to == "the Italian foreign ministry" and radio.iloc[0].event_date == "2015-02-13"
    assert radio.iloc[0].sub_event_type == "Non-state actor overtakes territory"
    tripoli = _near(ev, TRIPOLI)
    attacks = tripoli[tripoli.quote.str.contains("staging attacks")]
    assert len(attacks) == 1 and attacks.iloc[0].attributed_to == "the Italian foreign ministry"
    assert attacks.iloc[0].actor1 == "Islamic State"


def test_misrata_reported(seed_run):
    result, ids, _ = seed_run
    ev = _near(result.events[result.events.doc_id == ids[EVENT_DOC]], MISRATA)
    assert len(ev) == 1 and ev.iloc[0].certainty == "reported" and ev.iloc[0].actor1 == "Islamic State"


def test_flags_one_event_per_place_attributed_to_prime_minister(seed_run):
    result, ids, _ = seed_run
    ev = result.events[result.events.doc_id == ids[EVENT_DOC]]
    flags = ev[ev.quote.str.contains("flags can be seen")]
    for point in (TRIPOLI, SABRATHA, SIRTE, BEN_JAWAD):
        here = _near(flags, point)
        assert len(here) == 1, point
        assert here.iloc[0].actor1 == "Islamic State"
        assert "prime minister" in here.iloc[0].attributed_to and "Tobruk" in here.iloc[0].attributed_to
    # the government's seat (Tobruk) is the source's, not an event place
    assert flags.location.str.contains("Tobruk|Tubruq").sum() == 0


def test_derna_video_is_hedged(seed_run):
    result, ids, _ = seed_run
    ev = _near(result.events[result.events.doc_id == ids[EVENT_DOC]], DERNA)
    video = ev[ev.quote.str.contains("video")]
    assert len(video) == 1 and video.iloc[0].certainty == "hedged"
    assert video.iloc[0].actor1 == "Islamic State"


def test_kasserine_attacks_by_named_radical_group(seed_run):
    result, ids, _ = seed_run
    ev = _near(result.events[result.events.doc_id == ids[EVENT_DOC]], KASSERINE, km=40)
    assert len(ev) == 1
    row = ev.iloc[0]
    assert row.actor1 == "Ansar al-Sharia" and row.actor2 == "Government of Tunisia" and row.country == "TN"


def test_german_deployment_is_a_strategic_development(seed_run):
    result, ids, _ = seed_run
    ev = result.events[result.events.doc_id == ids[CLAIM_DOC]]
    german = ev[ev.actor1 == "Government of Germany"]
    assert len(german) == 1
    row = german.iloc[0]
    assert row.event_type == "Strategic developments" and row.country == "TN" and row.geo_precision == 3


def test_country_events_sit_at_country_reference_point_not_capital(seed_run):
    result, _, _ = seed_run
    countries = result.events[result.events.geo_precision == 3]
    tunisia = countries[countries.country == "TN"]
    assert len(tunisia) >= 1
    for row in tunisia.itertuples():
        assert _km(row, (36.819, 10.166)) > 100  # not at Tunis


def test_no_event_from_hypothetical_rhetorical_or_future_statements(seed_run):
    result, _, _ = seed_run
    forbidden = ("Rome", "Roma", "Córdoba", "Cordoba", "Tunis", "Algiers", "Marrakesh", "Marrakech", "Europe",
                 "Italy", "Vatican", "Paris", "Copenhagen")
    assert not result.events.location.isin(forbidden).any(), result.events.location.tolist()
    assert not result.events.country.isin(["IT", "ES", "DZ", "MA", "VA", "FR", "DK"]).any()
    for statement in ("it’s on to Rome", "How about Cordoba", "Militants from Sirte will hop on a boat"):
        assert not result.events.quote.str.contains(statement, regex=False).any()
        assert result.claims.quote.str.contains(statement, regex=False).any(), statement


def test_coastline_claims_are_in_the_ledger(seed_run):
    result, ids, out = seed_run
    claims = pd.read_csv(out / "claims.csv")
    mine = claims[claims.doc_id == ids[CLAIM_DOC]]
    assert ((mine.value == 250) & mine.quote.str.contains("close to 250km")).any()
    assert ((mine.value == 500) & mine.quote.str.contains("500km")).any()
    for row in mine.itertuples():
        doc_text = result.documents.set_index("doc_id").loc[row.doc_id, "text"]
        assert doc_text[row.char_start:row.char_end] == row.quote


def test_every_event_traces_to_its_quote(seed_run):
    result, _, _ = seed_run
    texts = result.documents.set_index("doc_id")["text"]
    assert len(result.events) > 0
    for row in result.events.itertuples():
        assert texts[row.doc_id][row.char_start:row.char_end] == row.quote
        assert pd.notna(row.latitude) and pd.notna(row.longitude) and pd.notna(row.geo_score)


def test_outputs_exist_and_map_is_offline(seed_run):
    import re

    _, _, out = seed_run
    for name in ("events.csv", "events.geojson", "claims.csv", "map.html", "map.png", "report.md"):
        assert (out / name).stat().st_size > 0, name
    html = (out / "map.html").read_text(encoding="utf-8")
    urls = set(re.findall(r"https?://[^\s\"'`()<>\\]+", html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xhtml", "http://www.w3.org/1998/Math/MathML"}
    assert "Sirte" in html and "radio and TV stations" in html
    header = (out / "events.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:15] == ["event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2", "country",
                           "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities"]
    for col in ("doc_id", "sentence", "char_start", "char_end", "quote", "certainty", "attributed_to", "geonameid", "geo_score"):
        assert col in header


def test_rerun_adds_nothing(seed_run, seeds):
    result, _, out = seed_run
    again = frontline.run([seeds / "articles"], meta=seeds / "seeds.meta.jsonl", db=out / "s.duckdb")
    assert again.new_documents == 0
    assert sorted(again.events.event_id) == sorted(result.events.event_id)
    from frontline.store import Store

    with Store(out / "s.duckdb", read_only=True) as store:
        assert store.counts()["documents"] == 2 and store.counts()["events"] == len(result.events)
