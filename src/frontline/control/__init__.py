"""Territorial control over time, coastline held, distances and spread (see docs/control.md).

Python API::

    from frontline.control import estimate_control, coastline_held, spread, ControlParams
    res = estimate_control(store.events(), "Islamic State", "LY", "2015-01-01", "2017-03-01", "7d")
    coast = coastline_held(res, "Islamic State")          # km per date, two GSHHG resolutions, band
    sp = spread(store.events(), "Islamic State", "LY")    # speeds + Knox test; sp.verdict()
"""
from __future__ import annotations

from .coast import available_resolutions, dataset_label, distance_km, geodesic_length_km
from .model import (
    ControlParams, ControlResult, coastline_held, date_grid, estimate_control, events_frame, held_places,
)
from .spread import SpreadResult, knox, spread

__all__ = [
    "ControlParams", "ControlResult", "SpreadResult", "estimate_control", "coastline_held", "spread", "knox",
    "held_places", "date_grid", "events_frame", "available_resolutions", "dataset_label", "geodesic_length_km",
    "place_distance",
]


def place_distance(a: str, b: str, countries: tuple[str, ...] = ()):
    """Resolve two place names with frontline.geo and return (place_a, place_b, km, miles) on WGS84."""
    from frontline.geo import load_gazetteer, resolve, spelled_like

    def best(name):
        # prefer a populated place among the gazetteer's top candidates ("Raqqa" the city, not the province)
        try:
            cands = load_gazetteer().lookup(name, countries=countries, limit=5)
        except Exception:
            cands = []
        top = resolve(name, countries=countries)
        if top is not None and (top.feature_code or "").startswith("PPL"):
            return top
        for c in cands:  # the region's namesake town in the same country
            if top is not None and (c.feature_code or "").startswith("PPL") and c.country == top.country:
                return c
        return top

    pa, pb = best(a), best(b)
    # a name the gazetteer knows for the place, or a close variant of its name; not a loose fuzzy guess
    pa, pb = (pa if pa and spelled_like(a, pa, 0.8) else None), (pb if pb and spelled_like(b, pb, 0.8) else None)
    if pa is None or pb is None:
        missing = a if pa is None else b
        raise LookupError(f"place not found in the gazetteer: {missing!r}")
    km = distance_km(pa.lat, pa.lon, pb.lat, pb.lon)
    return pa, pb, km, km / 1.609344
