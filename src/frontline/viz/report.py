"""report.md: what a run found, what it could not place, and what it could not read."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from frontline.records import IngestError


def _table(series: pd.Series, header: tuple[str, str], limit: int = 25) -> list[str]:
    lines = [f"| {header[0]} | {header[1]} |", "|---|---:|"]
    for key, count in series.head(limit).items():
        lines.append(f"| {key} | {count} |")
    if len(series) > limit:
        lines.append(f"| … {len(series) - limit} more | |")
    return lines


def write_report(path: str | Path, *, documents: pd.DataFrame, events: pd.DataFrame, claims: pd.DataFrame,
                 unresolved: pd.DataFrame, errors: list[IngestError], seconds: float | None = None) -> Path:
    """Counts by actor, place and type; unresolved place names; unreadable documents with reasons."""
    path = Path(path)
    lines = ["# frontline run report", ""]
    lines.append(f"- documents read: {len(documents)}")
    lines.append(f"- documents that could not be read: {len(errors)}")
    lines.append(f"- events: {len(events)} (with coordinates: {int(events['latitude'].notna().sum()) if len(events) else 0})")
    lines.append(f"- claims (statements that are not events): {len(claims)}")
    if seconds is not None and len(documents):
        lines.append(f"- processing time: {seconds:.2f} s ({len(documents) / max(seconds, 1e-9):.1f} documents/s)")
    lines.append("")
    if len(events):
        lines += ["## Events by actor", ""]
        lines += _table(events["actor1"].fillna("(actor not named)").value_counts(), ("actor", "events")) + [""]
        lines += ["## Events by place", ""]
        places = events["location"].fillna("(no place)") + " (" + events["country"].fillna("?") + ")"
        lines += _table(places.value_counts(), ("place", "events")) + [""]
        lines += ["## Events by type", ""]
        types = events["event_type"] + " / " + events["sub_event_type"]
        lines += _table(types.value_counts(), ("event type / sub-event type", "events")) + [""]
        lines += ["## Events by certainty", ""]
        lines += _table(events["certainty"].value_counts(), ("certainty", "events")) + [""]
    if len(claims):
        lines += ["## Claims by type and verdict", ""]
        lines += _table((claims["claim_type"] + " / " + claims["verdict"].fillna("pending")).value_counts(),
                        ("claim type / verdict", "claims")) + [""]
    lines += ["## Place names that could not be resolved", ""]
    if len(unresolved):
        counts = unresolved.groupby("mention").agg(n=("doc_id", "size"), docs=("doc_id", lambda s: ", ".join(sorted(set(s))[:3])))
        lines += ["| name | mentions | documents |", "|---|---:|---|"]
        for mention, row in counts.sort_values("n", ascending=False).head(50).iterrows():
            lines.append(f"| {mention} | {row.n} | {row.docs} |")
    else:
        lines.append("None.")
    lines += ["", "## Documents that could not be read", ""]
    if errors:
        lines += [f"- `{e.source}`: {e.reason}" for e in errors]
    else:
        lines.append("None.")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
