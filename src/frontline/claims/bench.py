"""Claims benchmark: annotated texts with known answers.

A benchmark folder holds ``<name>.txt`` articles with ``<name>.gold.json``::

    {"published": "2017-03-10",
     "claims": [{"anchor": "exact text of the claim", "type": "distance", "verdict": "supported"}, ...],
     "negatives": ["a sentence that must yield no claim", ...]}

and optionally ``store/control_coast.csv`` (control estimates) and ``store/events.csv`` (events),
loaded into an in-memory store the checks read. A gold claim is *found* when a claim of the same
type covers its anchor (the claim's quantity, or its sentence); *verdict right* when that claim's
verdict equals the gold verdict. Claims in negative sentences count as fabricated.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from frontline.records import Claim, Document, Event, Place

DEFAULT_DIR = Path(__file__).resolve().parents[3] / "bench" / "data" / "claims"


def _store_for(data_dir: Path):
    sdir = data_dir / "store"
    if not sdir.is_dir():
        return None
    from frontline.store import Store

    store = Store(":memory:")
    cc = sdir / "control_coast.csv"
    if cc.exists():
        store.write_frame("control_coast", pd.read_csv(cc))
    ev = sdir / "events.csv"
    if ev.exists():
        events = []
        for row in pd.read_csv(ev).to_dict("records"):
            lat, lon = row.get("latitude"), row.get("longitude")
            place = None
            if pd.notna(lat) and pd.notna(lon):
                place = Place(None, str(row.get("location")), float(lat), float(lon), row.get("country"))
            fat = row.get("fatalities")
            events.append(Event(
                event_id=str(row["event_id"]), doc_id="bench", sentence=0, char_start=0, char_end=0, quote="",
                event_date=str(row["event_date"]), time_precision=1, event_type=row["event_type"],
                sub_event_type=row["sub_event_type"], actor1=row["actor1"],
                actor2=row.get("actor2") if pd.notna(row.get("actor2")) else None, place=place,
                location=row.get("location"), fatalities_best=int(fat) if pd.notna(fat) else None,
                origin="acled"))
        store.add_events(events)
    return store


def _overlap(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def run_bench(data_dir: str | Path | None = None) -> dict:
    from frontline.claims import check_claims, extract_claims

    data_dir = Path(data_dir) if data_dir else DEFAULT_DIR
    store = _store_for(data_dir)
    rows, misses, wrong, fabricated, extra = [], [], [], [], []
    n_gold = n_found = n_right = n_neg = 0
    by_type: dict[str, dict[str, int]] = {}
    try:
        for gold_path in sorted(data_dir.glob("*.gold.json")):
            name = gold_path.name[: -len(".gold.json")]
            text = (data_dir / f"{name}.txt").read_text(encoding="utf-8")
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            doc = Document(doc_id=name, text=text, published=gold.get("published"))
            claims = check_claims(extract_claims(doc), {name: doc}, store)
            used: set[str] = set()
            for g in gold.get("claims", []):
                n_gold += 1
                t = by_type.setdefault(g["type"], {"gold": 0, "found": 0, "right": 0})
                t["gold"] += 1
                a0 = text.find(g["anchor"])
                if a0 < 0:
                    raise ValueError(f"{gold_path}: anchor not in text: {g['anchor']!r}")
                a1 = a0 + len(g["anchor"])
                match = _match(claims, used, g["type"], a0, a1)
                if match is None:
                    misses.append({"doc": name, "anchor": g["anchor"], "type": g["type"]})
                    rows.append({"doc": name, "anchor": g["anchor"], "type": g["type"], "found": False})
                    continue
                used.add(match.claim_id)
                n_found += 1
                t["found"] += 1
                ok = match.verdict == g["verdict"]
                n_right += ok
                t["right"] += ok
                if not ok:
                    wrong.append({"doc": name, "anchor": g["anchor"], "gold": g["verdict"], "got": match.verdict,
                                  "computed": match.computed_value, "evidence": match.evidence})
                rows.append({"doc": name, "anchor": g["anchor"], "type": g["type"], "found": True,
                             "verdict": match.verdict, "gold_verdict": g["verdict"],
                             "computed": match.computed_value, "unit": match.computed_unit})
            for neg in gold.get("negatives", []):
                n_neg += 1
                a0 = text.find(neg)
                a1 = a0 + len(neg)
                for c in claims:
                    if _overlap(c.char_start, c.char_end, a0, a1):
                        fabricated.append({"doc": name, "sentence": neg, "type": c.claim_type})
            extra += [{"doc": name, "type": c.claim_type, "quote": c.quote[:100]}
                      for c in claims if c.claim_id not in used]
    finally:
        if store is not None:
            store.close()
    return {
        "data": str(data_dir),
        "gold_claims": n_gold,
        "found": n_found,
        "found_pct": round(100.0 * n_found / n_gold, 1) if n_gold else 0.0,
        "verdicts_right": n_right,
        "verdict_pct": round(100.0 * n_right / n_found, 1) if n_found else 0.0,
        "negative_sentences": n_neg,
        "fabricated": len(fabricated),
        "extra_claims": len(extra),
        "by_type": by_type,
        "misses": misses,
        "wrong_verdicts": wrong,
        "fabricated_claims": fabricated,
        "extra": extra,
        "rows": rows,
    }


def _match(claims: list[Claim], used: set[str], kind: str, a0: int, a1: int) -> Claim | None:
    cands = [c for c in claims if c.claim_id not in used and c.claim_type == kind
             and _overlap(c.char_start, c.char_end, a0, a1)]
    if not cands:
        return None
    # prefer the claim whose quantity lies inside the anchor
    for c in cands:
        q = getattr(c, "_qspan", None)
        if q and _overlap(q[0], q[1], a0, a1):
            return c
    return cands[0]


def format_report(report: dict, verbose: bool = False) -> str:
    lines = [
        f"claims benchmark ({report['data']})",
        f"  claims found:   {report['found']}/{report['gold_claims']} = {report['found_pct']:.1f} %",
        f"  verdicts right: {report['verdicts_right']}/{report['found']} = {report['verdict_pct']:.1f} %",
        f"  fabricated (claims in {report['negative_sentences']} negative sentences): {report['fabricated']}",
        f"  claims beyond the annotations: {report['extra_claims']}",
        "  by type: " + ", ".join(f"{k} {v['found']}/{v['gold']} found, {v['right']} right"
                                  for k, v in sorted(report["by_type"].items())),
    ]
    if verbose or report["misses"] or report["wrong_verdicts"]:
        for m in report["misses"]:
            lines.append(f"  MISSED [{m['type']}] {m['doc']}: {m['anchor']}")
        for w in report["wrong_verdicts"]:
            lines.append(f"  WRONG {w['doc']}: {w['anchor']} -> {w['got']} (gold {w['gold']}); {w['evidence']}")
        for f in report["fabricated_claims"]:
            lines.append(f"  FABRICATED [{f['type']}] {f['doc']}: {f['sentence']}")
    if verbose:
        for e in report["extra"]:
            lines.append(f"  extra [{e['type']}] {e['doc']}: {e['quote']}")
    return "\n".join(lines)
