"""Dashboard benchmark (``frontline bench web``, also ``bench/web_bench.py``).

Generates N synthetic ACLED-format rows, loads them through the real importer
(``frontline.ingest.importers.read_acled`` then ``Store.add_events``), serves the store on a free
loopback port and measures in headless Chromium (Playwright driving Debian's chromium):

* first paint: from navigation start to the moment the map has drawn land and every event marker
  (``FL.firstPaintMs``, the page's own ``performance.now()``), cold (first load) and warm;
* slider steps: moving the slider one position (dispatching its ``input`` event) until two animation
  frames later (the new frame is on screen), with a 30-day window and with "all up to the date".
"""
from __future__ import annotations

import csv
import gzip
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]

ACTORS = ["Islamic State", "Government of Syria", "Syrian insurgents", "Government of Iraq", "Libyan National Army",
          "Government of National Accord", "al-Shabaab", "Hayat Tahrir al-Sham", "Syrian Democratic Forces",
          "Government of Turkey", "Unidentified armed group", "Ansar al-Sharia", "Government of Russia",
          "Misrata militias", "Tribal militia"]
TYPES = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
         ("Explosions/Remote violence", "Air/drone strike"), ("Violence against civilians", "Attack"),
         ("Strategic developments", "Non-violent transfer of territory"), ("Riots", "Mob violence")]


def synthetic_acled(path: Path, n: int, seed: int = 7) -> Path:
    """N ACLED rows around 400 towns between Libya and Iraq, 2014-01-01 .. 2020-12-31."""
    rng = random.Random(seed)
    towns = [(rng.uniform(10, 47), rng.uniform(25, 38), f"Town {i}") for i in range(400)]
    start = 16071  # 2014-01-01 as days since 1970
    import datetime as dt

    with gzip.open(path, "wt", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "country",
                    "admin1", "location", "latitude", "longitude", "geo_precision", "time_precision", "source",
                    "notes", "fatalities"])
        for i in range(n):
            lon, lat, name = towns[min(int(rng.paretovariate(1.2)) - 1, 399)] if rng.random() < 0.7 else \
                towns[rng.randrange(400)]
            et, sub = rng.choice(TYPES)
            a1, a2 = rng.sample(ACTORS, 2)
            day = dt.date(1970, 1, 1) + dt.timedelta(days=start + rng.randrange(2557))
            fat = 0 if rng.random() < 0.6 else int(rng.expovariate(0.2))
            w.writerow([f"BENCH{i}", day.isoformat(), et, sub, a1, a2, "Syria", "", name,
                        f"{lat + rng.gauss(0, 0.05):.5f}", f"{lon + rng.gauss(0, 0.05):.5f}", 1, 1, "bench generator",
                        f"{a1} {sub.lower()} near {name}", fat])
    return path


def build_store(db: Path, n: int) -> dict:
    from frontline.ingest.importers import read_acled
    from frontline.store import Store

    t0 = time.perf_counter()
    csv_path = synthetic_acled(db.with_suffix(".acled.csv.gz"), n)
    errors: list[str] = []
    events = read_acled(csv_path, errors)
    with Store(db) as store:
        added = store.add_events(events)
        total = store.counts()["events"]
    return {"generated": n, "imported": added, "events_in_store": total, "import_errors": len(errors),
            "build_seconds": round(time.perf_counter() - t0, 1)}


_STEP_JS = """async ([days, windowDays]) => {
  const s = document.getElementById('slider'), w = document.getElementById('window');
  w.value = String(windowDays); w.dispatchEvent(new Event('change'));
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  await frame();
  const out = [];
  for (const d of days) {
    const t0 = performance.now();
    s.value = String(d); s.dispatchEvent(new Event('input', {bubbles: true}));
    const drawn = performance.now();
    await frame();
    out.push([performance.now() - t0, drawn - t0, Number(document.getElementById('points').dataset.shown)]);
  }
  return out;
}"""


def _summary(values: list[float]) -> dict:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return {"median_ms": round(statistics.median(values), 1), "p95_ms": round(p95, 1), "max_ms": round(values[-1], 1),
            "n": len(values)}


