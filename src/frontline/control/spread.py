"""Speed and pattern of an actor's expansion.

* **Areas** are the places of the control model (events snapped to settlements within
  ``snap_km``). An area's *onset* is the date of the first event in it that involves the actor.
* **Implied speed**: for each area after the first, the geodesic distance to the nearest area
  reached earlier, divided by the days between the two onsets.
* **Knox test** of space-time interaction on the onsets: X = number of pairs of areas whose
  onsets are within ``tau_days`` of each other *and* that lie within ``delta_km``. Under the
  "ice on a pond" claim (all parts freeze at more or less the same time, wherever they are)
  closeness in time does not depend on closeness in space; permuting the onset dates over the
  areas gives the null distribution. A small p-value means that areas close to each other were
  reached close in time: contagious spread from earlier areas.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import coast as _coast
from .model import TAKE_SUBTYPES, ControlParams, _prepare, _regions, _snap
from .places import settlements as _settlements


@dataclass
class SpreadResult:
    actor: str
    areas: pd.DataFrame              # place, name, lat, lon, onset, n_events, nearest_earlier, distance_km, days, km_per_day
    knox_statistic: int
    knox_expected: float
    knox_p: float
    delta_km: float
    tau_days: float
    permutations: int
    onset_spread_days: float         # inter-quartile range of onsets
    distance_time_rho: float         # Spearman rank correlation of distance from the first area and onset
    notes: list[str] = field(default_factory=list)

    @property
    def median_speed_km_per_day(self) -> float:
        v = self.areas["km_per_day"].dropna()
        return float(v.median()) if len(v) else float("nan")

    def verdict(self) -> str:
        n = len(self.areas)
        if n < 4:
            return (f"Only {n} area(s) with events of {self.actor}: too few to tell simultaneous from "
                    f"contagious spread.")
        words = [f"{self.actor} appears in {n} areas; the middle half of them were first reached within "
                 f"{self.onset_spread_days:.0f} days of each other."]
        if np.isfinite(self.median_speed_km_per_day):
            words.append(f"Between successive areas the implied speed of expansion is {self.median_speed_km_per_day:.1f} "
                         f"km/day (median).")
        words.append(f"Knox test (pairs within {self.delta_km:g} km and {self.tau_days:g} days): {self.knox_statistic} "
                     f"pairs observed against {self.knox_expected:.1f} expected if timing ignored place; "
                     f"p = {self.knox_p:.3f} ({self.permutations} permutations).")
        if self.knox_expected < 2 and self.knox_statistic < 2:
            words.append("Too few pairs of areas are close in both space and time for the test to tell simultaneous "
                         "from contagious spread; widen --delta-km / --tau-days or add events.")
        elif self.knox_p < 0.05:
            words.append("Areas near each other were reached at nearby times more often than chance: the spread is "
                         "contagious, from earlier areas outward. This contradicts the claim that the group 'forms like "
                         "ice on a pond, all parts freezing at more or less the same time'.")
        else:
            words.append("Nearby areas were not reached at nearby times more often than chance, so the data do not "
                         "show contagious spread; they are consistent with the 'ice on a pond' claim (or too sparse "
                         "to tell).")
        return " ".join(words)


def knox(x: np.ndarray, y: np.ndarray, t: np.ndarray, delta_m: float, tau: float, permutations: int = 999,
         seed: int = 0) -> tuple[int, float, float]:
    """Knox statistic, its permutation mean and one-sided p-value. x, y in metres, t in days."""
    n = len(t)
    if n < 3:
        return 0, 0.0, 1.0
    iu = np.triu_indices(n, 1)
    close_s = (np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) <= delta_m)[iu]
    obs = int((close_s & (np.abs(t[:, None] - t[None, :]) <= tau)[iu]).sum())
    rng = np.random.default_rng(seed)
    sims = np.empty(permutations)
    for k in range(permutations):
        tp = rng.permutation(t)
        sims[k] = (close_s & (np.abs(tp[:, None] - tp[None, :]) <= tau)[iu]).sum()
    p = (1 + int((sims >= obs).sum())) / (permutations + 1)
    return obs, float(sims.mean()), float(p)


def spread(events_df: pd.DataFrame, actor: str, region=None, params: ControlParams | None = None,
           delta_km: float = 50.0, tau_days: float = 30.0, permutations: int = 999, date_from: str | None = None,
           date_to: str | None = None, seed: int = 0) -> SpreadResult:
    params = params or ControlParams()
    regions = _regions(region)
    df = _prepare(events_df, params)
    # the actor's arrival in an area: any event it takes part in, except losing the place
    losing = (df["actor2"].astype(str) == actor) & df["st"].isin(TAKE_SUBTYPES)
    df = df[((df["actor1"].astype(str) == actor) | (df["actor2"].astype(str) == actor)) & ~losing]
    if regions:
        df = df[df["country"].astype("string").str.upper().isin(regions) | df["country"].isna()]
    if date_from:
        df = df[df.day >= pd.Timestamp(date_from).toordinal() - 719163]
    if date_to:
        df = df[df.day <= pd.Timestamp(date_to).toordinal() - 719163]
    notes = []
    if df.empty:
        return SpreadResult(actor, pd.DataFrame(columns=["name", "lat", "lon", "onset", "n_events"]), 0, 0.0, 1.0,
                            delta_km, tau_days, 0, float("nan"), float("nan"), ["no located events"])
    base = _settlements(regions) if regions else pd.DataFrame(columns=["geonameid", "name", "lat", "lon", "country",
                                                                       "admin1", "population"])
    frame = _coast.LocalFrame(float(df.longitude.mean()), float(df.latitude.mean()))
    place_of_row, places = _snap(df, base, frame, params.snap_km)
    df = df.assign(place=place_of_row)
    g = df.groupby("place").agg(onset=("day", "min"), n_events=("day", "size"))
    areas = places.loc[g.index, ["name", "lat", "lon"]].join(g).sort_values("onset").reset_index()
    areas = areas.rename(columns={"index": "place"})
    x, y = frame.xy(areas.lon.to_numpy(float), areas.lat.to_numpy(float))
    x, y = np.asarray(x), np.asarray(y)
    t = areas.onset.to_numpy(float)
    near, dist, days, speed = [None], [np.nan], [np.nan], [np.nan]
    for k in range(1, len(areas)):
        earlier = np.nonzero(t[:k] < t[k])[0]
        if len(earlier) == 0:
            near.append(None)
            dist.append(np.nan)
            days.append(0.0)
            speed.append(np.nan)
            continue
        d = np.array([_coast.distance_km(areas.lat[k], areas.lon[k], areas.lat[j], areas.lon[j]) for j in earlier])
        j = int(earlier[int(np.argmin(d))])
        near.append(areas.name[j])
        dist.append(float(d.min()))
        dt = float(t[k] - t[j])
        days.append(dt)
        speed.append(float(d.min()) / dt if dt > 0 else np.nan)
    areas["nearest_earlier"] = near
    areas["distance_km"] = np.round(dist, 1)
    areas["days"] = days
    areas["km_per_day"] = np.round(speed, 3)
    areas["onset"] = [pd.Timestamp("1970-01-01") + pd.Timedelta(days=int(v)) for v in areas.onset]
    areas["onset"] = areas["onset"].dt.date.astype(str)
    obs, expected, p = knox(x, y, t, delta_km * 1000, tau_days, permutations, seed)
    iqr = float(np.subtract(*np.percentile(t, [75, 25]))) if len(t) else float("nan")
    if len(t) >= 3:
        d0 = np.hypot(x - x[0], y - y[0])
        rho = float(pd.Series(d0).rank().corr(pd.Series(t).rank()))
    else:
        rho = float("nan")
    if len(areas) < 10:
        notes.append("fewer than 10 areas: the permutation test has little power")
    return SpreadResult(actor, areas, obs, expected, p, delta_km, tau_days, permutations, iqr, rho, notes)
