"""Files for ``frontline control`` / ``frontline coast``: GeoJSON per date, small multiples,
an offline time-slider HTML page, and the coastline CSV / chart."""
from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from .model import ControlResult, coastline_held, dumps_geojson

PALETTE = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
           "#7f7f7f"]


def _colors(actors: list[str]) -> dict[str, str]:
    return {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(actors)}


def write_geojson(result: ControlResult, out: Path, actors=None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for t, d in enumerate(result.dates):
        p = out / f"control_{d}.geojson"
        p.write_text(dumps_geojson(result.geojson(t, actors)), encoding="utf-8")
        paths.append(p)
    return paths


def _view_bbox(result: ControlResult, actors) -> tuple[float, float, float, float]:
    held = np.zeros(len(result.places), bool)
    for a in actors:
        held |= (result.probability(a) >= result.params.band[0]).any(axis=0)
    held &= np.array([c is not None and not c.is_empty for c in result.cells])
    if held.any():
        b = shapely.total_bounds(np.array([result.cells[i] for i in np.nonzero(held)[0]], dtype=object))
    else:
        b = result.bbox
    w, s, e, n = b
    padx, pady = max(0.5, (e - w) * 0.15), max(0.5, (n - s) * 0.15)
    return (w - padx, s - pady, e + padx, n + pady)


def map_png(result: ControlResult, day: str, path: Path, actors=None, label_places: bool = True) -> Path:
    """One map of the control areas on ``day`` (nearest grid date at or before it), places labelled."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    actors = actors or result.actors[:3]
    colors = _colors(actors)
    t = result.date_index(day)
    w, s, e, n = _view_bbox(result, actors)
    fig, ax = plt.subplots(figsize=(9, 6))
    _draw_panel(ax, result, t, actors, colors, (w, s, e, n), edges=True)
    if label_places:
        pl = result.places[result.places.evidenced] if "evidenced" in result.places else result.places
        pl = pl[pl.lon.between(w, e) & pl.lat.between(s, n)]
        ax.scatter(pl.lon, pl.lat, s=6, color="k", zorder=3)
        for r in pl.itertuples():
            ax.annotate(str(r.name)[:22], (r.lon, r.lat), fontsize=6, xytext=(2, 2), textcoords="offset points")
    ax.legend(handles=[Patch(color=colors[a], label=a) for a in actors], loc="lower left", fontsize=8)
    ax.set_title(f"Control areas on {result.dates[t]} (opacity = probability)", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _draw_panel(ax, result: ControlResult, t: int, actors, colors, bbox, edges: bool) -> None:
    """One map panel: sea, land, and each actor's cells at date index ``t`` with opacity = probability."""
    w, s, e, n = bbox
    ax.set_xlim(w, e)
    ax.set_ylim(s, n)
    ax.set_aspect(1 / np.cos(np.radians((s + n) / 2)))
    ax.set_facecolor("#dbe9f6")
    if result.land is not None and not result.land.is_empty:
        for poly in getattr(result.land, "geoms", [result.land]):
            if poly.geom_type == "Polygon":
                ax.fill(*poly.exterior.xy, color="#f2efe9", lw=0.3, ec="#999")
    style = {"lw": 0.4, "ec": "#555"} if edges else {"lw": 0}
    for a in actors:
        p = result.probability(a)[t]
        for i in np.nonzero(p >= result.params.band[0])[0]:
            cell = result.cells[i]
            if cell is None or cell.is_empty:
                continue
            for poly in getattr(cell, "geoms", [cell]):
                if poly.geom_type == "Polygon":
                    ax.fill(*poly.exterior.xy, color=colors[a], alpha=float(min(1, p[i])) * 0.8, **style)


def small_multiples(result: ControlResult, path: Path, actors=None, panels: int = 12) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    actors = actors or result.actors[:3]
    colors = _colors(actors)
    n = min(panels, len(result.dates))
    idx = np.unique(np.linspace(0, len(result.dates) - 1, n).round().astype(int))
    cols = min(4, len(idx))
    rows = int(np.ceil(len(idx) / cols))
    w, s, e, nn = _view_bbox(result, actors)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 3.0 * rows), squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, t in zip(axes.flat, idx):
        ax.set_axis_on()
        ax.set_xticks([])
        ax.set_yticks([])
        _draw_panel(ax, result, t, actors, colors, (w, s, e, nn), edges=False)
        ax.set_title(result.dates[t], fontsize=9)
    fig.legend(handles=[Patch(color=colors[a], label=a) for a in actors], loc="lower center",
               ncol=min(4, len(actors)), fontsize=8, frameon=False)
    fig.suptitle("Control areas (opacity = probability)", fontsize=10)
    fig.tight_layout(rect=(0, 0.04, 1, 0.96))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _svg_path(geom, proj) -> str:
    parts = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        for ring in [poly.exterior, *poly.interiors]:
            xy = [proj(x, y) for x, y in ring.coords]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + "Z")
    return "".join(parts)


