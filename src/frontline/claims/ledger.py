"""Write the claims ledger: claims.csv / claims.json for all documents and, per article,
``<doc>/claims.csv``, ``<doc>/claims.json`` and ``<doc>/claims.html`` (the article with every
claim highlighted, its verdict and evidence on hover and beside it). The HTML is self-contained:
inline CSS and JS, no http(s) resource.
"""
from __future__ import annotations

import csv
import html
import json
import re
from dataclasses import asdict
from pathlib import Path

from frontline.claims.check import unit_label
from frontline.claims.quantities import BOUND_WORDS
from frontline.records import Claim, Document

COLUMNS = ["claim_id", "doc_id", "sentence", "char_start", "char_end", "claim_type", "quote", "value", "value_high",
           "unit", "bound", "subjects", "refers_to_date", "is_prediction", "horizon", "asserted_by", "verdict",
           "computed_value", "computed_unit", "tolerance", "evidence"]


def claim_record(claim: Claim) -> dict:
    row = asdict(claim)
    return {k: row.get(k) for k in COLUMNS}


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:120] or "doc"


def _folder_name(doc: Document | None, doc_id: str, used: dict[str, str]) -> str:
    """Per-article folder: the source file's stem when known (readable), else the doc id."""
    src = doc.source_path if doc is not None else None
    name = _safe(Path(src).stem) if src and not str(src).endswith((".jsonl", ".ndjson")) else _safe(doc_id)
    if name in used and used[name] != doc_id:
        name = f"{name}_{_safe(doc_id)[:8]}"
    used[name] = doc_id
    return name


