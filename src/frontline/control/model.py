"""Territorial control from events: evidence -> per-place control state -> areas -> coastline.

See docs/control.md for the method. In short:

1. Every event with a date and a town-level location (geo_precision <= ``max_geo_precision``)
   becomes one or two *effects* on the place it is snapped to (the nearest settlement within
   ``snap_km``, else a new place at the event's point): GAIN (territory taken, base
   established), LOSE (territory lost), CONTEST (battle: both sides move towards 0.5),
   PRESENCE (attacks, strikes on a group's positions, violence against civilians: confirms an
   existing hold, never creates one). Each effect is weighted by the event's certainty and
   score.
2. Each place carries a probability per actor (they sum to at most 1; the rest is "nobody /
   unknown"). Effects are applied in date order. Between effects the probability halves every
   ``half_life_days`` counted from the latest *fresh evidence*: any event involving the actor
   within ``support_km`` of the place.
3. Settlements without events of their own take the state of the nearest place with events
   within ``influence_km`` (times ``inherit_factor``).
4. Areas are Voronoi cells of all places, cut to ``max_radius_km`` around the place (an empty
   desert is not held) and to land. A place is held by actor A when p_A >= ``threshold``.
5. Coastline held = geodesic length (WGS84) of GSHHG shoreline inside held cells.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import MultiPoint, box, mapping

from frontline.records import ControlState

from . import coast as _coast
from .places import settlements as _settlements

GAIN, LOSE, CONTEST, PRESENCE = 0, 1, 2, 3
KIND_NAMES = {GAIN: "gain", LOSE: "lose", CONTEST: "contest", PRESENCE: "presence"}

TAKE_SUBTYPES = {"non-state actor overtakes territory", "government regains territory",
                 "non-violent transfer of territory"}
BASE_SUBTYPES = {"headquarters or base established"}
TARGET_SUBTYPES = {"air/drone strike", "shelling/artillery/missile attack"}
BEHIND_LINES_SUBTYPES = {"remote explosive/landmine/ied", "suicide bomb"}
STRATEGIC_PRESENCE = {"looting/property destruction", "other", "arrests"}
EPOCH = date(1970, 1, 1)


@dataclass
class ControlParams:
    """Parameters of the control model (all user-settable; see docs/control.md)."""

    half_life_days: float = 365.0      # control evidence halves after this many days without fresh evidence
    support_km: float = 100.0          # events of the actor this close count as fresh evidence for a place
    snap_km: float = 12.0              # an event this close to a settlement is placed at it
    influence_km: float = 45.0         # an event-free settlement inherits the state of an evidenced place this close
    inherit_factor: float = 0.9        # ... times this factor
    max_radius_km: float = 35.0        # a cell reaches at most this far from its place
    threshold: float = 0.5             # p >= threshold: held
    band: tuple[float, float] = (0.25, 0.75)  # uncertainty band: held at p >= band[1] (low), >= band[0] (high)
    w_take: float = 0.85               # territory taken / lost
    w_base: float = 0.6                # headquarters or base established
    w_battle: float = 0.35             # battle: pull each side towards contest_level
    contest_level: float = 0.45        # where repeated battles leave both sides (< threshold: contested = not held)
    loss_spread_km: float = 0.0        # (off by default) losing a place (taken from the actor) also weakens its hold on places this close
    loss_spread_factor: float = 0.5    # ... with this share of the weight, tapering to 0 at loss_spread_km
    sweep_days: float = 30.0           # two places taken by one actor within this many days ...
    sweep_km: float = 150.0            # ... and this far apart: an advance; places on the way ...
    sweep_width_km: float = 12.0       # ... (this close to the line between them) are taken too
    sweep_factor: float = 1.0          # ... with this share of the weaker of the two weights (0: off)
    w_presence: float = 0.25           # presence confirms (logistic) an existing hold
    w_behind_lines: float = 0.15       # IED / mine / suicide bomb: the attacker probably does not hold the place
    certainty_weights: dict = field(default_factory=lambda: {"stated": 1.0, "reported": 0.85, "hedged": 0.35})
    near_factor: float = 0.7           # geo_precision 2 (near / part of) events count this much
    max_geo_precision: int = 2         # events located only to a region or country are ignored
    max_actors: int = 40               # actors beyond the most frequent are pooled as "Other actors"
    resolutions: tuple[str, ...] = ("i", "l")  # GSHHG resolutions for coastline lengths (first is primary)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["band"] = list(self.band)
        d["resolutions"] = list(self.resolutions)
        return d


def to_day(value) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        return (date.fromisoformat(str(value)[:10]) - EPOCH).days
    except ValueError:
        return None


def from_day(day: int) -> str:
    return (EPOCH + timedelta(days=int(day))).isoformat()


def date_grid(date_from: str, date_to: str, step: str = "7d") -> list[str]:
    """Dates from ``date_from`` to ``date_to`` inclusive every ``step`` ("7d", "2w", "1m", "1y")."""
    step = (step or "7d").strip().lower()
    num = int("".join(ch for ch in step if ch.isdigit()) or 1)
    unit = step[-1] if step[-1].isalpha() else "d"
    if unit == "d":
        off = pd.DateOffset(days=num)
    elif unit == "w":
        off = pd.DateOffset(weeks=num)
    elif unit == "m":
        off = pd.DateOffset(months=num)
    elif unit == "y":
        off = pd.DateOffset(years=num)
    else:
        raise ValueError(f"step {step!r}: use Nd, Nw, Nm or Ny")
    out, cur, end = [], pd.Timestamp(date_from), pd.Timestamp(date_to)
    while cur <= end:
        out.append(cur.date().isoformat())
        cur = cur + off
    return out


def events_frame(events) -> pd.DataFrame:
    """A store-layout DataFrame from a list of :class:`frontline.records.Event`."""
    from frontline.store import event_row

    return pd.DataFrame([event_row(e) for e in events])


def _regions(region) -> list[str]:
    if region is None:
        return []
    if isinstance(region, str):
        return [r.strip().upper() for r in region.replace(";", ",").split(",") if r.strip()]
    return [str(r).upper() for r in region]


@dataclass
class ControlResult:
    dates: list[str]
    days: np.ndarray
    actors: list[str]
    places: pd.DataFrame              # place_id, name, lat, lon, country, geonameid, origin, state_from
    prob: np.ndarray                  # [n_dates, n_places, n_actors]
    cells: list                       # land-clipped cell per place (lon/lat), may be empty
    coast_cells: list                 # cell per place not clipped to land (lon/lat), for coastline measurement
    coast_km: dict                    # resolution -> ndarray[n_places] km of coastline in each cell
    effects: pd.DataFrame             # day, place, actor, kind, weight, event_id
    params: ControlParams
    region: list[str]
    bbox: tuple
    settlement_source: str = ""
    land: object = None               # lon/lat land polygon (primary resolution)

    # ---- access -------------------------------------------------------------------------
    def actor_index(self, actor: str) -> int:
        try:
            return self.actors.index(actor)
        except ValueError:
            raise KeyError(f"actor {actor!r} has no usable events; known: {', '.join(self.actors[:15])}") from None

    def probability(self, actor: str) -> np.ndarray:
        """[n_dates, n_places] probability that ``actor`` holds each place."""
        if actor not in self.actors:
            return np.zeros(self.prob.shape[:2])
        return self.prob[:, :, self.actor_index(actor)]

    def held(self, actor: str, threshold: float | None = None) -> np.ndarray:
        return self.probability(actor) >= (self.params.threshold if threshold is None else threshold)

    def date_index(self, day: str) -> int:
        d = to_day(day)
        i = int(np.searchsorted(self.days, d, side="right")) - 1
        return max(i, 0)

    def holder(self) -> np.ndarray:
        """[n_dates, n_places] index of the actor holding each place, -1 for none."""
        best = self.prob.argmax(axis=2)
        ok = self.prob.max(axis=2) >= self.params.threshold
        return np.where(ok, best, -1)

    def evidence_for(self, place: int, actor: str, day: int, k: int = 8) -> list[str]:
        src = int(self.places.at[place, "state_from"])
        if src < 0 or actor not in self.actors:
            return []
        a = self.actor_index(actor)
        e = self.effects
        sel = e[(e.place == src) & (e.actor == a) & (e.day <= day)]
        return sel.sort_values("day").event_id.tail(k).tolist()[::-1]

    def states_frame(self, actors=None, min_p: float = 0.05) -> pd.DataFrame:
        actors = actors or self.actors
        rows = []
        for actor in actors:
            if actor not in self.actors:
                continue
            p = self.probability(actor)
            ti, pi = np.nonzero(p >= min_p)
            for t, i in zip(ti, pi):
                rows.append((self.dates[t], int(self.places.at[i, "place_id"]), self.places.at[i, "name"], actor,
                             round(float(p[t, i]), 4), bool(p[t, i] >= self.params.threshold)))
        return pd.DataFrame(rows, columns=["date", "place_id", "name", "actor", "probability", "held"])

    def control_states(self, actors=None, min_p: float = 0.05) -> list[ControlState]:
        out = []
        for row in self.states_frame(actors, min_p).itertuples(index=False):
            i = int(self.places.index[self.places.place_id == row.place_id][0])
            out.append(ControlState(place_id=row.place_id, actor=row.actor, date=row.date,
                                    probability=row.probability,
                                    evidence=self.evidence_for(i, row.actor, to_day(row.date))))
        return out

    def geojson(self, t: int, actors=None, min_p: float | None = None) -> dict:
        """FeatureCollection of the cells held (p >= min_p, default band[0]) on date index ``t``."""
        min_p = self.params.band[0] if min_p is None else min_p
        actors = actors or self.actors
        feats = []
        res0 = self.params.resolutions[0] if self.coast_km else None
        for actor in actors:
            if actor not in self.actors:
                continue
            p = self.probability(actor)[t]
            for i in np.nonzero(p >= min_p)[0]:
                cell = self.cells[i]
                if cell is None or cell.is_empty:
                    continue
                pl = self.places.loc[i]
                props = {
                    "date": self.dates[t], "actor": actor, "place": pl["name"], "place_id": int(pl["place_id"]),
                    "geonameid": None if pd.isna(pl["geonameid"]) else int(pl["geonameid"]),
                    "probability": round(float(p[i]), 4), "held": bool(p[i] >= self.params.threshold),
                    "inferred_from": None if int(pl["state_from"]) == i or int(pl["state_from"]) < 0
                    else self.places.at[int(pl["state_from"]), "name"],
                    "events": self.evidence_for(i, actor, int(self.days[t])),
                }
                if res0:
                    props["coast_km"] = round(float(self.coast_km[res0][i]), 2)
                feats.append({"type": "Feature", "properties": props, "geometry": mapping(cell)})
        return {"type": "FeatureCollection", "properties": {"date": self.dates[t], "params": self.params.to_dict()},
                "features": feats}


# ---- evidence --------------------------------------------------------------------------

def _prepare(events: pd.DataFrame, params: ControlParams) -> pd.DataFrame:
    df = events.copy()
    for col, default in [("sub_event_type", ""), ("event_type", ""), ("actor2", None), ("certainty", "stated"),
                         ("score", 1.0), ("geo_precision", 1), ("modality", "occurred"), ("country", None),
                         ("geonameid", None), ("location", None), ("event_id", None)]:
        if col not in df.columns:
            df[col] = default
    if df["event_id"].isna().all():
        df["event_id"] = [f"row{i}" for i in range(len(df))]
    df["day"] = pd.to_datetime(df["event_date"].astype("string").str[:10], errors="coerce")
    df = df[df["day"].notna() & df["latitude"].notna() & df["longitude"].notna()].copy()
    df["day"] = ((df["day"] - pd.Timestamp("1970-01-01")).dt.days).astype("int64")
    gp = pd.to_numeric(df["geo_precision"], errors="coerce").fillna(1)
    df = df[gp <= params.max_geo_precision].copy()
    gp = gp[df.index]
    modality = df["modality"].fillna("occurred").astype(str).str.lower()
    df = df[modality.isin(["occurred", "ongoing", "", "none", "nan"])].copy()
    gp = gp[df.index]
    cert = df["certainty"].fillna("stated").astype(str).str.lower().map(params.certainty_weights).fillna(0.8)
    score = pd.to_numeric(df["score"], errors="coerce").fillna(1.0).clip(0.0, 1.0)
    df["w"] = (cert * score * np.where(gp >= 2, params.near_factor, 1.0)).astype(float)
    df["gp"] = gp.astype(int)
    df["et"] = df["event_type"].fillna("").astype(str).str.strip().str.lower()
    df["st"] = df["sub_event_type"].fillna("").astype(str).str.strip().str.lower()
    return df


def _effects(df: pd.DataFrame, params: ControlParams) -> pd.DataFrame:
    """One row per (event, actor) effect: columns row, actor_name, kind, weight."""
    same = df["actor2"].notna() & (df["actor2"].astype(str) == df["actor1"].astype(str))
    df = df.assign(actor2=df["actor2"].where(~same, None))
    et, st = df["et"], df["st"]
    take = st.isin(TAKE_SUBTYPES)
    base = st.isin(BASE_SUBTYPES)
    battle = (et == "battles") & ~take
    target = st.isin(TARGET_SUBTYPES)
    vac = et == "violence against civilians"
    behind = st.isin(BEHIND_LINES_SUBTYPES)
    strat = (et == "strategic developments") & st.isin(STRATEGIC_PRESENCE)
    parts = []

    def add(mask, col, kind, weight):
        sub = df[mask & df[col].notna()]
        if len(sub):
            parts.append(pd.DataFrame({"row": sub.index, "actor_name": sub[col].astype(str).values, "kind": kind,
                                       "weight": (sub["w"] * weight).values}))

    # a battle or a taking *in* a place contests or moves it; one only *near* it (geo_precision 2:
    # "moved into the hills south-east of Tripoli") is fresh evidence that the sides are around, nothing more
    inside = df["gp"] <= 1
    add(take & inside, "actor1", GAIN, params.w_take)
    add(take & inside, "actor2", LOSE, params.w_take)
    add(take & ~inside, "actor1", PRESENCE, params.w_presence)
    add(base, "actor1", GAIN, params.w_base)
    add(battle & inside, "actor1", CONTEST, params.w_battle)
    add(battle & inside, "actor2", CONTEST, params.w_battle)
    add(battle & ~inside, "actor1", PRESENCE, 0.0)
    add(battle & ~inside, "actor2", PRESENCE, 0.0)
    # strikes from afar: the target is present at the place; the attacker need not be
    add(target, "actor2", PRESENCE, params.w_presence)
    # violence against civilians, looting, arrests: the perpetrator is present
    add(vac | strat, "actor1", PRESENCE, params.w_presence)
    # IEDs, mines and suicide bombs are weapons used behind the other side's lines: weak evidence
    # that the attacker does not hold the place
    add(behind, "actor1", LOSE, params.w_behind_lines)
    if not parts:
        return pd.DataFrame(columns=["row", "actor_name", "kind", "weight"])
    eff = pd.concat(parts, ignore_index=True)
    eff = eff[eff.actor_name.str.strip().ne("") & ~eff.actor_name.str.lower().isin(["civilians", "none", "nan"])]
    return eff


# ---- places ----------------------------------------------------------------------------

def _snap(df: pd.DataFrame, base: pd.DataFrame, frame: _coast.LocalFrame, snap_km: float):
    """Assign each event a place index; returns (place index per row, places DataFrame)."""
    places = base.copy()
    places["origin"] = "gazetteer"
    bx, by = frame.xy(places["lon"].to_numpy(float), places["lat"].to_numpy(float)) if len(places) else ([], [])
    pts = np.column_stack([bx, by]) if len(places) else np.zeros((0, 2))
    loc = df[["latitude", "longitude"]].astype(float).round(4)
    uniq, inverse = np.unique(loc.to_numpy(), axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    ux, uy = frame.xy(uniq[:, 1], uniq[:, 0])
    upts = np.column_stack([ux, uy])
    assign = np.full(len(uniq), -1, dtype=int)
    # events carrying the geonameid of a settlement go to it
    if len(places) and "geonameid" in df.columns:
        gid_to_idx = {int(g): i for i, g in enumerate(places["geonameid"]) if pd.notna(g)}
        gids = pd.to_numeric(df["geonameid"], errors="coerce").to_numpy()
        for u, g in zip(inverse, gids):
            if assign[u] < 0 and not np.isnan(g) and int(g) in gid_to_idx:
                assign[u] = gid_to_idx[int(g)]
    if len(pts):
        dist, idx = cKDTree(pts).query(upts)
        near = (assign < 0) & (dist <= snap_km * 1000)
        assign[near] = idx[near]
    # remaining locations: greedy clustering, most frequent first
    rest = np.nonzero(assign < 0)[0]
    new_rows = []
    if len(rest):
        counts = np.bincount(inverse, minlength=len(uniq))
        order = rest[np.argsort(-counts[rest], kind="stable")]
        tree = cKDTree(upts[order])
        names = df.groupby(inverse)["location"].first()
        countries = df.groupby(inverse)["country"].first()
        taken = np.zeros(len(order), bool)
        for k in range(len(order)):
            if taken[k]:
                continue
            u = order[k]
            members = [m for m in tree.query_ball_point(upts[u], snap_km * 1000) if not taken[m]]
            new_idx = len(places) + len(new_rows)
            for m in members:
                taken[m] = True
                assign[order[m]] = new_idx
            new_rows.append({"geonameid": None, "name": names.get(u) or f"{uniq[u][0]:.3f},{uniq[u][1]:.3f}",
                             "lat": uniq[u][0], "lon": uniq[u][1], "country": countries.get(u), "admin1": None,
                             "population": 0, "origin": "event"})
    if new_rows:
        places = pd.concat([places, pd.DataFrame(new_rows)], ignore_index=True)
    places = places.reset_index(drop=True)
    return assign[inverse], places


def _spread_losses(eff: pd.DataFrame, df: pd.DataFrame, places: pd.DataFrame, frame, params: ControlParams):
    """A place taken from an actor weakens the actor's hold on the places around it (the front moves):
    extra LOSE effects at evidenced places within loss_spread_km, weight tapering linearly to 0."""
    if params.loss_spread_km <= 0 or params.loss_spread_factor <= 0:
        return eff
    takes = df["st"].isin(TAKE_SUBTYPES)
    lose = eff[(eff.kind == LOSE) & takes.reindex(eff.row).to_numpy()]
    if lose.empty:
        return eff
    ev_places = np.unique(eff.place.to_numpy())
    px, py = frame.xy(places.lon.to_numpy(float)[ev_places], places.lat.to_numpy(float)[ev_places])
    pts = np.column_stack([px, py])
    tree = cKDTree(pts)
    pos = {int(p): k for k, p in enumerate(ev_places)}
    extra = []
    for r in lose.itertuples(index=False):
        k = pos[int(r.place)]
        for m in tree.query_ball_point(pts[k], params.loss_spread_km * 1000):
            if m == k:
                continue
            d = float(np.hypot(*(pts[m] - pts[k]))) / 1000.0
            w = r.weight * params.loss_spread_factor * (1.0 - d / params.loss_spread_km)
            if w > 0:
                extra.append((r.row, r.actor_name, LOSE, w, r.actor, int(ev_places[m]), r.day, r.event_id))
    if extra:
        eff = pd.concat([eff, pd.DataFrame(extra, columns=["row", "actor_name", "kind", "weight", "actor", "place",
                                                           "day", "event_id"])], ignore_index=True)
    return eff


def _sweep(eff: pd.DataFrame, df: pd.DataFrame, places: pd.DataFrame, frame, params: ControlParams):
    """An advance takes what lies on its way: when one actor takes two places within ``sweep_days``
    and ``sweep_km`` of each other, the evidenced places within ``sweep_width_km`` of the line between
    them get the same GAIN (and their holders a LOSE) at the later date, at ``sweep_factor`` times the
    weaker weight. A take only near a place or of a site in it ("recaptured the port of Sirte") does
    not move the place, but the force got there: it ends an advance as well."""
    if params.sweep_factor <= 0 or params.sweep_km <= 0:
        return eff
    takes = df["st"].isin(TAKE_SUBTYPES).reindex(eff.row).to_numpy()
    by_actor1 = (eff.actor_name.to_numpy() == df["actor1"].astype(str).reindex(eff.row).to_numpy())
    gains = eff[takes & by_actor1 & eff.kind.isin([GAIN, PRESENCE]).to_numpy()].copy()
    gains["weight"] = (df["w"].reindex(gains.row).to_numpy() * params.w_take)
    gains = gains.sort_values("day")
    if len(gains) < 2:
        return eff
    index_of = dict(zip(eff.actor_name, eff.actor))
    ev_places = np.unique(eff.place.to_numpy())
    px, py = frame.xy(places.lon.to_numpy(float), places.lat.to_numpy(float))
    allxy = np.column_stack([px, py])
    cand = allxy[ev_places]
    extra = []
    loser_name = df["actor2"].reindex(gains.row)
    lose_of = {row: index_of[name] for row, name in zip(gains.row, loser_name) if name in index_of}
    for a, g in gains.groupby("actor"):
        rows = list(g.itertuples(index=False))
        for k in range(1, len(rows)):
            r2 = rows[k]
            for r1 in rows[max(0, k - 5):k][::-1]:
                if r2.day - r1.day > params.sweep_days or r1.place == r2.place:
                    continue
                p1, p2 = allxy[int(r1.place)], allxy[int(r2.place)]
                seg = p2 - p1
                L = float(np.hypot(*seg))
                if L > params.sweep_km * 1000 or L == 0:
                    continue
                tpar = ((cand - p1) @ seg) / (L * L)
                perp = np.abs((cand[:, 0] - p1[0]) * seg[1] - (cand[:, 1] - p1[1]) * seg[0]) / L
                on_way = (tpar > 0) & (tpar < 1) & (perp <= params.sweep_width_km * 1000)
                w = params.sweep_factor * min(r1.weight, r2.weight)
                for m in np.nonzero(on_way)[0]:
                    pl = int(ev_places[m])
                    if pl in (int(r1.place), int(r2.place)):
                        continue
                    extra.append((r2.row, r2.actor_name, GAIN, w, a, pl, r2.day, r2.event_id))
                    if r2.row in lose_of and lose_of[r2.row] != a:
                        extra.append((r2.row, None, LOSE, w, int(lose_of[r2.row]), pl, r2.day, r2.event_id))
    if extra:
        ex = pd.DataFrame(extra, columns=["row", "actor_name", "kind", "weight", "actor", "place", "day", "event_id"])
        ex = ex.drop_duplicates(["kind", "actor", "place", "day"])
        eff = pd.concat([eff, ex], ignore_index=True)
    return eff


# ---- estimation --------------------------------------------------------------------------

def estimate_control(events_df: pd.DataFrame, actor=None, region=None, date_from: str | None = None,
                     date_to: str | None = None, step: str = "7d", params: ControlParams | None = None,
                     places: pd.DataFrame | None = None, geometry: bool = True) -> ControlResult:
    """Estimate who holds what on a date grid.

    ``events_df`` has the store's event columns (``Store.events()`` or :func:`events_frame`).
    ``actor`` (a name or list) only makes sure the actor is modelled on its own; all actors
    compete for places. ``region`` is one or more ISO 3166-1 alpha-2 codes (its settlements
    form the tessellation; events with another country are dropped). ``places`` overrides the
    settlements (columns geonameid, name, lat, lon, country). ``geometry=False`` skips cells and
    coastline (fast path for state only).
    """
    params = params or ControlParams()
    regions = _regions(region)
    focus = [actor] if isinstance(actor, str) else list(actor or [])
    df = _prepare(events_df, params)
    if places is None:
        base = _settlements(regions) if regions else pd.DataFrame(columns=["geonameid", "name", "lat", "lon",
                                                                            "country", "admin1", "population"])
        source = base.attrs.get("source", "")
    else:
        base, source = places.copy(), "user"
    base = base.reset_index(drop=True)
    if regions:
        cc = df["country"].astype("string").str.upper()
        if len(base):
            pad = 0.5
            inbox = (df.latitude.between(base.lat.min() - pad, base.lat.max() + pad)
                     & df.longitude.between(base.lon.min() - pad, base.lon.max() + pad))
        else:
            inbox = pd.Series(True, index=df.index)
        df = df[cc.isin(regions) | (cc.isna() & inbox)].copy()
    if date_to:
        df = df[df.day <= to_day(date_to)]
    if date_from is None:
        date_from = from_day(int(df.day.min())) if len(df) else "2000-01-01"
    if date_to is None:
        date_to = from_day(int(df.day.max())) if len(df) else date_from
    dates = date_grid(date_from, date_to, step)
    days = np.array([to_day(d) for d in dates], dtype=np.int64)

    # frame and places
    lats = np.concatenate([base.lat.to_numpy(float), df.latitude.to_numpy(float)])
    lons = np.concatenate([base.lon.to_numpy(float), df.longitude.to_numpy(float)])
    if len(lats) == 0:
        lats, lons = np.array([0.0]), np.array([0.0])
    frame = _coast.LocalFrame(float((lons.min() + lons.max()) / 2), float((lats.min() + lats.max()) / 2))
    if len(df):
        place_of_row, allplaces = _snap(df, base, frame, params.snap_km)
    else:
        place_of_row = np.zeros(0, int)
        allplaces = base.assign(origin="gazetteer")
    df["place"] = place_of_row

    eff = _effects(df, params)
    counts = pd.concat([df.actor1, df.actor2]).dropna().astype(str).value_counts()
    actors = [a for a in focus if a]
    for a in counts.index:
        if a not in actors and a.lower() not in ("civilians", "") and len(actors) < params.max_actors:
            actors.append(a)
    if len(eff):
        known = set(actors)
        if (~eff.actor_name.isin(known)).any():
            actors.append("Other actors")
            eff.loc[~eff.actor_name.isin(known), "actor_name"] = "Other actors"
    aidx = {a: i for i, a in enumerate(actors)}
    n_act, n_pl, n_t = len(actors), len(allplaces), len(days)
    prob = np.zeros((n_t, n_pl, max(n_act, 1)))

    if len(eff):
        eff["actor"] = eff.actor_name.map(aidx).astype(int)
        eff["place"] = df.loc[eff.row, "place"].to_numpy()
        eff["day"] = df.loc[eff.row, "day"].to_numpy()
        eff["event_id"] = df.loc[eff.row, "event_id"].astype(str).to_numpy()
        eff = _spread_losses(eff, df, allplaces, frame, params)
        eff = _sweep(eff, df, allplaces, frame, params)
        eff = eff.sort_values(["place", "day", "kind"], kind="stable").reset_index(drop=True)
        _run_states(eff, allplaces, frame, params, days, prob, n_act)
    else:
        eff = pd.DataFrame(columns=["row", "actor_name", "kind", "weight", "actor", "place", "day", "event_id"])

    # places with evidence carry a state and a cell; event-free settlements take the state of the
    # nearest evidenced place within influence_km (reported, not drawn: they lie inside its cell)
    evid = np.zeros(n_pl, bool)
    if len(eff):
        evid[eff.place.unique().astype(int)] = True
    px, py = frame.xy(allplaces.lon.to_numpy(float), allplaces.lat.to_numpy(float))
    pts = np.column_stack([px, py])
    state_from = np.where(evid, np.arange(n_pl), -1)
    if evid.sum() > 1:
        # before its first event an evidenced place has no evidence yet: it takes the state of the
        # nearest place (within influence_km) that already has evidence on that date
        ev_idx = np.nonzero(evid)[0]
        first = eff.groupby("place").day.min()
        fday = first.reindex(ev_idx).to_numpy()
        tree = cKDTree(pts[ev_idx])
        for k, i in enumerate(ev_idx):
            early = days < fday[k]
            if not early.any():
                continue
            dist, nn = tree.query(pts[i], k=min(len(ev_idx), 12), distance_upper_bound=params.influence_km * 1000)
            for d, j in zip(np.atleast_1d(dist), np.atleast_1d(nn)):
                if not np.isfinite(d) or j == k:
                    continue
                m = early & (days >= fday[j])
                if m.any():
                    prob[m, i, :] = prob[m, ev_idx[j], :] * params.inherit_factor
                    early &= ~m
                if not early.any():
                    break
    if evid.any() and (~evid).any():
        ev_idx = np.nonzero(evid)[0]
        dist, nn = cKDTree(pts[ev_idx]).query(pts[~evid])
        src = ev_idx[nn]
        ok = dist <= params.influence_km * 1000
        tgt = np.nonzero(~evid)[0]
        prob[:, tgt[ok], :] = prob[:, src[ok], :] * params.inherit_factor
        state_from[tgt[ok]] = src[ok]
    allplaces = allplaces.copy()
    allplaces["state_from"] = state_from
    allplaces["evidenced"] = evid
    allplaces["place_id"] = np.where(allplaces.geonameid.notna(),
                                     pd.to_numeric(allplaces.geonameid, errors="coerce").fillna(0),
                                     -(np.arange(n_pl) + 1)).astype(np.int64)

    pad_deg = params.max_radius_km / 100.0 + 0.5
    ev_pl = allplaces[evid] if evid.any() else allplaces
    if len(ev_pl):
        bbox = (float(ev_pl.lon.min() - pad_deg), float(ev_pl.lat.min() - pad_deg),
                float(ev_pl.lon.max() + pad_deg), float(ev_pl.lat.max() + pad_deg))
    else:
        bbox = (0.0, 0.0, 0.0, 0.0)
    cells, coast_cells, land = [None] * n_pl, [None] * n_pl, None
    coast_km = {}
    if geometry and evid.any():
        ev_idx = np.nonzero(evid)[0]
        c, cc, ck, land = _tessellate(pts[ev_idx], frame, bbox, params)
        for k, i in enumerate(ev_idx):
            cells[i], coast_cells[i] = c[k], cc[k]
        for res, arr in ck.items():
            full = np.zeros(n_pl)
            full[ev_idx] = arr
            coast_km[res] = full
    return ControlResult(dates=dates, days=days, actors=actors, places=allplaces, prob=prob[:, :, :n_act],
                         cells=cells, coast_cells=coast_cells, coast_km=coast_km, effects=eff, params=params,
                         region=regions, bbox=bbox, settlement_source=source, land=land)


def _run_states(eff: pd.DataFrame, places: pd.DataFrame, frame, params: ControlParams, days: np.ndarray,
                prob: np.ndarray, n_act: int) -> None:
    h = float(params.half_life_days)
    # support (fresh evidence) times per (place, actor): gains and presence within support_km. Losses and
    # fighting do not count: an actor besieged in one town does not thereby hold the towns around it
    px, py = frame.xy(places.lon.to_numpy(float), places.lat.to_numpy(float))
    pts = np.column_stack([px, py])
    ev_places = np.unique(eff.place.to_numpy())
    tree = cKDTree(pts)
    neigh = tree.query_ball_point(pts[ev_places], params.support_km * 1000)
    pairs = pd.DataFrame([(int(j), int(i)) for j, lst in zip(ev_places, neigh) for i in lst],
                         columns=["src", "place"])
    sup = eff[~eff.kind.isin([LOSE, CONTEST])][["place", "actor", "day"]].drop_duplicates().rename(columns={"place": "src"})
    sup = sup.merge(pairs, on="src")[["place", "actor", "day"]].drop_duplicates().sort_values(["place", "actor", "day"])
    support: dict[tuple[int, int], np.ndarray] = {
        k: g.day.to_numpy() for k, g in sup.groupby(["place", "actor"], sort=False)}
    empty = np.zeros(0, dtype=np.int64)

    e_place = eff.place.to_numpy()
    e_day = eff.day.to_numpy()
    e_actor = eff.actor.to_numpy()
    e_kind = eff.kind.to_numpy()
    e_w = eff.weight.to_numpy(float)
    bounds = np.flatnonzero(np.diff(e_place)) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [len(eff)]])
    for s, e in zip(starts, ends):
        place = int(e_place[s])
        p = np.zeros(n_act)
        t_u = None
        times, states = [], []
        for k in range(s, e):
            t = int(e_day[k])
            if t_u is not None and t > t_u:
                for a in np.nonzero(p > 1e-9)[0]:
                    sa = support.get((place, int(a)), empty)
                    j = np.searchsorted(sa, t, side="right") - 1
                    ts = max(t_u, int(sa[j])) if j >= 0 else t_u
                    p[a] *= 0.5 ** ((t - ts) / h)
            a, kind, w = int(e_actor[k]), int(e_kind[k]), float(e_w[k])
            if kind == GAIN:
                others = np.arange(n_act) != a
                p[others] *= (1.0 - w)
                p[a] += w * (1.0 - p[a])
            elif kind == LOSE:
                p[a] *= (1.0 - w)
            elif kind == CONTEST:
                p[a] += w * (params.contest_level - p[a])
                tot = p.sum()
                if tot > 1.0:
                    others = np.arange(n_act) != a
                    rest = p[others].sum()
                    if rest > 0:
                        p[others] *= max(0.0, 1.0 - p[a]) / rest
            else:  # PRESENCE
                p[a] += w * p[a] * (1.0 - p[a])
            if times and times[-1] == t:
                states[-1] = p.copy()
            else:
                times.append(t)
                states.append(p.copy())
            t_u = t
        T = np.asarray(times)
        P = np.asarray(states)
        idx = np.searchsorted(T, days, side="right") - 1
        valid = idx >= 0
        if not valid.any():
            continue
        iv = idx[valid]
        dv = days[valid]
        tu = T[iv]
        for a in np.nonzero(P.max(axis=0) > 1e-9)[0]:
            sa = support.get((place, int(a)), empty)
            if len(sa):
                j = np.searchsorted(sa, dv, side="right") - 1
                ts = np.maximum(tu, np.where(j >= 0, sa[np.maximum(j, 0)], tu))
            else:
                ts = tu
            prob[np.nonzero(valid)[0], place, a] = P[iv, a] * 0.5 ** ((dv - ts) / h)


def _tessellate(pts: np.ndarray, frame, bbox, params: ControlParams):
    """Voronoi cells limited to max_radius_km; land-clipped (display) and unclipped (coast) versions."""
    n = len(pts)
    env = box(pts[:, 0].min() - 2e6, pts[:, 1].min() - 2e6, pts[:, 0].max() + 2e6, pts[:, 1].max() + 2e6)
    # jitter exact duplicates so that every place gets a cell
    upts = pts.copy()
    _, first, inv = np.unique(np.round(upts, 0), axis=0, return_index=True, return_inverse=True)
    inv = np.asarray(inv).reshape(-1)
    dup = np.ones(n, bool)
    dup[first] = False
    upts[dup] += np.random.default_rng(0).normal(0, 50.0, size=(dup.sum(), 2))
    if n == 1:
        vor = [env]
    else:
        vor = list(shapely.voronoi_polygons(MultiPoint(upts), extend_to=env, ordered=True).geoms)
    discs = shapely.buffer(shapely.points(upts), params.max_radius_km * 1000.0, quad_segs=16)
    raw = shapely.intersection(np.array(vor, dtype=object), discs)
    shores = {}
    for res in params.resolutions:
        try:
            shores[res] = _coast.shore(res, tuple(round(v, 4) for v in bbox))
        except FileNotFoundError:
            continue
    land = None
    coast_km = {}
    cells_ll = list(frame.unproject(raw))
    if shores:
        primary = next(iter(shores.values()))
        land = primary.land
        land_p = frame.project(land)
        clipped = shapely.intersection(raw, land_p)
        cells = list(frame.unproject(clipped))
        for res, sh in shores.items():
            coast_p = frame.project(sh.coast)
            parts = shapely.intersection(raw, coast_p)
            coast_km[res] = np.array([_coast.geodesic_length_km(g) if not g.is_empty else 0.0
                                      for g in frame.unproject(parts)])
    else:
        cells = cells_ll
    return cells, cells_ll, coast_km, land


def coastline_held(result: ControlResult, actor: str, resolutions=None) -> pd.DataFrame:
    """km of coastline held by ``actor`` per date and resolution, with an uncertainty band.

    ``km``: cells with p >= threshold; ``km_low`` / ``km_high``: p >= band[1] / band[0];
    ``km_expected``: sum of p x cell coastline.
    """
    resolutions = resolutions or [r for r in result.params.resolutions if r in result.coast_km]
    p = result.probability(actor)
    lo, hi = result.params.band
    if "evidenced" in result.places:
        p = p * result.places["evidenced"].to_numpy(bool)[None, :]
    rows = []
    for res in resolutions:
        ck = result.coast_km.get(res)
        if ck is None:
            continue
        km = (p >= result.params.threshold).astype(float) @ ck
        km_low = (p >= hi).astype(float) @ ck
        km_high = (p >= lo).astype(float) @ ck
        km_exp = p @ ck
        for t, d in enumerate(result.dates):
            rows.append({"date": d, "actor": actor, "resolution": res, "km": round(km[t], 2),
                         "km_low": round(km_low[t], 2), "km_high": round(km_high[t], 2),
                         "km_expected": round(km_exp[t], 2), "dataset": _coast.dataset_label(res)})
    return pd.DataFrame(rows)


def held_places(result: ControlResult, actor: str, day: str) -> pd.DataFrame:
    t = result.date_index(day)
    p = result.probability(actor)[t]
    pl = result.places.assign(probability=p)
    return pl[p >= result.params.threshold].sort_values("probability", ascending=False)


def dumps_geojson(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)