def measure(url: str, chromium: str, out: Path, steps: int = 20, loads: int = 3, browser=None) -> dict:
    """Time the page at ``url``; ``browser`` (a Playwright Browser) is launched from ``chromium`` if not given."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            launched = p.chromium.launch(executable_path=chromium, args=ARGS)
            try:
                return measure(url, chromium, out, steps, loads, launched)
            finally:
                launched.close()
    result: dict = {"loads": [], "browser": f"Chromium {browser.version} (headless)"}
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    for i in range(loads):
        page = ctx.new_page()
        t0 = time.perf_counter()
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=60_000)
        wall = time.perf_counter() - t0
        fp = page.evaluate("FL.firstPaintMs")
        fcp = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null")
        shown = int(page.locator("#points").get_attribute("data-shown"))
        result["loads"].append({"first_paint_ms": round(fp, 1), "first_contentful_paint_ms": fcp and round(fcp, 1),
                                "wall_s": round(wall, 3), "events_drawn": shown})
        if i < loads - 1:
            page.close()
    lo, hi = int(page.locator("#slider").get_attribute("min")), int(page.locator("#slider").get_attribute("max"))
    days = [lo + round((hi - lo) * k / max(1, steps - 1)) for k in range(steps)]
    for label, window in (("window_30_days", 30), ("all_up_to_date", 0)):
        rows = page.evaluate(_STEP_JS, [days, window])
        result[f"slider_{label}"] = {"to_next_frame": _summary([r[0] for r in rows]),
                                     "draw_only": _summary([r[1] for r in rows]),
                                     "events_shown_range": [min(r[2] for r in rows), max(r[2] for r in rows)]}
    # real key presses on the focused slider, timed from Python until the next frame is drawn
    # (includes the DevTools round trips, so an upper bound on what a user sees)
    page.select_option("#window", "30")
    page.locator("#slider").focus()
    page.keyboard.press("Home")
    keyed = []
    for _ in range(steps):
        t0 = time.perf_counter()
        page.keyboard.press("ArrowRight")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        keyed.append((time.perf_counter() - t0) * 1000)
    result["slider_keyboard_30_days"] = {"to_next_frame_incl_devtools": _summary(keyed)}
    # a filter: the page asks the server again (cold: the server computes and compresses the answer)
    page.select_option("#window", "0")
    page.evaluate("FL.setSlider(+document.getElementById('slider').max)")
    actor = page.locator("#f-actor option").first.get_attribute("value")
    page.select_option("#f-actor", actor)
    before = page.locator("#points").get_attribute("data-shown")
    t0 = time.perf_counter()
    page.locator("#f-apply").click()
    while page.locator("#points").get_attribute("data-shown") == before and time.perf_counter() - t0 < 30:
        time.sleep(0.005)
    result["filter_apply_ms"] = {"actor": actor, "ms": round((time.perf_counter() - t0) * 1000, 1),
                                 "events_shown": int(page.locator("#points").get_attribute("data-shown"))}
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / "bench_web.png"))
    result["screenshot"] = str(out / "bench_web.png")
    ctx.close()
    return result


def run_bench(n_events: int = 50_000, db: Path | None = None, out: Path = Path("out/bench_web"),
              chromium: str | None = None, steps: int = 20, browser=None) -> dict:
    import shutil

    from .server import BackgroundServer

    chromium = chromium or shutil.which("chromium") or "/usr/bin/chromium"
    tmp = None
    if db is None:
        tmp = tempfile.TemporaryDirectory()
        db = Path(tmp.name) / "bench_web.duckdb"
    db = Path(db)
    try:
        info = build_store(db, n_events) if not db.exists() else {"events_in_store": None, "reused": str(db)}
        with BackgroundServer(db) as url:
            res = measure(url, chromium, Path(out), steps=steps, browser=browser)
        res["store"] = info
        res["first_paint_ok"] = all(x["first_paint_ms"] < 2000 for x in res["loads"])
        res["slider_ok"] = all(res[k]["to_next_frame"]["max_ms"] < 200
                               for k in ("slider_window_30_days", "slider_all_up_to_date")) and \
            res["slider_keyboard_30_days"]["to_next_frame_incl_devtools"]["max_ms"] < 200
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / "bench_web.json").write_text(json.dumps(res, indent=2), encoding="utf-8")
        return res
    finally:
        if tmp is not None:
            tmp.cleanup()
