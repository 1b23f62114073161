"""Ingest: files and folders of reports -> Documents, with clear per-file errors.

Public surface: :func:`ingest_paths`, :func:`read_meta`, :class:`IngestResult`.
A document's id is the ``doc_id`` a JSONL line gives, else a hash of its text,
so ingesting the same input twice yields the same ids (the store deduplicates).
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from frontline.records import Document, IngestError

MAX_BYTES = 20 * 1024 * 1024  # a report larger than this is refused, not silently truncated
TEXT_SUFFIXES = {".txt", ".md", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
DOC_FIELDS = ("doc_id", "title", "url", "outlet", "published", "date_precision", "language")

_URL_DATE = re.compile(r"/(20\d\d|19\d\d)[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|-|\b)")
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'-]{1,40}(?:,\s*[A-Za-z .]{2,30})?\s*,?\s*\(?"
    r"((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+(?:19|20)\d\d)\)?\s*[-\u2013\u2014(]"
)


@dataclass
class IngestResult:
    documents: list[Document] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    files_read: int = 0


class UnreadableFile(Exception):
    """Raised with a one-line reason for a file that cannot become a document."""


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_meta(path: str | Path | None) -> dict[str, dict]:
    """Per-file metadata: JSONL lines with ``file`` plus Document fields, keyed by file name."""
    if path is None:
        return {}
    meta: dict[str, dict] = {}
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UnreadableFile(f"{path}:{lineno}: not valid JSON ({exc.msg})") from exc
            if "file" not in row:
                raise UnreadableFile(f"{path}:{lineno}: metadata line has no 'file' field")
            meta[Path(row["file"]).name] = row
    return meta


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named directly, and supported files inside folders (recursively, sorted)."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUPPORTED and not child.name.startswith("."):
                    yield child
        else:
            yield p


def _decode(data: bytes, source: str) -> str:
    if not data.strip():
        raise UnreadableFile("empty file")
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary file (NUL bytes), not a text report")
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    try:  # windows-1252 is the commonest legacy encoding of English news text
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"not UTF-8 and not decodable as cp1252 (byte {exc.start})") from exc
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t")
    if controls > len(text) * 0.01:
        raise UnreadableFile("undecodable text (control characters)")
    return text


def _check_text(text: str) -> None:
    if not text.strip():
        raise UnreadableFile("no text after extraction")
    letters = sum(ch.isalpha() for ch in text)
    if letters < 0.3 * len(text.strip()):
        raise UnreadableFile("does not look like prose (too few letters)")
    latin = sum(ch.isascii() for ch in text if ch.isalpha())
    if letters and latin < 0.5 * letters:
        raise UnreadableFile("not English (mostly non-Latin script); only English reports are supported")


def _extract_html(raw: str, source: str) -> tuple[str, dict]:
    import trafilatura

    text = trafilatura.extract(raw, include_comments=False, include_tables=False, favor_recall=True)
    meta: dict = {}
    try:
        md = trafilatura.extract_metadata(raw)
    except Exception:  # metadata is a bonus; a page without it is still a report
        md = None
    if md is not None:
        meta = {"title": md.title, "url": md.url, "outlet": md.sitename, "published": md.date}
    if not text:
        raise UnreadableFile("HTML page has no main text that could be extracted")
    return text, {k: v for k, v in meta.items() if v}


def date_from_text(text: str, url: str | None) -> str | None:
    """A publication date given by a URL path (/2015/02/20/) or a dateline ("TRIPOLI, Feb. 20, 2015 -")."""
    if url:
        m = _URL_DATE.search(url)
        if m:
            return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    m = _DATELINE.match(text[:200])
    if m:
        import dateparser

        parsed = dateparser.parse(m.group(1), settings={"PREFER_DAY_OF_MONTH": "first"})
        if parsed:
            return parsed.date().isoformat()
    return None


def _normalise_date(value: str | None) -> str | None:
    if not value:
        return None
    value = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    import dateparser

    parsed = dateparser.parse(value, settings={"PREFER_DAY_OF_MONTH": "first"})
    return parsed.date().isoformat() if parsed else None


def _make_document(text: str, fields: dict, source: str) -> Document:
    _check_text(text)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    h = text_hash(text)
    published = _normalise_date(fields.get("published"))
    precision = fields.get("date_precision")
    if published is None:
        published = date_from_text(text, fields.get("url"))
        precision = "day" if published else None
    elif precision is None:
        precision = "day"
    return Document(
        doc_id=str(fields.get("doc_id") or h[:16]),
        text=text,
        title=fields.get("title"),
        url=fields.get("url"),
        outlet=fields.get("outlet"),
        published=published,
        date_precision=precision,
        language=fields.get("language") or "en",
        source_path=source,
        content_hash=h,
        ingested_at=now,
    )


def read_file(path: Path, meta: dict[str, dict] | None = None, max_bytes: int = MAX_BYTES) -> tuple[list[Document], list[IngestError]]:
    """One file -> its documents and per-line errors; raises UnreadableFile for a whole-file failure."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise UnreadableFile("no such file")
    if suffix not in SUPPORTED:
        raise UnreadableFile(f"unsupported file type '{suffix or '(none)'}' (use .txt, .md, .html or .jsonl)")
    size = path.stat().st_size
    if size > max_bytes:
        raise UnreadableFile(f"too large ({size:,} bytes > limit {max_bytes:,})")
    text = _decode(path.read_bytes(), str(path))
    fields = {k: v for k, v in (meta or {}).get(path.name, {}).items() if k in DOC_FIELDS}
    if suffix in JSONL_SUFFIXES:
        return _read_jsonl(text, path, fields)
    if suffix in HTML_SUFFIXES:
        text, html_meta = _extract_html(text, str(path))
        fields = {**html_meta, **fields}
    return [_make_document(text, fields, str(path))], []


