"""Exports: ACLED-compatible CSV, GeoJSON and GeoParquet of events; claims CSV."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

# ACLED's column names and order, then frontline's provenance columns.
ACLED_COLUMNS = ["event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2", "country",
                 "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities"]
PROVENANCE_COLUMNS = ["doc_id", "sentence", "char_start", "char_end", "quote", "certainty", "attributed_to",
                      "geonameid", "geo_score", "event_id", "fatalities_low", "fatalities_high", "modality", "origin",
                      "score"]
EXPORT_COLUMNS = ACLED_COLUMNS + PROVENANCE_COLUMNS


def events_frame(events: pd.DataFrame) -> pd.DataFrame:
    """The export layout: ACLED columns first, then provenance (missing columns filled with NA)."""
    out = events.copy()
    for col in EXPORT_COLUMNS:
        if col not in out.columns:
            out[col] = pd.NA
    return out[EXPORT_COLUMNS]


def write_events_csv(events: pd.DataFrame, path: str | Path) -> Path:
    path = Path(path)
    events_frame(events).to_csv(path, index=False)
    return path


def _clean(value):
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def events_geojson(events: pd.DataFrame) -> dict:
    """A FeatureCollection of events with coordinates (Point geometry, all columns as properties)."""
    frame = events_frame(events)
    features = []
    for row in frame.to_dict(orient="records"):
        lat, lon = _clean(row.get("latitude")), _clean(row.get("longitude"))
        if lat is None or lon is None:
            continue
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                         "properties": {k: _clean(v) for k, v in row.items()}})
    return {"type": "FeatureCollection", "features": features}


def write_events_geojson(events: pd.DataFrame, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(json.dumps(events_geojson(events), ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def events_geodataframe(events: pd.DataFrame):
    """Events as a GeoDataFrame (EPSG:4326); rows without coordinates have a missing (None) geometry."""
    import geopandas as gpd

    frame = events_frame(events)
    geometry = gpd.points_from_xy(frame["longitude"].astype("float64"), frame["latitude"].astype("float64"))
    located = frame["longitude"].notna().to_numpy() & frame["latitude"].notna().to_numpy()
    geometry = gpd.GeoSeries([g if ok else None for g, ok in zip(geometry, located)], index=frame.index,
                             crs="EPSG:4326")
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def write_events_geoparquet(events: pd.DataFrame, path: str | Path) -> Path:
    path = Path(path)
    gdf = events_geodataframe(events)
    gdf[gdf.geometry.notna()].to_parquet(path)
    return path


def write_claims_csv(claims: pd.DataFrame, path: str | Path) -> Path:
    path = Path(path)
    claims.to_csv(path, index=False)
    return path


WRITERS = {"csv": write_events_csv, "geojson": write_events_geojson, "geoparquet": write_events_geoparquet}
