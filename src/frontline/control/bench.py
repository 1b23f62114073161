"""Benchmarks for the control stage (``frontline bench control``; also bench/control_bench.py).

* speed: 20,000 synthetic events over one country's settlements, weekly for 3 years.
* libya: the text pipeline over shared/data/reports/libya (and, for comparison, the hand-coded
  events in bench/control_libya_events.csv), scored against control_facts.md.
* syria: UCDP GED Syria (dev) imported; Raqqa and Palmyra checked against the record.
* distance: ``frontline distance Sirte Raqqa`` against pyproj's Geod on the GeoNames points.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from .model import ControlParams, coastline_held, estimate_control

IS = "Islamic State"

# Checkable control facts from shared/data/reports/libya/control_facts.md (section 1 row numbers):
# (date, place, lat, lon, IS holds it?, row)
LIBYA_FACTS = [
    ("2015-03-01", "Nofaliya", 30.7789, 17.8355, True, "1"),
    ("2015-06-20", "Harawa", 31.054, 17.28, True, "11"),
    ("2015-06-20", "Sirte", 31.2089, 16.5887, True, "12"),
    ("2015-07-01", "Bouyrat al-Hasun", 31.4004, 15.7274, True, "13"),
    ("2015-09-28", "Nofaliya", 30.7789, 17.8355, True, "19"),
    ("2015-12-01", "Ajdabiya", 30.7554, 20.2263, False, "20"),
    ("2016-01-10", "Ben Jawad", 30.8042, 18.0772, True, "21"),
    ("2016-01-10", "Es Sider terminal", 30.6293, 18.3491, False, "21 note"),
    ("2016-02-26", "Sabratha", 32.7933, 12.4885, False, "23"),
    ("2016-03-03", "Sirte", 31.2089, 16.5887, True, "24"),
    ("2016-03-03", "Abu Grein", 31.4497, 15.255, False, "24"),
    ("2016-03-08", "Ben Guerdane", 33.1378, 11.2196, False, "25"),
    ("2016-04-25", "Derna", 32.767, 22.6367, False, "26"),
    ("2016-05-10", "Abu Grein", 31.4497, 15.255, True, "27"),
    ("2016-05-20", "Abu Grein", 31.4497, 15.255, False, "29"),
    ("2016-06-05", "Ben Jawad", 30.8042, 18.0772, False, "32"),
    ("2016-06-05", "Nofaliya", 30.7789, 17.8355, False, "33"),
    ("2016-06-15", "Harawa", 31.054, 17.28, False, "35"),
    ("2016-12-20", "Sirte", 31.2089, 16.5887, False, "48"),
    ("2017-01-20", "Nofaliya", 30.7789, 17.8355, False, "49"),
]


def cell_at(result, lat: float, lon: float) -> int | None:
    pt = Point(lon, lat)
    for i, cell in enumerate(result.coast_cells):
        if cell is not None and not cell.is_empty and cell.contains(pt):
            return i
    return None


def explain_fact(result, day: str, lat: float, lon: float, window: int = 120) -> list[str]:
    """The effects behind the state of the cell at (lat, lon) in the ``window`` days before ``day``."""
    from .model import KIND_NAMES, to_day

    i = cell_at(result, lat, lon)
    if i is None:
        return ["no cell here: no events within reach"]
    src = int(result.places.at[i, "state_from"])
    e = result.effects
    d = to_day(day)
    sel = e[(e.place == (src if src >= 0 else i)) & (e.day <= d) & (e.day > d - window)]
    out = [f"cell of {result.places.at[i, 'name']}" + ("" if src in (i, -1) else
                                                       f" (state from {result.places.at[src, 'name']})")]
    for r in sel.sort_values("day").itertuples():
        out.append(f"  {r.day and __import__('frontline.control.model', fromlist=['from_day']).from_day(r.day)} "
                   f"{KIND_NAMES[r.kind]:8s} {result.actors[r.actor]:30s} w={r.weight:.2f} {r.event_id}")
    return out


def held_at(result, actor: str, day: str, lat: float, lon: float, daily=None) -> tuple[bool, float]:
    """Does ``actor`` hold the cell containing (lat, lon) on ``day``? (held, probability).

    ``daily``: the same estimate on a daily grid without geometry (same events, same parameters, so the
    same places), for a state on the fact's own date rather than on the grid date before it."""
    states = result if daily is None else daily
    if daily is not None and len(daily.places) != len(result.places):
        raise ValueError("the daily estimate must come from the same events and parameters")
    p = states.probability(actor)[states.date_index(day)]
    pt = Point(lon, lat)
    for i, cell in enumerate(result.coast_cells):
        if cell is not None and not cell.is_empty and cell.contains(pt):
            return bool(p[i] >= result.params.threshold), float(p[i])
    return False, 0.0