def _read_jsonl(text: str, path: Path, defaults: dict) -> tuple[list[Document], list[IngestError]]:
    docs, errors = [], []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        source = f"{path}:{lineno}"
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise UnreadableFile("JSONL line is not an object")
            body = row.get("text")
            if not isinstance(body, str):
                raise UnreadableFile("JSONL line has no 'text' string")
            fields = {**defaults, **{k: row[k] for k in DOC_FIELDS if row.get(k) is not None}}
            docs.append(_make_document(body, fields, source))
        except json.JSONDecodeError as exc:
            errors.append(IngestError(source, f"not valid JSON ({exc.msg})"))
        except UnreadableFile as exc:
            errors.append(IngestError(source, str(exc)))
    if not docs and not errors:
        raise UnreadableFile("JSONL file has no lines")
    return docs, errors


def ingest_paths(paths: Iterable[str | Path], meta: str | Path | dict | None = None, *, max_bytes: int = MAX_BYTES,
                 on_file=None) -> IngestResult:
    """Read every file and folder in ``paths``; failures become IngestErrors and the batch goes on.

    ``on_file(path)`` is called after each file (for progress bars).
    """
    result = IngestResult()
    meta_rows = meta if isinstance(meta, dict) else read_meta(meta)
    seen: set[str] = set()
    meta_file = Path(meta).resolve() if isinstance(meta, (str, Path)) else None
    for path in iter_files(paths):
        if meta_file is not None and path.resolve() == meta_file:
            continue  # the metadata file beside the reports is not a report
        result.files_read += 1
        try:
            docs, errors = read_file(path, meta_rows, max_bytes)
        except UnreadableFile as exc:
            docs, errors = [], [IngestError(str(path), str(exc))]
        except OSError as exc:
            docs, errors = [], [IngestError(str(path), f"cannot read ({exc.strerror or exc})")]
        for doc in docs:
            if doc.doc_id not in seen:  # the same text twice in one batch is one document
                seen.add(doc.doc_id)
                result.documents.append(doc)
        result.errors.extend(errors)
        if on_file:
            on_file(path)
    return result
