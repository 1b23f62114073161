/* frontline dashboard: a canvas map (Web Mercator, GSHHG land from /api/land), a time slider,
   filters, a side panel and the claims ledger. No library, no remote resource. */
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const DAY0 = Date.UTC(1970, 0, 1);
  const dayStr = (d) => new Date(DAY0 + d * 86400000).toISOString().slice(0, 10);
  const strDay = (s) => Math.round((Date.parse(s + "T00:00:00Z") - DAY0) / 86400000);
  const NODAY = -2147483648;
  const CELL = 36;            // clustering grid, CSS px
  const FL = (window.FL = { ready: false, firstPaintMs: null, lastStepMs: null, steps: [], markers: [],
                            errors: [] });

  // -- state ------------------------------------------------------------------------------------------
  let meta = null, colours = {}, pts = null, visible = 0;
  let view = { cx: 0, cy: 0, k: 100 };    // centre in mercator radians, pixels per radian
  let land = { coarse: null, detail: null, key: "" };
  let control = { dates: [], cache: new Map(), shown: null, features: [] };
  let coast = null;
  let dpr = window.devicePixelRatio || 1, W = 0, H = 0;
  let playTimer = null;
  const base = $("base"), overlay = $("points");
  const bctx = base.getContext("2d"), pctx = overlay.getContext("2d");

  const status = (msg, ok) => { const s = $("status"); s.textContent = msg || ""; s.className = ok ? "ok" : ""; };
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const kid of kids) if (kid !== null && kid !== undefined) e.append(kid);
    return e;
  };

  async function api(path, params) {
    const url = new URL(path, location.origin);
    if (params) for (const [k, v] of params) url.searchParams.append(k, v);
    const r = await fetch(url);
    const body = await r.json().catch(() => ({ error: r.statusText }));
    if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
    return body;
  }

  // -- projection -------------------------------------------------------------------------------------
  const RAD = Math.PI / 180;
  const mx = (lon) => lon * RAD;
  const my = (lat) => { const l = Math.max(-85, Math.min(85, lat)); return Math.log(Math.tan(Math.PI / 4 + l * RAD / 2)); };
  const lonOf = (x) => x / RAD;
  const latOf = (y) => (2 * Math.atan(Math.exp(y)) - Math.PI / 2) / RAD;
  const sx = (x) => (x - view.cx) * view.k + W / 2;
  const sy = (y) => H / 2 - (y - view.cy) * view.k;
  function viewBBox() {
    const x0 = view.cx - W / 2 / view.k, x1 = view.cx + W / 2 / view.k;
    const y0 = view.cy - H / 2 / view.k, y1 = view.cy + H / 2 / view.k;
    return [Math.max(-180, lonOf(x0)), Math.max(-85, latOf(y0)), Math.min(180, lonOf(x1)), Math.min(85, latOf(y1))];
  }
  function fit(ext) {
    const [w, s, e, n] = ext;
    const x0 = mx(w), x1 = mx(e), y0 = my(s), y1 = my(n);
    view.cx = (x0 + x1) / 2; view.cy = (y0 + y1) / 2;
    view.k = Math.min(W / Math.max(1e-6, x1 - x0), H / Math.max(1e-6, y1 - y0)) * 0.95;
  }

  function resize() {
    const r = $("mapbox").getBoundingClientRect();
    dpr = window.devicePixelRatio || 1; W = Math.max(10, r.width); H = Math.max(10, r.height);
    for (const c of [base, overlay]) { c.width = Math.round(W * dpr); c.height = Math.round(H * dpr); }
  }

  // -- basemap and control areas (base canvas) ------------------------------------------------------------
  function ringsPath(rings) {
    const p = new Path2D();
    for (const r of rings) {
      if (r.length < 6) continue;
      p.moveTo(mx(r[0]), my(r[1]));
      for (let i = 2; i < r.length; i += 2) p.lineTo(mx(r[i]), my(r[i + 1]));
      p.closePath();
    }
    return p;
  }
  async function loadLand() {
    const bb = viewBBox(), span = Math.max(bb[2] - bb[0], bb[3] - bb[1]);
    const res = span > 40 ? null : span > 8 ? "l" : "i";
    const coarse = land.coarse ? null : api("/api/land", [["resolution", "c"]]).then((d) => { land.coarse = ringsPath(d.rings); });
    if (!res) { await coarse; if (land.detail) { land.detail = null; land.key = ""; drawBase(); } return; }
    const pad = span * 0.5;
    const box = [Math.max(-180, bb[0] - pad), Math.max(-90, bb[1] - pad), Math.min(180, bb[2] + pad), Math.min(90, bb[3] + pad)]
      .map((v) => Math.round(v * 10) / 10);
    if (land.detail && land.res === res && land.box[0] <= bb[0] && land.box[1] <= bb[1] && land.box[2] >= bb[2] && land.box[3] >= bb[3]) return;
    const key = res + box.join(",");
    if (key === land.key) { await coarse; return; }
    land.key = key;
    const [d] = await Promise.all([api("/api/land", [["resolution", res], ["bbox", box.join(",")]]), coarse]);
    if (land.key !== key) return;
    land.detail = ringsPath(d.rings); land.res = res; land.box = box;
    drawBase();
  }
  let tileCache = new Map();
  function drawTiles() {
    if (!meta || !meta.tiles_url) return;
    const z = Math.max(0, Math.min(18, Math.round(Math.log2(view.k * 2 * Math.PI / 256))));
    const n = 2 ** z, size = 2 * Math.PI / n * view.k;
    const bb = viewBBox();
    const tx0 = Math.floor((mx(bb[0]) + Math.PI) / (2 * Math.PI) * n), tx1 = Math.floor((mx(bb[2]) + Math.PI) / (2 * Math.PI) * n);
    const ty0 = Math.floor((Math.PI - my(bb[3])) / (2 * Math.PI) * n), ty1 = Math.floor((Math.PI - my(bb[1])) / (2 * Math.PI) * n);
    for (let tx = Math.max(0, tx0); tx <= Math.min(n - 1, tx1); tx++) for (let ty = Math.max(0, ty0); ty <= Math.min(n - 1, ty1); ty++) {
      const url = meta.tiles_url.replace("{z}", z).replace("{x}", tx).replace("{y}", ty);
      let img = tileCache.get(url);
      if (!img) { img = new Image(); img.onload = () => drawBase(); img.src = url; tileCache.set(url, img); }
      if (img.complete && img.naturalWidth) bctx.drawImage(img, sx(tx / n * 2 * Math.PI - Math.PI), sy(Math.PI - ty / n * 2 * Math.PI), size, size);
    }
  }
  function drawBase() {
    bctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    bctx.clearRect(0, 0, W, H);
    drawTiles();
    const p = land.detail || land.coarse;
    bctx.save();
    bctx.setTransform(dpr * view.k, 0, 0, -dpr * view.k, dpr * (W / 2 - view.cx * view.k), dpr * (H / 2 + view.cy * view.k));
    if (p && !(meta && meta.tiles_url)) {
      bctx.fillStyle = "#f3efe4"; bctx.strokeStyle = "#8a8a8a"; bctx.lineWidth = 0.7 / view.k;
      bctx.fill(p, "nonzero"); bctx.stroke(p);
    }
    for (const f of control.features) {
      const c = colours[f.properties.actor] || "#555";
      bctx.fillStyle = c + "44"; bctx.strokeStyle = c; bctx.lineWidth = 1.2 / view.k;
      const g = f.geometry, polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      const path = new Path2D();
      for (const poly of polys) for (const ring of poly) {
        ring.forEach(([lon, lat], i) => (i ? path.lineTo(mx(lon), my(lat)) : path.moveTo(mx(lon), my(lat))));
        path.closePath();
      }
      bctx.fill(path, "evenodd"); bctx.stroke(path);
    }
    bctx.restore();
  }

  // -- events (points canvas) -------------------------------------------------------------------------
  function setPoints(d) {
    const n = d.n;
    pts = { n, id: d.id, x: new Float64Array(n), y: new Float64Array(n), day: new Int32Array(n),
            actor: Int32Array.from(d.actor), fat: Float32Array.from(d.fatalities), actors: d.actors,
            type: Int32Array.from(d.type), types: d.types, cert: Int32Array.from(d.certainty), certs: d.certaintys };
    for (let i = 0; i < n; i++) {
      pts.x[i] = mx(d.lon[i]); pts.y[i] = my(d.lat[i]); pts.day[i] = d.day[i] === null ? NODAY : d.day[i];
    }
  }
  function pointsExtent() {
    // the events now loaded (after filters), padded; null when there are none
    if (!pts || !pts.n) return null;
    let w = Infinity, e = -Infinity, so = Infinity, n = -Infinity;
    for (let i = 0; i < pts.n; i++) {
      const lon = lonOf(pts.x[i]), lat = latOf(pts.y[i]);
      if (lon < w) w = lon; if (lon > e) e = lon; if (lat < so) so = lat; if (lat > n) n = lat;
    }
    const pad = Math.max(1, 0.08 * Math.max(e - w, n - so));
    return [Math.max(-180, w - pad), Math.max(-85, so - pad), Math.min(180, e + pad), Math.min(85, n + pad)];
  }
  function windowRange() {
    const s = $("slider"), d = +s.value, w = +$("window").value;
    return [w ? d - w + 1 : -Infinity, d];
  }
  function drawPoints() {
    const t0 = performance.now();
    pctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    pctx.clearRect(0, 0, W, H);
    FL.markers = [];
    if (!pts) return;
    const [lo, hi] = windowRange(), cumulative = lo === -Infinity;
    const bins = new Map();
    const cols = Math.ceil(W / CELL) + 2;
    let count = 0;
    const { x, y, day, n } = pts;
    for (let i = 0; i < n; i++) {
      const d = day[i];
      if (d === NODAY ? !cumulative : (d < lo || d > hi)) continue;
      const px = (x[i] - view.cx) * view.k + W / 2, py = H / 2 - (y[i] - view.cy) * view.k;
      if (px < -20 || py < -20 || px > W + 20 || py > H + 20) continue;
      count++;
      const key = Math.floor((py + 20) / CELL) * cols + Math.floor((px + 20) / CELL);
      let b = bins.get(key);
      if (b === undefined) { bins.set(key, (b = { i, n: 0, sx: 0, sy: 0, fat: 0, ids: null, acts: null })); }
      else if (b.ids === null) { b.ids = [b.i]; b.acts = new Map([[pts.actor[b.i], 1]]); }
      b.n++; b.sx += px; b.sy += py; b.fat += pts.fat[i];
      if (b.ids !== null && b.n > 1) { b.ids.push(i); const a = pts.actor[i]; b.acts.set(a, (b.acts.get(a) || 0) + 1); }
    }
    visible = count;
    const singles = [], clusters = [];
    for (const b of bins.values()) (b.n === 1 ? singles : clusters).push(b);
    pctx.lineWidth = 1; pctx.strokeStyle = "#222";
    for (const b of singles) {
      const i = b.i, r = Math.min(18, 5 + 1.5 * Math.sqrt(pts.fat[i]));
      const px = b.sx, py = b.sy;
      pctx.beginPath(); pctx.arc(px, py, r, 0, 2 * Math.PI);
      pctx.fillStyle = colours[pts.actors[pts.actor[i]]] || "#777"; pctx.fill(); pctx.stroke();
      FL.markers.push({ x: px, y: py, r, n: 1, ids: [pts.id[i]] });
    }
    pctx.font = "bold 11px system-ui, sans-serif"; pctx.textAlign = "center"; pctx.textBaseline = "middle";
    for (const b of clusters) {
      const px = b.sx / b.n, py = b.sy / b.n, r = Math.min(CELL / 2 - 1, 9 + 2 * Math.log2(b.n));
      let top = -1, topN = -1;
      for (const [a, c] of b.acts) if (c > topN) { top = a; topN = c; }
      pctx.beginPath(); pctx.arc(px, py, r, 0, 2 * Math.PI);
      pctx.fillStyle = (colours[pts.actors[top]] || "#777") + "cc"; pctx.fill();
      pctx.lineWidth = 2; pctx.strokeStyle = "#fff"; pctx.stroke();
      pctx.fillStyle = "#000"; pctx.fillText(String(b.n), px, py);
      FL.markers.push({ x: px, y: py, r, n: b.n, idx: b.ids });
    }
    const dt = performance.now() - t0;
    FL.lastStepMs = dt;
    const unplaced = meta && meta.counts.events - meta.counts.located;
    $("shown").textContent = `${count.toLocaleString()} of ${pts.n.toLocaleString()} located events shown` +
      (unplaced ? ` (${unplaced.toLocaleString()} in the store have no coordinates)` : "");
    $("slider-date").textContent = dayStr(+$("slider").value);
    overlay.dataset.markers = String(FL.markers.length);
    overlay.dataset.shown = String(count);
  }
  function redraw() { drawBase(); drawPoints(); }

  // -- slider, control areas, coast chart -------------------------------------------------------------------
  function onSlider() {
    const t0 = performance.now();
    drawPoints();
    updateControl();
    markCoast();
    FL.steps.push(performance.now() - t0);
  }
  function updateControl() {
    if (!control.dates.length) return;
    const day = dayStr(+$("slider").value);
    let chosen = null;
    for (const d of control.dates) if (d <= day) chosen = d;
    if (chosen === control.shown) return;
    control.shown = chosen;
    if (!chosen) { control.features = []; drawBase(); return; }
    const cached = control.cache.get(chosen);
    if (cached) { control.features = cached; drawBase(); return; }
    api("/api/control/areas", [["date", chosen]]).then((d) => {
      control.cache.set(chosen, d.features);
      if (control.shown === chosen) { control.features = d.features; drawBase(); }
    }).catch((e) => status("control areas: " + e.message));
  }
  async function loadControl() {
    if (meta.control.areas) {
      const d = await api("/api/control/areas");
      control.dates = d.dates || [];
      control.shown = undefined;
      updateControl();
    }
    if (meta.control.coast) {
      const d = await api("/api/control/coast");
      coast = d.rows;
      $("coast").hidden = !coast.length;
      drawCoast();
    }
  }
  function drawCoast() {
    const svg = $("coast-svg");
    svg.replaceChildren();
    if (!coast || !coast.length) return;
    const w = svg.clientWidth || 800, h = 110, m = { l: 44, r: 8, t: 8, b: 18 };
    const days = coast.map((r) => strDay(r.date)), kms = coast.map((r) => r.km_high ?? r.km);
    const d0 = Math.min(...days, +$("slider").min), d1 = Math.max(...days, +$("slider").max), kmax = Math.max(1, ...kms);
    const X = (d) => m.l + (d - d0) / Math.max(1, d1 - d0) * (w - m.l - m.r), Y = (v) => h - m.b - v / kmax * (h - m.t - m.b);
    const NS = "http://www.w3.org/2000/svg";
    const add = (tag, attrs, text) => { const e = document.createElementNS(NS, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); if (text) e.textContent = text; svg.append(e); return e; };
    add("line", { x1: m.l, x2: w - m.r, y1: h - m.b, y2: h - m.b, stroke: "#999" });
    add("text", { x: 2, y: m.t + 8 }, `${Math.round(kmax)} km`);
    add("text", { x: 2, y: h - m.b }, "0");
    add("text", { x: m.l, y: h - 4 }, dayStr(d0));
    add("text", { x: w - m.r - 60, y: h - 4 }, dayStr(d1));
    const byActor = new Map();
    const regions = new Set(coast.map((r) => r.region || ""));
    coast.forEach((r, i) => {
      const key = regions.size > 1 ? `${r.actor} (${r.region})` : r.actor;
      if (!byActor.has(key)) byActor.set(key, { actor: r.actor, rows: [] });
      byActor.get(key).rows.push([days[i], r.km, r.km_low, r.km_high]);
    });
    let ly = m.t + 8;
    for (const [name, { actor, rows }] of byActor) {
      rows.sort((a, b) => a[0] - b[0]);
      const c = colours[actor] || "#444";
      if (rows.every((r) => r[2] != null && r[3] != null)) {
        const band = rows.map((r) => `${X(r[0])},${Y(r[3])}`).concat(rows.slice().reverse().map((r) => `${X(r[0])},${Y(r[2])}`));
        add("polygon", { points: band.join(" "), fill: c, "fill-opacity": 0.15, stroke: "none" });
      }
      add("polyline", { points: rows.map((r) => `${X(r[0])},${Y(r[1])}`).join(" "), fill: "none", stroke: c, "stroke-width": 2 });
      add("text", { x: w - m.r - 260, y: ly, fill: c }, `${name}: km of coastline held`); ly += 12;
    }
    const mark = add("line", { id: "coast-mark", y1: m.t, y2: h - m.b, stroke: "#000", "stroke-dasharray": "3,2" });
    const lab = add("text", { id: "coast-mark-label", y: h - m.b - 5 }, "");
    FL.coastX = X; FL.coastLabel = lab; FL.coastMark = mark;
    markCoast();
  }
  function markCoast() {
    if (!coast || !FL.coastMark) return;
    const d = +$("slider").value, x = FL.coastX(d);
    FL.coastMark.setAttribute("x1", x); FL.coastMark.setAttribute("x2", x);
    let best = null;
    const day = dayStr(d);
    for (const r of coast) if (r.date <= day && (!best || r.date >= best.date)) best = r;
    const w = $("coast-svg").clientWidth || 800;
    FL.coastLabel.setAttribute("x", x > w - 230 ? x - 4 : x + 4);
    FL.coastLabel.setAttribute("text-anchor", x > w - 230 ? "end" : "start");
    FL.coastLabel.textContent = best ? `${Math.round(best.km)} km (${best.actor}, ${best.date})` : "";
  }

  // -- side panel ---------------------------------------------------------------------------------------
  const panel = () => $("panel-body");
  function highlighted(text, spans) {
    // spans: [{start, end, cls, title, id}] -- non-overlapping, sorted; text is never parsed as HTML
    const box = el("div", { class: "doctext" });
    let pos = 0;
    for (const s of spans) {
      if (s.start == null || s.end == null || s.start < pos || s.end > text.length || s.end <= s.start) continue;
      box.append(text.slice(pos, s.start));
      const m = el("mark", { class: s.cls, title: s.title || "" }, text.slice(s.start, s.end));
      if (s.id) m.id = s.id;
      box.append(m);
      pos = s.end;
    }
    box.append(text.slice(pos));
    return box;
  }
  function dl(rows) {
    const d = el("dl");
    for (const [k, v] of rows) if (v !== null && v !== undefined && v !== "") d.append(el("dt", { text: k }), el("dd", {}, v));
    return d;
  }
  async function showEvent(id) {
    let d;
    try { d = await api("/api/events/" + encodeURIComponent(id)); } catch (e) { status(e.message); return; }
    const e = d.event, doc = d.document;
    const cert = el("span", { class: "badge " + (e.certainty || ""), text: e.certainty || "?" });
    const body = [el("h2", { text: `${e.event_date || "undated"} · ${e.event_type || ""}${e.sub_event_type ? " / " + e.sub_event_type : ""}` }),
      dl([["actor", `${e.actor1 || "(not named)"}${e.actor2 ? " → " + e.actor2 : ""}`],
          ["place", `${e.location || "?"}${e.country ? " (" + e.country + ")" : ""}${e.latitude != null ? ` ${e.latitude.toFixed(3)}, ${e.longitude.toFixed(3)}` : ""}`],
          ["certainty", cert], ["source", e.source || "(none given)"], ["attributed to", e.attributed_to || "(not attributed)"],
          ["fatalities", e.fatalities != null ? String(e.fatalities) + (e.fatalities_low != null && e.fatalities_high != null ? ` (${e.fatalities_low}–${e.fatalities_high})` : "") : null],
          ["modality", e.modality], ["origin", e.origin], ["event id", e.event_id]])];
    const q = el("blockquote", { class: "quote-text", text: e.quote ? `“${e.quote}”` : "(no quote)" });
    body.push(q);
    if (doc) {
      body.push(el("h3", { text: `Document: ${doc.title || doc.doc_id}` }),
        dl([["outlet", doc.outlet], ["published", doc.published], ["url", doc.url], ["doc id", doc.doc_id]]));
      body.push(highlighted(doc.text || "", [{ start: e.char_start, end: e.char_end, cls: "quote", id: "quote-mark", title: "the event's quote" }]));
    }
    if (d.places && d.places.length) {
      body.push(el("h3", { text: "Geoparse: places considered" }));
      for (const p of d.places) {
        const ul = el("ul", { class: "cands" });
        for (const c of p.candidates || []) {
          const chosen = c.geonameid === p.geonameid;
          ul.append(el("li", { class: chosen ? "chosen" : "" },
            `${chosen ? "✔ " : ""}${c.name} (${c.country || "?"}, ${c.feature_code || ""}${c.population ? ", pop " + c.population.toLocaleString() : ""}) ${(+c.lat).toFixed(2)}, ${(+c.lon).toFixed(2)}`));
        }
        body.push(el("div", { class: "mention" }, el("b", { text: `“${p.mention}”` }),
          ` → ${p.name ? p.name + " (" + (p.country || "?") + ")" : "not resolved"}${p.score != null ? " · score " + (+p.score).toFixed(2) : ""}`), ul);
      }
    }
    if (d.siblings && d.siblings.length) {
      body.push(el("h3", { text: `Other events from this document (${d.siblings.length})` }));
      const ul = el("ul", { class: "events" });
      for (const s of d.siblings) ul.append(el("li", {}, el("button", { class: "link sibling", type: "button", "data-id": s.event_id,
        onclick: () => showEvent(s.event_id), text: `${s.event_date || "?"} ${s.event_type || ""} – ${s.actor1 || "?"} at ${s.location || "?"}` })));
      body.push(ul);
    }
    if (doc) body.push(el("p", {}, el("button", { id: "open-ledger", type: "button", onclick: () => showLedger(doc.doc_id),
      text: `Claims ledger for this document (${d.claims || 0})` })));
    panel().replaceChildren(...body); $("panel").scrollTop = 0;
    const m = $("quote-mark");
    if (m) m.parentElement.scrollTop = Math.max(0, m.offsetTop - m.parentElement.offsetTop - 60);
    FL.selected = id;
    history.replaceState(null, "", "#event=" + encodeURIComponent(id));   // a link to this event
  }
  async function showLedger(docId) {
    let d;
    try { d = await api("/api/documents/" + encodeURIComponent(docId)); } catch (e) { status(e.message); return; }
    const doc = d.document, claims = d.claims.slice().sort((a, b) => a.char_start - b.char_start);
    const spans = [];
    let end = -1;
    for (const c of claims) if (c.char_start >= end) { spans.push({ start: c.char_start, end: c.char_end, cls: "claim " + (c.verdict || "").replace(/\s+/g, "-"), title: `${c.claim_type}: ${c.verdict}${c.evidence ? " – " + c.evidence : ""}` }); end = c.char_end; }
    const table = el("table", { class: "claims" }, el("tr", {}, el("th", { text: "claim" }), el("th", { text: "type" }), el("th", { text: "verdict" }), el("th", { text: "evidence" })));
    for (const c of claims) {
      const val = c.value != null ? ` [${c.value}${c.value_high != null ? "–" + c.value_high : ""} ${c.unit || ""}]` : "";
      table.append(el("tr", { class: "claim-row" }, el("td", { text: (c.quote || "") + val }), el("td", { text: c.claim_type || "" }),
        el("td", {}, el("span", { class: "badge " + (c.verdict || "").replace(/\s+/g, "-"), text: c.verdict || "" })), el("td", { text: c.evidence || "" })));
    }
    $("panel").scrollTop = 0;
    panel().replaceChildren(el("h2", { text: `Claims ledger: ${doc.title || doc.doc_id}` }),
      el("p", { class: "muted", text: `${claims.length} claims; highlighted in the text, verdict on hover.` }),
      highlighted(doc.text || "", spans), table,
      d.events.length ? el("h3", { text: "Events from this document" }) : null,
      el("ul", { class: "events" }, ...d.events.map((s) => el("li", {}, el("button", { class: "link", type: "button", onclick: () => showEvent(s.event_id), text: `${s.event_date || "?"} ${s.event_type || ""} – ${s.actor1 || "?"} at ${s.location || "?"}` })))));
  }
  function showCluster(m) {
    $("panel").scrollTop = 0;
    const items = m.idx.slice(0, 200);
    const ul = el("ul", { class: "events" });
    for (const i of items) ul.append(el("li", {}, el("button", { class: "link cluster-item", type: "button", onclick: () => showEvent(pts.id[i]),
      text: `${pts.day[i] === NODAY ? "undated" : dayStr(pts.day[i])} ${pts.types[pts.type[i]] || ""} – ${pts.actors[pts.actor[i]]}` })));
    panel().replaceChildren(el("h2", { text: `${m.n} events here` }),
      el("p", {}, el("button", { type: "button", onclick: () => zoomAt(m.x, m.y, 4), text: "Zoom in here" })),
      ul, m.n > items.length ? el("p", { class: "muted", text: `first ${items.length} shown` }) : null);
  }

  // -- interaction -------------------------------------------------------------------------------------
  function hit(px, py) {
    let best = null, bestD = Infinity;   // the nearest centre among the markers under the pointer
    for (const m of FL.markers) {
      const d2 = (m.x - px) ** 2 + (m.y - py) ** 2;
      if (d2 <= (m.r + 3) ** 2 && d2 < bestD) { best = m; bestD = d2; }
    }
    return best;
  }
  let landTimer = null;
  function viewChanged() { redraw(); clearTimeout(landTimer); landTimer = setTimeout(() => loadLand().catch((e) => status(e.message)), 150); }
  function zoomAt(px, py, f) {
    const x = view.cx + (px - W / 2) / view.k, y = view.cy - (py - H / 2) / view.k;
    view.k = Math.max(40, Math.min(2e6, view.k * f));
    view.cx = x - (px - W / 2) / view.k; view.cy = y + (py - H / 2) / view.k;
    viewChanged();
  }
  function bindMap() {
    const box = $("mapbox");
    let drag = null, moved = false;
    box.addEventListener("mousedown", (ev) => { drag = { x: ev.clientX, y: ev.clientY, cx: view.cx, cy: view.cy }; moved = false; });
    window.addEventListener("mouseup", () => { drag = null; box.classList.remove("dragging"); });
    box.addEventListener("mousemove", (ev) => {
      const r = box.getBoundingClientRect(), px = ev.clientX - r.left, py = ev.clientY - r.top;
      if (drag) {
        const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
        if (Math.abs(dx) + Math.abs(dy) > 3) { moved = true; box.classList.add("dragging"); }
        if (moved) { view.cx = drag.cx - dx / view.k; view.cy = drag.cy + dy / view.k; redraw(); }
        return;
      }
      const m = hit(px, py), tip = $("tooltip");
      if (!m) { tip.hidden = true; box.style.cursor = ""; return; }
      box.style.cursor = "pointer";
      if (m.n === 1) {
        const i = pts.id.indexOf(m.ids[0]);
        tip.textContent = `${pts.day[i] === NODAY ? "undated" : dayStr(pts.day[i])} · ${pts.types[pts.type[i]]} · ${pts.actors[pts.actor[i]]} · ${pts.certs[pts.cert[i]]}`;
      } else tip.textContent = `${m.n} events – click to list`;
      tip.style.left = (px + 12) + "px"; tip.style.top = (py + 12) + "px"; tip.hidden = false;
    });
    box.addEventListener("mouseleave", () => { $("tooltip").hidden = true; });
    box.addEventListener("click", (ev) => {
      $("tooltip").hidden = true;
      if (moved) { moved = false; viewChanged(); return; }
      const r = box.getBoundingClientRect(), m = hit(ev.clientX - r.left, ev.clientY - r.top);
      if (!m) return;
      if (m.n === 1) showEvent(m.ids[0]); else showCluster(m);
    });
    box.addEventListener("dblclick", (ev) => { const r = box.getBoundingClientRect(); zoomAt(ev.clientX - r.left, ev.clientY - r.top, 2); });
    box.addEventListener("wheel", (ev) => {
      ev.preventDefault();
      const r = box.getBoundingClientRect();
      zoomAt(ev.clientX - r.left, ev.clientY - r.top, Math.exp(-ev.deltaY * 0.0015));
    }, { passive: false });
    $("z-in").addEventListener("click", (ev) => { ev.stopPropagation(); zoomAt(W / 2, H / 2, 2); });
    $("z-out").addEventListener("click", (ev) => { ev.stopPropagation(); zoomAt(W / 2, H / 2, 0.5); });
    $("z-fit").addEventListener("click", (ev) => { ev.stopPropagation(); fit(pointsExtent() || meta.extent); viewChanged(); });
    for (const b of ["z-in", "z-out", "z-fit"]) $(b).addEventListener("mousedown", (ev) => ev.stopPropagation());
    window.addEventListener("resize", () => { resize(); redraw(); drawCoast(); });
  }

  // -- filters ------------------------------------------------------------------------------------------
  function filterParams() {
    const p = [];
    for (const [id, name] of [["f-actor", "actor"], ["f-type", "event_type"], ["f-source", "source"]])
      for (const o of $(id).selectedOptions) p.push([name, o.value]);
    for (const c of document.querySelectorAll("#f-certainty input:checked")) p.push(["certainty", c.value]);
    if ($("f-from").value) p.push(["date_from", $("f-from").value]);
    if ($("f-to").value) p.push(["date_to", $("f-to").value]);
    return p;
  }
  function fillFilters() {
    const opts = (id, items) => $(id).replaceChildren(...items.map((x) => el("option", { value: x.value, text: `${x.value} (${x.count})` })));
    opts("f-actor", meta.actors.filter((a) => a.value !== meta.unknown_actor));
    opts("f-type", meta.event_types);
    opts("f-source", meta.sources);
    $("f-certainty").replaceChildren(el("legend", { text: "Certainty" }), ...meta.certainties.map((c) =>
      el("label", { class: "cert" }, el("input", { type: "checkbox", name: "certainty", value: c.value }), ` ${c.value} (${c.count})`)));
    $("f-certainty").querySelectorAll("label").forEach((l) => (l.style.flexDirection = "row"));
    if (meta.date_min) { $("f-from").min = $("f-to").min = meta.date_min; $("f-from").max = $("f-to").max = meta.date_max; }
    const lg = $("legend");
    lg.replaceChildren(...meta.actors.filter((a) => a.count > 0).slice(0, 15).map((a) =>
      el("div", {}, el("span", { class: "sw", style: `background:${a.colour}` }), `${a.value} (${a.count})`)),
      el("div", { class: "muted", text: "size: fatalities · number: cluster" }));
  }
  async function applyFilters() {
    const p = filterParams();
    const qs = new URLSearchParams(p).toString();
    $("x-csv").href = "/api/events.csv" + (qs ? "?" + qs : "");
    $("x-geojson").href = "/api/events.geojson" + (qs ? "?" + qs : "");
    try {
      const d = await api("/api/events/points", p);
      setPoints(d);
      status(`${d.n.toLocaleString()} located events match`, true);
      drawPoints();
    } catch (e) { status(e.message); FL.errors.push(e.message); }
  }
  function setupSlider() {
    const s = $("slider");
    const [t0, t1] = meta.timeline || [meta.date_min, meta.date_max];
    const lo = t0 ? strDay(t0) : 0, hi = t1 ? strDay(t1) : 0;
    s.min = lo; s.max = hi; s.value = hi;
    FL.playStep = Math.max(1, Math.round((hi - lo) / 150));
  }
  function bindControls() {
    $("filters").addEventListener("submit", (ev) => { ev.preventDefault(); applyFilters(); });
    $("f-reset").addEventListener("click", () => { $("filters").reset(); applyFilters(); });
    $("slider").addEventListener("input", onSlider);
    $("window").addEventListener("change", onSlider);
    $("play").addEventListener("click", () => {
      if (playTimer) { clearInterval(playTimer); playTimer = null; $("play").textContent = "▶"; return; }
      const s = $("slider");
      if (+s.value >= +s.max) s.value = s.min;
      $("play").textContent = "❚❚";
      playTimer = setInterval(() => {
        const v = Math.min(+s.max, +s.value + FL.playStep);
        s.value = v; onSlider();
        if (v >= +s.max) { clearInterval(playTimer); playTimer = null; $("play").textContent = "▶"; }
      }, 250);
    });
    if (meta.allow_ingest) bindIngest();
  }

  // -- ingest -------------------------------------------------------------------------------------------
  function bindIngest() {
    $("ingest-open").hidden = false;
    $("ingest-open").addEventListener("click", () => $("ingest").showModal());
    const follow = async (job) => {
      const bar = $("ingest-progress"), msg = $("ingest-msg");
      for (;;) {
        bar.value = job.progress; msg.textContent = `${job.state}: ${job.message || `${job.done}/${job.total} documents`}` +
          (job.errors.length ? ` · unreadable: ${job.errors.join("; ")}` : "");
        if (job.state === "done" || job.state === "failed") break;
        await new Promise((r) => setTimeout(r, 400));
        job = await api("/api/ingest/" + job.job_id);
      }
      if (job.state === "done") {
        const wasEmpty = !meta.counts.events;
        await reloadMeta(); await applyFilters();
        if (wasEmpty) { fit(meta.extent); viewChanged(); }
      }
    };
    const post = async (url, init) => {
      const headers = Object.assign({ "X-Frontline-Request": "1" }, init.headers || {});
      const r = await fetch(url, Object.assign({ method: "POST" }, init, { headers }));
      const b = await r.json().catch(() => ({ error: r.statusText }));
      if (!r.ok) throw new Error(b.error || "HTTP " + r.status);
      return b;
    };
    $("ingest-upload").addEventListener("click", async () => {
      const fd = new FormData();
      for (const f of $("ingest-files").files) fd.append("files", f);
      try { await follow(await post("/api/ingest/upload", { body: fd })); } catch (e) { $("ingest-msg").textContent = e.message; }
    });
    $("ingest-run").addEventListener("click", async () => {
      try { await follow(await post("/api/ingest/folder", { body: JSON.stringify({ path: $("ingest-folder").value }), headers: { "Content-Type": "application/json" } })); }
      catch (e) { $("ingest-msg").textContent = e.message; }
    });
  }
  async function reloadMeta() {
    meta = await api("/api/meta");
    colours = Object.fromEntries(meta.actors.map((a) => [a.value, a.colour]));
    $("counts").textContent = `${meta.counts.events.toLocaleString()} events · ${meta.counts.documents.toLocaleString()} documents · ${meta.counts.claims.toLocaleString()} claims` +
      (meta.date_min ? ` · ${meta.date_min} to ${meta.date_max}` : "");
    fillFilters(); setupSlider();
  }

  // -- start --------------------------------------------------------------------------------------------
  async function start() {
    resize();
    try {
      const pointsP = api("/api/events/points");
      meta = await api("/api/meta");
      colours = Object.fromEntries(meta.actors.map((a) => [a.value, a.colour]));
      $("counts").textContent = `${meta.counts.events.toLocaleString()} events · ${meta.counts.documents.toLocaleString()} documents · ${meta.counts.claims.toLocaleString()} claims` +
        (meta.date_min ? ` · ${meta.date_min} to ${meta.date_max}` : "");
      fillFilters(); setupSlider(); fit(meta.extent);
      const landP = loadLand();                       // land and events load side by side
      setPoints(await pointsP);
      drawPoints();
      await landP;
      drawBase();
      FL.firstPaintMs = performance.now();
      FL.ready = true;
      document.body.dataset.ready = "1";
      bindMap(); bindControls();
      const linked = /^#event=(.+)$/.exec(location.hash);
      if (linked) showEvent(decodeURIComponent(linked[1]));
      loadControl().catch((e) => status("control: " + e.message));
    } catch (e) { status("could not load: " + e.message); FL.errors.push(e.message); }
  }
  FL.setSlider = (day) => { const s = $("slider"); s.value = day; onSlider(); return FL.lastStepMs; };
  FL.view = () => ({ ...view, W, H });
  FL.fit = (ext) => { fit(ext); viewChanged(); };
  FL.project = (lon, lat) => [sx(mx(lon)), sy(my(lat))];
  start();
})();