# control_facts.md section 2: western and eastern limits of the IS-held coast (place, lon)
LIBYA_LIMITS = [
    ("2015-06-15", ("Bouyrat", 15.73), ("Nofaliya", 17.84)),
    ("2015-09-28", ("Bouyrat", 15.73), ("Nofaliya", 17.84)),
    ("2016-01-05", ("Bouyrat", 15.73), ("Ben Jawad", 18.08)),
    ("2016-03-03", ("Abu Grein", 15.26), ("Ben Jawad", 18.08)),
    ("2016-05-10", ("Abu Grein", 15.26), ("Ben Jawad", 18.08)),
    ("2016-05-29", ("30 km checkpoint", 16.28), ("Ben Jawad", 18.08)),
    ("2016-06-12", ("Sirte", 16.59), ("Sirte", 16.59)),
    ("2016-12-07", (None, None), (None, None)),
]


def coast_limits(result, actor: str = IS) -> pd.DataFrame:
    """West and east ends (lon) of the coastline inside the actor's held cells on the section-2 dates."""
    res0 = next(iter(result.coast_km), None)
    rows = []
    for day, west, east in LIBYA_LIMITS:
        t = result.date_index(day)
        p = result.probability(actor)[t]
        held = [i for i in np.nonzero(p >= result.params.threshold)[0]
                if res0 and result.coast_km[res0][i] > 0 and result.coast_cells[i] is not None]
        if held:
            from .coast import shore

            line = shore(res0, tuple(round(v, 4) for v in result.bbox)).coast
            inside = shapely.intersection(line, shapely.union_all(
                np.array([result.coast_cells[i] for i in held], dtype=object)))
            b = inside.bounds if not inside.is_empty else (np.nan, np.nan, np.nan, np.nan)
            w_m, e_m = round(float(b[0]), 2), round(float(b[2]), 2)
        else:
            w_m = e_m = None
        rows.append({"date": day, "facts_west": f"{west[0]} {west[1]}" if west[0] else "-",
                     "model_west_lon": w_m, "facts_east": f"{east[0]} {east[1]}" if east[0] else "-",
                     "model_east_lon": e_m})
    return pd.DataFrame(rows)


def monthly_coast(result, actor: str = IS) -> pd.DataFrame:
    c = coastline_held(result, actor)
    c["month"] = c.date.str[:7]
    return c.groupby(["resolution", "month"])[["km", "km_low", "km_high"]].mean().round(0).reset_index()


