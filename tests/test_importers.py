"""UCDP GED and ACLED importers."""
from __future__ import annotations

import gzip

import pytest

from frontline.ingest.importers import read_acled, read_ucdp

UCDP_HEADER = ("id,year,active_year,type_of_violence,conflict_new_id,conflict_name,dyad_new_id,dyad_name,side_a_new_id,"
               "side_a,side_b_new_id,gwnob,side_b,number_of_sources,source_article,source_office,source_date,"
               "source_headline,source_original,where_prec,where_coordinates,adm_1,adm_2,latitude,longitude,geom_wkt,"
               "priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,"
               "deaths_civilians,deaths_unknown,low,best,high")


def _ucdp_row(i, side_a="IS", side_b="SDF", tov=2, head="Clashes near Raqqah", lat="35.95", lon="39.01",
              where_prec=1, start="2017-06-08"):
    return (f'{i},2017,1,{tov},1,c,1,d,1,{side_a},2,,{side_b},1,"""SOHR,{start},{head}""",SOHR,{start},"{head}",SOHR,'
            f'{where_prec},Ar Raqqah town,Ar Raqqah Governorate,,{lat},{lon},POINT ({lon} {lat}),1,Syria,652,Middle East,1,1,'
            f'{start},{start},1,2,0,0,3,4,6')


def test_ucdp_gzip_multiline_and_malformed(tmp_path, capsys):
    rows = [
        UCDP_HEADER,
        _ucdp_row(1),
        _ucdp_row(2, head="Airstrikes hit Raqqah city;\nsecond line of the headline", side_a="Government of Syria",
                  side_b="IS", tov=1),
        "3,2017,1,2,broken,row",
        _ucdp_row(4, lat="not-a-number"),
        _ucdp_row(5, side_a="IS", side_b="Civilians", tov=3, head="Executions in the square", where_prec=5),
    ]
    path = tmp_path / "ged.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as fh:
        fh.write("\n".join(rows) + "\n")
    errors: list[str] = []
    events = read_ucdp(path, errors)
    assert [e.event_id for e in events] == ["ucdp:1", "ucdp:2", "ucdp:5"]
    assert len(errors) == 2
    assert all(str(path) in e and "row" in e for e in errors)
    assert "row 3" in errors[0] and "row 4" in errors[1]
    assert "ged.csv.gz:row 3" in capsys.readouterr().err
    e1, e2, e5 = events
    assert e1.origin == "ucdp" and e1.actor1 == "Islamic State" and e1.actor2 == "SDF"
    assert (e1.fatalities_low, e1.fatalities_best, e1.fatalities_high) == (3, 4, 6)
    assert e1.event_type == "Battles" and e1.place.country == "SY" and e1.geo_precision == 1
    assert e1.event_date == "2017-06-08" and e1.time_precision == 1
    assert "second line" in e2.quote
    assert (e2.event_type, e2.sub_event_type) == ("Explosions/Remote violence", "Air/drone strike")
    assert e2.actor1 == "Government of Syria" and e2.actor2 == "Islamic State"
    assert e5.event_type == "Violence against civilians" and e5.geo_precision == 3


def test_ucdp_capture_headline_names_the_winner(tmp_path):
    rows = [UCDP_HEADER, _ucdp_row(7, side_a="Government of Syria", side_b="IS", tov=1,
                                   head="Regime forces take control of the prison and the airport of Raqqah")]
    path = tmp_path / "ged.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    (ev,) = read_ucdp(path)
    assert ev.sub_event_type == "Government regains territory" and ev.actor1 == "Government of Syria"


def test_ucdp_shared_dev_file(shared):
    path = shared / "data" / "events" / "ucdp_ged_syria.dev.csv.gz"
    if not path.exists():
        pytest.skip("UCDP dev file not present")
    errors: list[str] = []
    events = read_ucdp(path, errors)
    assert len(events) == 8264 and not errors
    assert len({e.event_id for e in events}) == len(events)
    assert sum(e.actor1 == "Islamic State" or e.actor2 == "Islamic State" for e in events) > 2500
    assert any("\n" in (e.quote or "") or "\n" in (e.notes or "") for e in events)


ACLED_HEADER = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
                "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
                "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
                "tags,timestamp")


def test_acled(tmp_path):
    rows = [
        ACLED_HEADER,
        'LBY1,09 June 2015,2015,1,Political violence,Battles,Non-state actor overtakes territory,'
        'Islamic State (Libya),,2,Military Forces of Libya,,1,12,,434,Northern Africa,Libya,Surt,Sirt,,Sirte,'
        '31.2089,16.5887,1,Reuters,International,"IS claims all of Sirte, ""whole city""\nsecond line",0,,1',
        'LBY2,2016-05-30,2016,1,Political violence,Battles,Armed clash,Petroleum Facilities Guard,,1,'
        'Islamic State (Libya),,2,12,,434,Northern Africa,Libya,Surt,,,Bin Jawad,30.8,18.07,2,AFP,International,x,3,,1',
        'LBY3,someday,2016,1,Political violence,Battles,Armed clash,A,,1,B,,2,12,,434,Northern Africa,Libya,,,,X,'
        '30,18,1,s,s,n,0,,1',
    ]
    path = tmp_path / "acled.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    errors: list[str] = []
    events = read_acled(path, errors)
    assert [e.event_id for e in events] == ["acled:LBY1", "acled:LBY2"]
    assert len(errors) == 1 and "row 3" in errors[0]
    e1, e2 = events
    assert e1.event_date == "2015-06-09" and e1.actor1 == "Islamic State" and e1.place.country == "LY"
    assert e1.origin == "acled" and "whole city" in e1.quote and "second line" in e1.quote
    assert e2.geo_precision == 2 and e2.fatalities_best == 3 and e2.actor2 == "Islamic State"


def test_import_cli(tmp_path):
    from typer.testing import CliRunner

    from frontline.cli import app

    path = tmp_path / "ged.csv"
    path.write_text("\n".join([UCDP_HEADER, _ucdp_row(1), _ucdp_row(2)]) + "\n", encoding="utf-8")
    db = tmp_path / "t.duckdb"
    res = CliRunner().invoke(app, ["import", "ucdp", str(path), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "2 events read, 2 new" in res.output
    res = CliRunner().invoke(app, ["import", "ucdp", str(path), "--db", str(db)])
    assert "0 new" in res.output