def slider_html(result: ControlResult, path: Path, actors=None, coast: pd.DataFrame | None = None) -> Path:
    """A self-contained HTML page (inline SVG + a few lines of JS, no network) with a date slider."""
    actors = actors or result.actors[:3]
    colors = _colors(actors)
    w, s, e, n = _view_bbox(result, actors)
    W = 900
    kx = W / (e - w)
    ky = kx / np.cos(np.radians((s + n) / 2))
    H = int((n - s) * ky)

    def proj(x, y):
        return (x - w) * kx, (n - y) * ky

    land_d = ""
    if result.land is not None and not result.land.is_empty:
        land_d = _svg_path(result.land.simplify(0.01), proj)
    cells, cell_idx = [], {}
    for i, c in enumerate(result.cells):
        if c is None or c.is_empty:
            continue
        show = any((result.probability(a)[:, i] >= result.params.band[0]).any() for a in actors)
        if not show:
            continue
        cell_idx[i] = len(cells)
        cells.append({"d": _svg_path(c.simplify(0.005), proj), "name": str(result.places.at[i, "name"])})
    frames = []
    for t, d in enumerate(result.dates):
        fr = []
        for ai, a in enumerate(actors):
            p = result.probability(a)[t]
            for i, k in cell_idx.items():
                if p[i] >= result.params.band[0]:
                    fr.append([k, ai, round(float(p[i]), 3)])
        label = d
        if coast is not None and len(coast):
            sub = coast[(coast.date == d) & (coast.resolution == coast.resolution.iloc[0])]
            label += "  " + "; ".join(f"{r.actor}: {r.km:.0f} km coast ({r.km_low:.0f}-{r.km_high:.0f})"
                                      for r in sub.itertuples())
        frames.append({"label": label, "cells": fr})
    data = {"cells": cells, "frames": frames, "actors": actors, "colors": [colors[a] for a in actors]}
    legend = " ".join(f'<span style="color:{colors[a]}">&#9632; {html.escape(a)}</span>' for a in actors)
    doc = f"""<!doctype html><html><head><meta charset="utf-8"><title>frontline control</title>
<style>body{{font-family:sans-serif;margin:12px}} svg{{background:#dbe9f6;border:1px solid #999}}
#lab{{font-weight:bold}} input{{width:{W}px}}</style></head><body>
<div>{legend}</div><div id="lab"></div>
<input type="range" id="sl" min="0" max="{len(frames) - 1}" value="0"><br>
<button id="play">play</button>
<svg id="map" width="{W}" height="{H}" viewBox="0 0 {W} {H}"><path d="{land_d}" fill="#f2efe9" stroke="#999" stroke-width="0.5"/>
<g id="cells"></g></svg>
<p>Opacity is the probability of control. Parameters: {html.escape(json.dumps(result.params.to_dict()))}</p>
<script>
const D = {json.dumps(data)};
const g = document.getElementById('cells');
const els = D.cells.map(c => {{ const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  p.setAttribute('d', c.d); p.setAttribute('stroke', '#555'); p.setAttribute('stroke-width', '0.3');
  const t = document.createElementNS('http://www.w3.org/2000/svg', 'title'); t.textContent = c.name; p.appendChild(t);
  g.appendChild(p); return p; }});
function show(i) {{ const f = D.frames[i]; els.forEach(e => {{ e.setAttribute('fill', 'none'); e.setAttribute('fill-opacity', 0); }});
  f.cells.forEach(([k, a, p]) => {{ els[k].setAttribute('fill', D.colors[a]); els[k].setAttribute('fill-opacity', p); }});
  document.getElementById('lab').textContent = f.label; }}
const sl = document.getElementById('sl'); sl.oninput = () => show(+sl.value); show(0);
let timer = null; document.getElementById('play').onclick = () => {{ if (timer) {{ clearInterval(timer); timer = null; return; }}
  timer = setInterval(() => {{ sl.value = (+sl.value + 1) % D.frames.length; show(+sl.value); }}, 300); }};
</script></body></html>"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc, encoding="utf-8")
    return path


def write_control_outputs(result: ControlResult, out: Path, actors=None) -> dict[str, Path]:
    out = Path(out)
    actors = actors or result.actors[:3]
    coast = pd.concat([coastline_held(result, a) for a in actors], ignore_index=True) if result.coast_km else None
    paths = {"geojson_dir": out / "geojson"}
    write_geojson(result, out / "geojson", actors)
    states = result.states_frame(actors)
    states.to_csv(out / "control_states.csv", index=False)
    paths["states_csv"] = out / "control_states.csv"
    paths["png"] = small_multiples(result, out / "control_small_multiples.png", actors)
    paths["html"] = slider_html(result, out / "control.html", actors, coast)
    (out / "params.json").write_text(json.dumps({"params": result.params.to_dict(), "region": result.region,
                                                 "settlements": result.settlement_source,
                                                 "actors": actors}, indent=2), encoding="utf-8")
    paths["params"] = out / "params.json"
    return paths


def coast_chart(df: pd.DataFrame, path: Path, title: str = "") -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4))
    styles = ["-", "--", ":", "-."]
    for ai, (actor, g1) in enumerate(df.groupby("actor", sort=False)):
        color = PALETTE[ai % len(PALETTE)]
        for ri, (res, g) in enumerate(g1.groupby("resolution", sort=False)):
            x = pd.to_datetime(g.date)
            if ri == 0:
                ax.fill_between(x, g.km_low, g.km_high, color=color, alpha=0.18, lw=0,
                                label=f"{actor}: band p>={0.75:g} .. p>={0.25:g}")
            ax.plot(x, g.km, styles[ri % len(styles)], color=color, lw=1.6,
                    label=f"{actor}: GSHHG '{res}'")
    ax.set_ylabel("km of coastline held")
    ax.set_title(title or "Coastline held (geodesic length of GSHHG shoreline inside held areas)", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def store_tables(store, result: ControlResult, actors) -> dict[str, int]:
    """Write the control stage's tables (read by the web dashboard and the claim checker):

    * ``control_coast``: actor, date, region, resolution (the primary one), km, km_low, km_high,
      km_expected, dataset, and ``km_<res>`` for each other resolution: one row per actor and date.
    * ``control_areas``: actor, date, region, geojson (FeatureCollection text of the cells with
      p >= band[0], properties as in the GeoJSON files), n_held, coast_km.
    * ``control_states``: date, place_id, name, actor, probability, held, region.
    """
    region = ",".join(result.region)
    n = {}
    coast = pd.concat([coastline_held(result, a) for a in actors], ignore_index=True) if result.coast_km else None
    if coast is not None and len(coast):
        res0 = result.params.resolutions[0] if result.params.resolutions[0] in result.coast_km else \
            next(iter(result.coast_km))
        prim = coast[coast.resolution == res0].copy()
        for res in coast.resolution.unique():
            if res != res0:
                other = coast[coast.resolution == res].set_index(["actor", "date"]).km
                prim[f"km_{res}"] = [other.get((a, d)) for a, d in zip(prim.actor, prim.date)]
        prim["region"] = region
        store.write_frame("control_coast", prim, key_columns=["actor", "date", "region"])
        n["control_coast"] = len(prim)
    rows = []
    for a in actors:
        held = result.held(a)
        for t, d in enumerate(result.dates):
            fc = result.geojson(t, [a])
            rows.append({"actor": a, "date": d, "region": region, "geojson": json.dumps(fc, default=str),
                         "n_held": int(held[t].sum())})
    if rows:
        store.write_frame("control_areas", pd.DataFrame(rows), key_columns=["actor", "date", "region"])
        n["control_areas"] = len(rows)
    states = result.states_frame(list(actors)).assign(region=region)
    store.write_frame("control_states", states, key_columns=["date", "place_id", "actor", "region"])
    n["control_states"] = len(states)
    return n