def score_libya(result, actor: str = IS, daily=None) -> dict:
    """Coastline criteria on ``result``'s grid; dated facts on ``daily`` states when given (see held_at)."""
    c = coastline_held(result, actor)
    res0 = result.params.resolutions[0]
    c0 = c[c.resolution == res0]
    feb_apr = c0[(c0.date >= "2016-02-01") & (c0.date < "2016-05-01")].km
    after = c0[c0.date >= "2016-12-15"].km
    q = [c0[(c0.date >= f"2015-{m:02d}-01") & (c0.date < f"2015-{m + 2:02d}-01")].km.mean() for m in (2, 5, 8, 10)]
    facts = []
    for day, name, lat, lon, want, row in LIBYA_FACTS:
        got, p = held_at(result, actor, day, lat, lon, daily)
        facts.append({"date": day, "place": name, "row": row, "expected_IS": want, "model_IS": got,
                      "p": round(p, 2), "agree": got == want})
    facts = pd.DataFrame(facts)
    t = result.date_index("2016-02-15")
    held = result.places[(result.probability(actor)[t] >= result.params.threshold) & result.places.evidenced]
    return {
        "feb_apr_2016_km_mean": float(feb_apr.mean()) if len(feb_apr) else float("nan"),
        "feb_apr_2016_km_min": float(feb_apr.min()) if len(feb_apr) else float("nan"),
        "feb_apr_2016_km_max": float(feb_apr.max()) if len(feb_apr) else float("nan"),
        "after_2016_12_15_km_max": float(after.max()) if len(after) else float("nan"),
        "2015_bimonthly_means": [round(float(v), 1) for v in q],
        "rises_through_2015": bool(q[0] < q[1] <= q[2] + 1e-9 or q[0] < q[-1]),
        "feb_2016_held": held[["name", "lat", "lon"]].to_dict("records"),
        "feb_2016_lon_range": (float(held.lon.min()), float(held.lon.max())) if len(held) else None,
        "sirte_held_feb_2016": held_at(result, actor, "2016-02-15", 31.2089, 16.5887)[0],
        "facts": facts,
        "facts_agreement": f"{int(facts.agree.sum())}/{len(facts)}",
        "limits": coast_limits(result, actor),
    }


def print_libya(label: str, result, score: dict, verbose: bool = True) -> None:
    print(f"\n== Libya: {label} ==")
    mc = monthly_coast(result)
    for res, g in mc.groupby("resolution", sort=False):
        print(f"km of coastline held by IS, monthly mean, GSHHG '{res}':")
        print("  " + " ".join(f"{m[2:]}:{int(k)}" for m, k in zip(g.month, g.km)))
    print(f"Feb-Apr 2016: mean {score['feb_apr_2016_km_mean']:.0f} km (min {score['feb_apr_2016_km_min']:.0f}, "
          f"max {score['feb_apr_2016_km_max']:.0f}); target 200-320")
    print(f"after 2016-12-15: max {score['after_2016_12_15_km_max']:.0f} km (target ~0)")
    print(f"2015 bimonthly means {score['2015_bimonthly_means']}  rises: {score['rises_through_2015']}")
    print(f"Feb 2016 held places: {[h['name'] for h in score['feb_2016_held']]}; lon range "
          f"{score['feb_2016_lon_range']} (Abu Grein 15.26 .. Ben Jawad 18.08); Sirte inside: "
          f"{score['sirte_held_feb_2016']}")
    print(f"control_facts.md agreement (state on each fact's date): {score['facts_agreement']}")
    print(score["facts"].to_string(index=False))
    print("western / eastern limits of the held coast (control_facts.md section 2; cells reach up to "
          f"{result.params.max_radius_km:g} km beyond their town):")
    print(score["limits"].to_string(index=False))
    bad = score["facts"][~score["facts"].agree]
    if len(bad) and verbose:
        print("why (effects in the 120 days before each disagreeing fact):")
        for r in bad.itertuples():
            f = [x for x in LIBYA_FACTS if x[0] == r.date and x[1] == r.place][0]
            print(f"- {r.date} {r.place} (row {r.row}): expected IS={r.expected_IS}, model p={r.p}")
            for line in explain_fact(result, r.date, f[2], f[3]):
                print("    " + line)


def libya_events_from_pipeline(reports: Path, db: str | None = None, seeds: Path | None = None) -> pd.DataFrame:
    """Events of ``frontline run`` on the Libya reports, and on the seed articles when ``seeds`` is given."""
    import frontline

    paths, meta = [str(reports / "reports.jsonl")], None
    if seeds is not None and (seeds / "articles").is_dir():
        paths.append(str(seeds / "articles"))
        meta = seeds / "seeds.meta.jsonl"
    res = frontline.run(paths, meta=meta, db=db or ":memory:")
    ev = res.events
    if "geometry" in getattr(ev, "columns", []):
        ev = pd.DataFrame(ev.drop(columns="geometry"))
    return ev


def _feb_map(result, name: str, out_dir: Path | None) -> None:
    if out_dir is None:
        return
    from .outputs import map_png

    p = map_png(result, "2016-02-15", Path(out_dir) / f"libya_{name}_2016-02-15.png", [IS])
    print(f"Feb 2016 map: {p}")


