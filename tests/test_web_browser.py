"""End-to-end: `frontline serve`'s dashboard in headless Debian Chromium (Playwright, never `playwright install`).

The server runs on a free loopback port over the seed articles' store (plus small control tables).
Every test blocks the network except loopback and fails if the page tries to reach anything else.
Screenshots go to each test's tmp_path and to out/test_web/ in the repository.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from frontline.store import Store
from frontline.web.server import BackgroundServer

from test_web_api import seed_store  # noqa: E402  (tests/ is on sys.path under pytest)

REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "out" / "test_web"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    env = os.environ.get("FRONTLINE_CHROMIUM")
    if env and Path(env).is_file():
        return env
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = chromium_path()
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (apt-get install chromium; "
                                                ".ci/run does this)"),
    pytest.mark.skipif(sync_playwright is None, reason="playwright (Python) is not installed: pip install -e '.[test]'"),
]


@pytest.fixture(scope="module")
def server(seeds, tmp_path_factory):
    db = seed_store(seeds, tmp_path_factory)
    with BackgroundServer(db) as url:
        yield url, db


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Offline:
    """A page whose every non-loopback request is aborted and recorded."""

    def __init__(self, browser, url):
        self.ctx = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.ctx.new_page()
        self.blocked: list[str] = []
        self.errors: list[str] = []

        def route(r):
            host = urlparse(r.request.url).hostname or ""
            if r.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost", "::1"):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        self.ctx.route("**/*", route)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(url if "#" in url else url + "/")
        self.page.wait_for_selector("body[data-ready='1']", state="attached", timeout=30_000)

    def js(self, expr: str):
        return self.page.evaluate(expr)

    def shown(self) -> int:
        return int(self.page.locator("#points").get_attribute("data-shown"))

    def shot(self, tmp_path: Path, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        self.page.screenshot(path=str(path))
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SHOTS / path.name)
        return path

    def click_marker(self, marker: dict) -> None:
        box = self.page.locator("#mapbox").bounding_box()
        self.page.mouse.click(box["x"] + marker["x"], box["y"] + marker["y"])

    def close(self) -> None:
        assert not self.blocked, f"the page tried to reach the network: {self.blocked[:5]}"
        self.ctx.close()


@pytest.fixture
def page(browser, server):
    o = Offline(browser, server[0])
    yield o
    o.close()


def until(condition, timeout: float = 10.0) -> None:
    """Poll ``condition`` (the page's CSP forbids the eval that Playwright's wait_for_function needs)."""
    deadline = time.time() + timeout
    while not condition():
        if time.time() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def _located(db) -> int:
    with Store(db, read_only=True) as s:
        ev = s.events()
    return int(ev.latitude.notna().sum())


def test_page_loads_offline_and_markers_render_for_the_seed_events(page, server, tmp_path):
    n = _located(server[1])
    assert n > 5
    assert page.shown() == n  # every located seed event is on the map at the last date
    markers = page.js("FL.markers")
    assert markers and sum(m["n"] for m in markers) == n
    assert page.js("FL.firstPaintMs") is not None
    assert "events" in page.page.locator("#counts").inner_text()
    # markers are painted: the canvas has coloured pixels where the markers are
    m = markers[0]
    colour = page.js(f"Array.from(document.getElementById('points').getContext('2d')"
                     f".getImageData({m['x']} * devicePixelRatio, {m['y']} * devicePixelRatio, 1, 1).data)")
    assert colour[3] > 0
    # no request left the machine (Offline.close asserts), and no script error
    assert not page.errors, page.errors
    assert page.shot(tmp_path, "dashboard").stat().st_size > 10_000


def test_slider_moves_and_plays(page, tmp_path):
    before = page.shown()
    label = page.page.locator("#slider-date")
    last = label.inner_text()
    page.page.locator("#slider").focus()
    page.page.keyboard.press("Home")
    first = label.inner_text()
    assert first < last
    assert page.shown() < before
    page.page.select_option("#window", "30")
    for _ in range(5):
        page.page.keyboard.press("PageUp")
    assert label.inner_text() > first
    assert page.js("FL.lastStepMs") < 200
    # coastline chart marks the slider's date (its data arrive by a request of their own)
    until(lambda: page.page.locator("#coast").is_visible())
    until(lambda: "km" in page.page.locator("#coast-mark-label").text_content())
    page.page.locator("#play").click()
    until(lambda: label.inner_text() != first)
    page.page.locator("#play").click()  # pause
    page.shot(tmp_path, "slider")


def test_control_areas_follow_the_slider(page):
    page.js("FL.setSlider(Math.round(Date.parse('2015-06-01') / 86400000))")
    page.page.wait_for_timeout(300)
    assert "2015-06-01" in page.page.locator("#slider-date").inner_text()
    label = page.page.locator("#coast-mark-label").text_content()
    assert "120 km" in label
    page.js("FL.setSlider(Math.round(Date.parse('2016-02-20') / 86400000))")
    assert "260 km" in page.page.locator("#coast-mark-label").text_content()


def _click_single(page) -> str:
    """Click a single (unclustered) marker, zooming in until one exists; return its event id."""
    for _ in range(8):
        singles = [m for m in page.js("FL.markers") if m["n"] == 1]
        if singles:
            page.click_marker(singles[0])
            return singles[0]["ids"][0]
        page.page.locator("#z-in").click()
    raise AssertionError("no single marker even after zooming in")


def test_click_marker_shows_quote_and_claims_ledger(page, server, tmp_path):
    event_id = _click_single(page)
    with Store(server[1], read_only=True) as s:
        ev = s.events().set_index("event_id").loc[event_id]
        text = s.document(ev.doc_id).text
    mark = page.page.locator("mark.quote")
    mark.wait_for(timeout=10_000)
    assert mark.inner_text() == text[int(ev.char_start):int(ev.char_end)]
    body = page.page.locator("#panel-body").inner_text()
    for field in ("certainty", "source", "attributed to", ev.certainty):
        assert field in body
    assert "places considered" in body
    page.shot(tmp_path, "event")
    siblings = page.page.locator("button.sibling")
    if siblings.count():
        sib_id = siblings.first.get_attribute("data-id")
        siblings.first.click()
        until(lambda: page.js("FL.selected") == sib_id)
    page.page.locator("#open-ledger").click()
    page.page.locator("table.claims").wait_for(timeout=10_000)
    assert page.page.locator("tr.claim-row").count() > 0
    assert page.page.locator("mark.claim").count() > 0
    assert "Claims ledger" in page.page.locator("#panel-body h2").inner_text()
    page.shot(tmp_path, "ledger")


def test_cluster_lists_its_events(page):
    page.page.locator("#z-fit").click()
    clusters = [m for m in page.js("FL.markers") if m["n"] > 1]
    if not clusters:
        pytest.skip("no cluster at this zoom")
    page.click_marker(clusters[0])
    page.page.locator(".cluster-item").first.wait_for(timeout=5000)
    assert page.page.locator(".cluster-item").count() == clusters[0]["n"]
    page.page.locator(".cluster-item").first.click()
    page.page.locator("mark.quote").wait_for(timeout=5000)


def test_filter_applies_and_export_follows(page, server, tmp_path):
    with Store(server[1], read_only=True) as s:
        ev = s.events()
    expected = int(((ev.certainty == "reported") & ev.latitude.notna()).sum())
    page.page.locator("#f-certainty input[value='reported']").check()
    page.page.locator("#f-apply").click()
    until(lambda: page.shown() == expected)
    href = page.page.locator("#x-csv").get_attribute("href")
    assert "certainty=reported" in href
    csv_text = page.page.request.get(server[0] + href).text()
    assert len(csv_text.strip().splitlines()) - 1 >= expected
    gj = page.page.request.get(server[0] + page.page.locator("#x-geojson").get_attribute("href")).json()
    assert len(gj["features"]) == expected
    # a bad value from a hand-edited filter shows the server's message
    page.page.locator("#f-from").fill("2016-01-01")
    page.page.locator("#f-to").fill("2015-01-01")
    page.page.locator("#f-apply").click()
    until(lambda: "after" in page.page.locator("#status").inner_text())
    page.shot(tmp_path, "filtered")


REPORT = ("TRIPOLI, 3 March 2015 (Reuters) - Islamic State fighters attacked the Mabruk oil field south of Sirte on "
          "Tuesday, killing at least 12 guards, a spokesman for the Petroleum Facilities Guard said.\n")


def test_upload_ingests_with_a_progress_bar(browser, tmp_path):
    db, data = tmp_path / "up.duckdb", tmp_path / "data"
    report = tmp_path / "mabruk.txt"
    report.write_text(REPORT, encoding="utf-8")
    with BackgroundServer(db, allow_ingest=True, data_dir=data) as url:
        page = Offline(browser, url)
        try:
            assert page.shown() == 0
            page.page.locator("#ingest-open").click()
            page.page.locator("#ingest-files").set_input_files(str(report))
            page.page.locator("#ingest-upload").click()
            until(lambda: "done" in page.page.locator("#ingest-msg").inner_text(), timeout=120)
            assert page.page.locator("#ingest-progress").get_attribute("value") in ("1", "1.0")
            until(lambda: page.shown() > 0)
            assert (data / "uploads").is_dir() and list((data / "uploads").rglob("mabruk.txt"))
            page.shot(tmp_path, "ingest")
        finally:
            page.close()


def test_bench_smoke(browser, tmp_path):
    """The benchmark's machinery on a small store (the 50,000-event figures come from bench/web_bench.py)."""
    from frontline.web.bench import run_bench

    res = run_bench(n_events=3000, db=tmp_path / "b.duckdb", out=tmp_path, chromium=CHROMIUM, steps=4,
                    browser=browser)
    assert res["store"]["events_in_store"] == 3000
    assert all(x["events_drawn"] == 3000 for x in res["loads"])
    assert res["slider_window_30_days"]["to_next_frame"]["n"] == 4
    assert res["loads"][-1]["first_paint_ms"] < 5000  # generous: CI machines are shared


def test_event_link_opens_the_event(browser, server, tmp_path):
    with Store(server[1], read_only=True) as s:
        ev = s.events().dropna(subset=["latitude"]).iloc[0]
    page = Offline(browser, f"{server[0]}/#event={ev.event_id}")
    try:
        page.page.locator("mark.quote").wait_for(timeout=10_000)
        assert page.js("FL.selected") == ev.event_id
    finally:
        page.close()
