"""Ingest: formats, metadata, ids, bad input and re-runs (real files in tmp dirs)."""
from __future__ import annotations

import json

from frontline.ingest import date_from_text, ingest_paths
from frontline.store import Store


def test_reads_text_html_jsonl_and_meta(tmp_path):
    (tmp_path / "a.txt").write_text("Fighters seized the town of Harawa on Monday, residents said.", encoding="utf-8")
    (tmp_path / "b.html").write_text(
        "<html><head><title>Clashes in Derna</title></head><body><nav>Menu Home About</nav><article>"
        "<p>Heavy clashes broke out in Derna on Sunday between rival armed groups, a medical source said. "
        "Several families fled the old city as the fighting spread to the port district.</p></article></body></html>",
        encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(json.dumps({"doc_id": "x1", "text": "Militants attacked a checkpoint in Sirte.",
                                                  "published": "2016-05-06", "outlet": "Wire"}) + "\n", encoding="utf-8")
    meta = tmp_path / "meta.jsonl"
    meta.write_text(json.dumps({"file": "a.txt", "published": "2015-02-20", "date_precision": "week",
                                "outlet": "Example"}) + "\n", encoding="utf-8")
    result = ingest_paths([tmp_path], meta=meta)
    assert result.errors == []
    by_source = {d.source_path.split("/")[-1]: d for d in result.documents}
    assert by_source["a.txt"].published == "2015-02-20" and by_source["a.txt"].date_precision == "week"
    assert by_source["a.txt"].outlet == "Example"
    assert "Menu" not in by_source["b.html"].text and "clashes broke out in Derna" in by_source["b.html"].text
    jsonl_doc = next(d for d in result.documents if d.doc_id == "x1")
    assert jsonl_doc.published == "2016-05-06" and jsonl_doc.outlet == "Wire"
    # an id is the JSONL doc_id, else a hash of the text: stable across runs
    again = ingest_paths([tmp_path], meta=meta)
    assert sorted(d.doc_id for d in again.documents) == sorted(d.doc_id for d in result.documents)


def test_bad_files_get_one_line_and_batch_goes_on(tmp_path):
    (tmp_path / "good.txt").write_text("Clashes were reported in Benghazi on Friday.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "arabic.txt").write_text("اشتباكات عنيفة في مدينة سرت بين القوات والمسلحين اليوم", encoding="utf-8")
    (tmp_path / "lines.jsonl").write_text('{"text": "Shelling hit Sabratha."}\n{not json\n{"title": "no text"}\n',
                                          encoding="utf-8")
    (tmp_path / "big.txt").write_text("word " * 3000, encoding="utf-8")
    result = ingest_paths([tmp_path, tmp_path / "missing.txt"], max_bytes=10_000)
    reasons = {e.source.split("/")[-1]: e.reason for e in result.errors}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "not English" in reasons["arabic.txt"]
    assert "too large" in reasons["big.txt"]
    assert "no such file" in reasons["missing.txt"]
    assert "not valid JSON" in reasons["lines.jsonl:2"] and "no 'text'" in reasons["lines.jsonl:3"]
    texts = sorted(d.text for d in result.documents)
    assert texts == ["Clashes were reported in Benghazi on Friday.", "Shelling hit Sabratha."]
    assert all("\n" not in str(e) for e in result.errors)


def test_cp1252_text_is_decoded(tmp_path):
    (tmp_path / "legacy.txt").write_bytes("Fighters entered Sirte \u2013 residents said.".encode("cp1252"))
    result = ingest_paths([tmp_path])
    assert result.errors == [] and "\u2013" in result.documents[0].text


def test_dates_from_url_and_dateline():
    assert date_from_text("Text", "https://example.org/2016/05/06/story") == "2016-05-06"
    assert date_from_text("TRIPOLI, Feb. 20, 2015 - Gunmen attacked a hotel.", None) == "2015-02-20"
    assert date_from_text("No date here.", None) is None


def test_reingest_never_duplicates(tmp_path):
    (tmp_path / "a.txt").write_text("Fighters seized the town of Harawa on Monday.", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        assert store.add_documents(ingest_paths([tmp_path]).documents) == 1
        assert store.add_documents(ingest_paths([tmp_path]).documents) == 0
        assert store.counts()["documents"] == 1