def _estimate_libya(events: pd.DataFrame, params: ControlParams | None):
    """Weekly estimate 2015-01..2017-03 and its scores; the dated facts are scored on a daily run."""
    weekly = estimate_control(events, IS, "LY", "2015-01-01", "2017-03-01", "7d", params)
    daily = estimate_control(events, IS, "LY", "2015-01-01", "2017-03-01", "1d", params, geometry=False)
    return weekly, score_libya(weekly, daily=daily)


def bench_libya(shared: Path, repo: Path, params: ControlParams | None = None, db: str | None = None,
                out_dir: Path | None = None) -> dict:
    out = {}
    fixture = repo / "bench" / "control_libya_events.csv"
    if fixture.exists():
        r, out["fixture"] = _estimate_libya(pd.read_csv(fixture), params)
        print_libya("hand-coded events (bench/control_libya_events.csv)", r, out["fixture"])
        _feb_map(r, "fixture", out_dir)
    reports = shared / "data" / "reports" / "libya"
    if reports.exists():
        t0 = time.perf_counter()
        ev = libya_events_from_pipeline(reports, db, shared / "seeds")
        t1 = time.perf_counter()
        r, out["pipeline"] = _estimate_libya(ev, params)
        print_libya(f"text pipeline events, reports and seeds ({len(ev)} events, pipeline {t1 - t0:.1f} s)", r,
                    out["pipeline"])
        _feb_map(r, "pipeline", out_dir)
    return out


RAQQA = (35.952829, 39.007879)
PALMYRA = (34.5624, 38.28402)


# Palmyra's holder on the 1st of each month, from the public record: IS from May 2015; the government
# retook it on 2016-03-27, IS again on 2016-12-11, the government on 2017-03-02 (Wikipedia, "Palmyra
# offensive" March 2016 / December 2016 / 2017).
def _palmyra_holder(month: str) -> str:
    if month <= "2016-03" or "2017-01" <= month <= "2017-03":
        return IS
    return "Government of Syria"


def bench_syria(shared: Path, params: ControlParams | None = None) -> dict:
    from frontline.ingest.importers import read_ucdp

    from .model import events_frame

    path = shared / "data" / "events" / "ucdp_ged_syria.dev.csv.gz"
    ev = events_frame(read_ucdp(path))
    t0 = time.perf_counter()
    r = estimate_control(ev, IS, "SY", "2016-01-01", "2019-11-01", "1m", params)
    dt = time.perf_counter() - t0
    print(f"\n== Syria: UCDP GED dev, {len(ev)} events, monthly 2016-01..2019-11, {dt:.1f} s ==")
    rows = []
    for day in r.dates:
        rq = held_at(r, IS, day, *RAQQA)
        hold = {}
        for a in (IS, "Government of Syria"):
            hold[a] = held_at(r, a, day, *PALMYRA)
        rows.append({"month": day[:7], "raqqa_IS": rq[0], "raqqa_p_IS": round(rq[1], 2),
                     "raqqa_p_SDF": round(held_at(r, "SDF", day, *RAQQA)[1], 2),
                     "palmyra_IS_p": round(hold[IS][1], 2), "palmyra_gov_p": round(hold["Government of Syria"][1], 2),
                     "palmyra_holder": IS if hold[IS][0] else "Government of Syria"
                     if hold["Government of Syria"][0] else "-"})
    df = pd.DataFrame(rows)
    print(df[df.month <= "2018-06"].to_string(index=False))
    until = df[(df.month >= "2016-03") & (df.month <= "2017-09")]
    after = df[df.month > "2017-11"]  # the state on the 1st of each month after November 2017
    expected = df.month.map(_palmyra_holder)
    res = {
        "raqqa_IS_months_2016-03..2017-09": f"{int(until.raqqa_IS.sum())}/{len(until)}",
        "raqqa_not_IS_after_2017-11": f"{int((~after.raqqa_IS).sum())}/{len(after)}",
        "palmyra_months_agreeing": f"{int((df.palmyra_holder == expected).sum())}/{len(df)}",
        "palmyra_holders": df[["month", "palmyra_holder"]].values.tolist(),
        "table": df,
    }
    print({k: v for k, v in res.items() if k not in ("table", "palmyra_holders")})
    return res


