"""Store: schema, dedup, provenance, filters and stage-owned tables on a real DuckDB file."""
from __future__ import annotations

import pandas as pd
import pytest

from frontline.records import Claim, Document, Event, Place, Toponym
from frontline.store import EVENT_COLUMNS, SCHEMA_VERSION, Store


def _event(i: int, actor: str, day: str) -> Event:
    sirte = Place(geonameid=2210554, name="Sirte", lat=31.2089, lon=16.5887, country="LY", feature_code="PPLA")
    return Event(event_id=f"e{i}", doc_id="d1", sentence=i, char_start=10 * i, char_end=10 * i + 9, quote="q" * 9,
                 event_date=day, time_precision=1, event_type="Battles", sub_event_type="Armed clash",
                 actor1=actor, place=sirte, location="Sirte", geo_precision=1, certainty="reported",
                 attributed_to="a resident")


def test_events_round_trip_with_provenance_and_filters(tmp_path):
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        store.add_documents([Document(doc_id="d1", text="x" * 100, published="2016-01-01")])
        assert store.add_events([_event(1, "Islamic State", "2016-01-02"), _event(2, "Government of Libya", "2016-03-01")]) == 2
        assert store.add_events([_event(1, "Islamic State", "2016-01-02")]) == 0
    with Store(db, read_only=True) as store:
        frame = store.events()
        assert list(frame.columns) == EVENT_COLUMNS
        row = frame.iloc[0]
        assert (row.doc_id, row.char_start, row.char_end, row.quote, row.latitude) == ("d1", 10, 19, "q" * 9, 31.2089)
        assert list(store.events(actor="Islamic State")["event_id"]) == ["e1"]
        assert list(store.events(date_from="2016-02-01")["event_id"]) == ["e2"]
        assert store.events(actor="x'; DROP TABLE events; --").empty
        assert store.counts()["events"] == 2


def test_replacing_a_documents_events_and_claims(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        store.add_events([_event(1, "A", "2016-01-01"), _event(2, "B", "2016-01-01")])
        store.replace_events_for(["d1"], [_event(3, "C", "2016-01-01")])
        assert list(store.events()["event_id"]) == ["e3"]
        claim = Claim(claim_id="c1", doc_id="d1", char_start=0, char_end=5, quote="quote", claim_type="distance",
                      value=1300, unit="mile", bound="more_than", subjects=["Sirte", "Raqqa"])
        store.add_claims([claim], replace_for=["d1"])
        store.add_claims([claim], replace_for=["d1"])
        claims = store.claims("d1")
        assert len(claims) == 1 and claims.iloc[0].subjects == '["Sirte", "Raqqa"]'


def test_place_mentions_keep_candidates(tmp_path):
    p = Place(geonameid=1, name="Tripoli", lat=32.9, lon=13.2, country="LY")
    q = Place(geonameid=2, name="Tripoli", lat=34.4, lon=35.8, country="LB")
    with Store(tmp_path / "s.duckdb") as store:
        store.add_place_mentions("d1", [Toponym(0, 7, "Tripoli", p, 0.9, [p, q])])
        store.add_place_mentions("d1", [Toponym(0, 7, "Tripoli", p, 0.9, [p, q])])
        mentions = store.place_mentions("d1")
        assert len(mentions) == 1 and '"LB"' in mentions.iloc[0].candidates


def test_stage_tables_upsert_by_key_and_reject_core_names(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        store.write_frame("control_test", pd.DataFrame({"actor": ["A", "B"], "km": [1.0, 2.0]}), ["actor"])
        store.write_frame("control_test", pd.DataFrame({"actor": ["B"], "km": [5.0]}), ["actor"])
        assert dict(store.read_frame("control_test").values.tolist()) == {"A": 1.0, "B": 5.0}
        with pytest.raises(ValueError):
            store.write_frame("events", pd.DataFrame({"a": [1]}))
        assert store.read_frame("control_missing").empty