def _write_csv(path: Path, claims: list[Claim]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        for c in claims:
            row = claim_record(c)
            row["subjects"] = "; ".join(row["subjects"] or [])
            w.writerow(row)


def _write_json(path: Path, claims: list[Claim]) -> None:
    path.write_text(json.dumps([claim_record(c) for c in claims], indent=2, ensure_ascii=False, default=str),
                    encoding="utf-8")


def write_ledger(claims: list[Claim], documents: dict[str, Document] | list[Document], out_dir: str | Path) -> list[Path]:
    """Write the ledger files; returns the paths written."""
    if not isinstance(documents, dict):
        documents = {d.doc_id: d for d in documents}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    claims = sorted(claims, key=lambda c: (c.doc_id, c.char_start, c.claim_id))
    _write_csv(out / "claims.csv", claims)
    _write_json(out / "claims.json", claims)
    written += [out / "claims.csv", out / "claims.json"]
    by_doc: dict[str, list[Claim]] = {}
    for c in claims:
        by_doc.setdefault(c.doc_id, []).append(c)
    index_rows = []
    folders: dict[str, str] = {}
    for doc_id in sorted(set(by_doc) | set(documents)):
        doc_claims = by_doc.get(doc_id, [])
        folder = _folder_name(documents.get(doc_id), doc_id, folders)
        d = out / folder
        d.mkdir(parents=True, exist_ok=True)
        _write_csv(d / "claims.csv", doc_claims)
        _write_json(d / "claims.json", doc_claims)
        written += [d / "claims.csv", d / "claims.json"]
        doc = documents.get(doc_id)
        if doc is not None:
            (d / "claims.html").write_text(render_html(doc, doc_claims), encoding="utf-8")
            written.append(d / "claims.html")
        index_rows.append((folder, doc.title if doc else None, doc_claims))
    (out / "index.html").write_text(_render_index(index_rows), encoding="utf-8")
    written.append(out / "index.html")
    return written


_CSS = """
body{font-family:Georgia,serif;margin:0;background:#fafaf7;color:#222}
header{padding:12px 20px;background:#263238;color:#fff;font-family:sans-serif}
header h1{font-size:18px;margin:0}
header .legend span{display:inline-block;margin-right:12px;font-size:13px}
.wrap{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:20px;padding:16px 20px}
article{white-space:pre-wrap;line-height:1.6;font-size:16px;background:#fff;padding:16px;border:1px solid #ddd}
mark{padding:1px 0;border-bottom:2px solid;cursor:pointer;position:relative}
mark .q{font-weight:bold}
.v-supported{background:#d9f2d9;border-color:#2e7d32}
.v-contradicted{background:#f9d6d5;border-color:#c62828}
.v-not-checkable{background:#eceff1;border-color:#78909c}
.v-pending{background:#fff3cd;border-color:#f9a825}
mark .tip{display:none;position:absolute;left:0;top:1.6em;z-index:10;width:28em;background:#263238;color:#fff;
 font:13px/1.4 sans-serif;padding:8px;border-radius:4px;white-space:normal}
mark:hover .tip{display:block}
sup{font:11px sans-serif;color:#555}
aside{font-family:sans-serif;font-size:13px;position:sticky;top:0;max-height:100vh;overflow:auto;align-self:start}
aside .claim{border:1px solid #ddd;border-left:5px solid;background:#fff;margin-bottom:8px;padding:6px 8px}
aside .claim.sel{outline:2px solid #1565c0}
aside .claim .h{font-weight:bold}
aside .claim .e{color:#444}
.b-supported{border-left-color:#2e7d32!important}.b-contradicted{border-left-color:#c62828!important}
.b-not-checkable{border-left-color:#78909c!important}.b-pending{border-left-color:#f9a825!important}
table{border-collapse:collapse;font:13px sans-serif}td,th{border:1px solid #ccc;padding:4px 8px}
"""

_JS = """
document.querySelectorAll('mark[data-ids]').forEach(function(m){
  m.addEventListener('click',function(){
    document.querySelectorAll('aside .claim').forEach(function(c){c.classList.remove('sel')});
    m.dataset.ids.split(' ').forEach(function(id){
      var el=document.getElementById('side-'+id); if(el){el.classList.add('sel'); el.scrollIntoView({block:'nearest'});}
    });
  });
});
"""


def _vclass(verdict: str) -> str:
    return verdict.replace(" ", "-")


def _describe(c: Claim) -> str:
    parts = [c.claim_type]
    if c.value is not None:
        b = BOUND_WORDS.get(c.bound or "exact", c.bound or "")
        high = f"-{c.value_high:,.0f}" if c.value_high else ""
        parts.append(f"stated: {b + ' ' if b and b != 'between' else ''}{c.value:,.0f}{high} {unit_label(c.unit)}".strip())
    if c.computed_value is not None:
        parts.append(f"computed: {c.computed_value:,.1f} {unit_label(c.computed_unit)}")
    if c.is_prediction:
        parts.append("prediction" + (f" (horizon {c.horizon})" if c.horizon else ""))
    if c.asserted_by and c.asserted_by != "author":
        parts.append(f"asserted by {c.asserted_by}")
    return "; ".join(parts)


def render_html(doc: Document, claims: list[Claim]) -> str:
    text = doc.text
    groups: dict[tuple[int, int], list[tuple[int, Claim]]] = {}
    for n, c in enumerate(claims, 1):
        groups.setdefault((c.char_start, c.char_end), []).append((n, c))
    spans = sorted(groups)
    pieces, pos = [], 0
    for a, b in spans:
        if a < pos:  # overlapping spans: skip highlighting the later one (still listed beside)
            continue
        pieces.append(html.escape(text[pos:a]))
        group = groups[(a, b)]
        worst = _worst([c.verdict for _, c in group])
        tip = "<br>".join(f"[{n}] <b>{html.escape(c.verdict)}</b> - {html.escape(_describe(c))}"
                          + (f"<br>{html.escape(c.evidence or '')}" if c.evidence else "") for n, c in group)
        # emphasise the quantity inside the sentence
        inner = html.escape(text[a:b])
        qs = [getattr(c, "_qspan", None) for _, c in group]
        qs = sorted({q for q in qs if q and a <= q[0] < q[1] <= b})
        if qs:
            chunks, p = [], a
            for qa, qb in qs:
                if qa < p:
                    continue
                chunks.append(html.escape(text[p:qa]))
                chunks.append(f'<span class="q">{html.escape(text[qa:qb])}</span>')
                p = qb
            chunks.append(html.escape(text[p:b]))
            inner = "".join(chunks)
        ids = " ".join(str(n) for n, _ in group)
        pieces.append(f'<mark class="v-{_vclass(worst)}" data-ids="{ids}">{inner}'
                      f'<span class="tip">{tip}</span></mark><sup>[{",".join(str(n) for n, _ in group)}]</sup>')
        pos = b
    pieces.append(html.escape(text[pos:]))
    side = []
    for n, c in enumerate(claims, 1):
        side.append(
            f'<div class="claim b-{_vclass(c.verdict)}" id="side-{n}"><div class="h">[{n}] {html.escape(c.verdict)}'
            f' - {html.escape(_describe(c))}</div><div>&ldquo;{html.escape(c.quote[:300])}&rdquo;</div>'
            + (f'<div class="e">Tolerance: {html.escape(c.tolerance)}</div>' if c.tolerance else "")
            + (f'<div class="e">Evidence: {html.escape(c.evidence)}</div>' if c.evidence else "")
            + "</div>")
    counts = {}
    for c in claims:
        counts[c.verdict] = counts.get(c.verdict, 0) + 1
    summary = ", ".join(f"{v}: {n}" for v, n in sorted(counts.items()))
    title = html.escape(doc.title or doc.doc_id)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Claims: {title}</title>'
            f"<style>{_CSS}</style></head><body><header><h1>Claims ledger: {title}</h1>"
            f'<div>{html.escape(doc.published or "date unknown")} &middot; {len(claims)} claims ({html.escape(summary)})</div>'
            '<div class="legend"><span class="v-supported">supported</span><span class="v-contradicted">contradicted</span>'
            '<span class="v-not-checkable">not checkable</span><span class="v-pending">pending</span></div></header>'
            f'<div class="wrap"><article>{"".join(pieces)}</article><aside>{"".join(side)}</aside></div>'
            f"<script>{_JS}</script></body></html>")


def _worst(verdicts: list[str]) -> str:
    for v in ("contradicted", "pending", "supported", "not checkable"):
        if v in verdicts:
            return v
    return verdicts[0] if verdicts else "not checkable"


def _render_index(rows) -> str:
    body = "".join(
        f'<tr><td><a href="{html.escape(folder)}/claims.html">{html.escape(title or folder)}</a></td><td>{len(cs)}</td>'
        + "".join(f"<td>{sum(1 for c in cs if c.verdict == v)}</td>"
                  for v in ("supported", "contradicted", "not checkable", "pending")) + "</tr>"
        for folder, title, cs in rows)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Claims ledger</title>'
            f"<style>{_CSS}</style></head><body><header><h1>Claims ledger</h1></header><div style='padding:16px'>"
            "<table><tr><th>article</th><th>claims</th><th>supported</th><th>contradicted</th><th>not checkable</th>"
            f"<th>pending</th></tr>{body}</table></div></body></html>")