def bench_distance() -> dict:
    from pyproj import Geod

    from . import place_distance

    pa, pb, km, mi = place_distance("Sirte", "Raqqa")
    _, _, ref = Geod(ellps="WGS84").inv(pa.lon, pa.lat, pb.lon, pb.lat)
    rel = abs(km - ref / 1000) / (ref / 1000)
    print(f"\n== distance Sirte-Raqqa: {km:.1f} km = {mi:.1f} mi ({pa.name} {pa.lat:.4f},{pa.lon:.4f} -> "
          f"{pb.name} {pb.lat:.4f},{pb.lon:.4f}); pyproj Geod {ref / 1000:.1f} km; rel. diff {rel:.2e}")
    return {"km": km, "miles": mi, "ref_km": ref / 1000, "rel_diff": rel}


def synthetic_events(n: int = 20000, country: str = "LY", years: int = 3, seed: int = 1) -> pd.DataFrame:
    from .places import settlements

    rng = np.random.default_rng(seed)
    st = settlements([country])
    st = st.sample(min(len(st), 400), random_state=seed) if len(st) > 400 else st
    actors = ["Actor A", "Actor B", "Actor C", "Government forces", "Actor D"]
    types = [("Battles", "Armed clash"), ("Battles", "Non-state actor overtakes territory"),
             ("Battles", "Government regains territory"), ("Explosions/Remote violence", "Air/drone strike"),
             ("Violence against civilians", "Attack"), ("Strategic developments", "Headquarters or base established"),
             ("Explosions/Remote violence", "Remote explosive/landmine/IED")]
    pi = rng.integers(0, len(st), n)
    ti = rng.choice(len(types), n, p=[0.4, 0.1, 0.05, 0.2, 0.15, 0.05, 0.05])
    a1 = rng.integers(0, len(actors), n)
    a2 = (a1 + rng.integers(1, len(actors), n)) % len(actors)
    start = pd.Timestamp("2015-01-01")
    day = start + pd.to_timedelta(rng.integers(0, 365 * years, n), unit="D")
    return pd.DataFrame({
        "event_id": [f"syn{i}" for i in range(n)], "event_date": day.strftime("%Y-%m-%d"),
        "event_type": [types[k][0] for k in ti], "sub_event_type": [types[k][1] for k in ti],
        "actor1": [actors[k] for k in a1], "actor2": [actors[k] for k in a2],
        "latitude": st.lat.to_numpy()[pi] + rng.normal(0, 0.02, n),
        "longitude": st.lon.to_numpy()[pi] + rng.normal(0, 0.02, n),
        "geo_precision": 1, "certainty": rng.choice(["stated", "reported", "hedged"], n), "country": country,
    })


def bench_speed(n: int = 20000, country: str = "LY") -> dict:
    ev = synthetic_events(n, country)
    estimate_control(ev.head(200), "Actor A", country, "2015-01-01", "2015-02-01", "7d")  # warm caches
    t0 = time.perf_counter()
    r = estimate_control(ev, "Actor A", country, "2015-01-01", "2017-12-31", "7d")
    c = coastline_held(r, "Actor A")
    dt = time.perf_counter() - t0
    print(f"\n== speed: {n} events, {country}, weekly for 3 years ({len(r.dates)} dates, {len(r.places)} places, "
          f"{len(r.actors)} actors, cells + coastline at {list(r.coast_km)}): {dt:.2f} s (target < 10 s, one core)")
    return {"seconds": dt, "dates": len(r.dates), "places": len(r.places), "rows": len(c)}


def run_all(shared: Path, repo: Path, which=("speed", "distance", "syria", "libya"),
            out_dir: Path | None = Path("out/bench_control")) -> dict:
    out = {}
    if "speed" in which:
        out["speed"] = bench_speed()
    if "distance" in which:
        try:
            out["distance"] = bench_distance()
        except Exception as exc:  # gazetteer not available
            print(f"distance: skipped ({exc})")
    if "syria" in which and (shared / "data" / "events").exists():
        out["syria"] = bench_syria(shared)
    if "libya" in which:
        out["libya"] = bench_libya(shared, repo, out_dir=out_dir)
    return out
