"""Ingest from the dashboard (only with ``--allow-ingest``): uploads and folders inside the data directory.

Uploads are limited in size and type and written under ``<data_dir>/uploads/<job>/`` with sanitised
names, so no upload can land outside the data directory. A folder to ingest must resolve (symlinks
followed) to a path inside the data directory. Jobs run one at a time in a background thread and
report progress (documents processed / total).
"""
from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ALLOWED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
MAX_FILES = 200
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadError(ValueError):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass
class Job:
    job_id: str
    paths: list[str]
    state: str = "queued"  # queued, reading, processing, done, failed
    total: int = 0
    done: int = 0
    new_documents: int = 0
    events: int = 0
    errors: list[str] = field(default_factory=list)
    message: str = ""
    started: float = field(default_factory=time.time)
    finished: float | None = None


def safe_name(name: str) -> str:
    """A file name with no directory part, no leading dot and only [A-Za-z0-9._-]."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _SAFE.sub("_", base).lstrip("._")[:120]
    if not base:
        raise UploadError(f"unusable file name {name[:60]!r}")
    return base


class IngestManager:
    def __init__(self, db: str, data_dir: str | Path, max_bytes: int = 20 * 1024 * 1024,
                 on_done: Callable[[], None] | None = None):
        self.db = db
        self.data_dir = Path(data_dir).resolve()
        self.max_bytes = max_bytes
        self.on_done = on_done
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()  # one ingest at a time: DuckDB has one writer

    # -- starting jobs ---------------------------------------------------------------------------------
    async def save_uploads(self, files) -> Job:
        if not files:
            raise UploadError("no files in the upload")
        if len(files) > MAX_FILES:
            raise UploadError(f"too many files ({len(files)}, at most {MAX_FILES})")
        names = []
        for f in files:
            name = safe_name(f.filename or "")
            if not name.lower().endswith(ALLOWED_SUFFIXES):
                raise UploadError(f"{name}: only {', '.join(ALLOWED_SUFFIXES)} files can be ingested", 415)
            names.append(name)
        job_id = uuid.uuid4().hex[:12]
        folder = self.data_dir / "uploads" / job_id
        folder.mkdir(parents=True, exist_ok=True)
        total, written = 0, []
        try:
            for f, name in zip(files, names):
                target = (folder / name).resolve()
                if folder.resolve() not in target.parents:
                    raise UploadError(f"{name}: not a plain file name")
                if target.exists():
                    target = target.with_name(f"{target.stem}_{len(written)}{target.suffix}")
                with open(target, "wb") as out:
                    while chunk := await f.read(1 << 16):
                        total += len(chunk)
                        if total > self.max_bytes:
                            raise UploadError(f"upload too large: at most {self.max_bytes / (1024 * 1024):g} MB "
                                              "in all", 413)
                        out.write(chunk)
                written.append(target)
        except UploadError:
            for p in written + [folder / n for n in names]:
                p.unlink(missing_ok=True)
            try:
                folder.rmdir()
            except OSError:
                pass
            raise
        return self._start(job_id, [str(folder)])

    def start_folder(self, path: str) -> Job:
        if not path or "\x00" in path:
            raise UploadError("give a folder path")
        p = Path(path)
        target = (p if p.is_absolute() else self.data_dir / p).resolve()
        if target != self.data_dir and self.data_dir not in target.parents:
            raise UploadError(f"only folders inside the data directory ({self.data_dir}) can be ingested", 403)
        if not target.is_dir():
            raise UploadError(f"not a folder: {path[:200]}", 404)
        return self._start(uuid.uuid4().hex[:12], [str(target)])

    def _start(self, job_id: str, paths: list[str]) -> Job:
        job = Job(job_id=job_id, paths=paths)
        self.jobs[job_id] = job
        threading.Thread(target=self._run, args=(job,), name=f"ingest-{job_id}", daemon=True).start()
        return job

    # -- running ---------------------------------------------------------------------------------------
    def _run(self, job: Job) -> None:
        from frontline.ingest import ingest_paths
        from frontline.pipeline import process_documents
        from frontline.store import Store

        with self._lock:
            try:
                job.state = "reading"
                ingested = ingest_paths(job.paths)
                job.errors = [str(e).replace(str(self.data_dir), "<data>") for e in ingested.errors]
                job.total = len(ingested.documents)
                job.state = "processing"

                def tick(_doc) -> None:
                    job.done += 1

                with Store(self.db) as store:
                    job.new_documents = store.add_documents(ingested.documents)
                    process_documents(ingested.documents, store, progress=tick)
                    ids = [d.doc_id for d in ingested.documents]
                    if ids:
                        job.events = int(store.con.execute(
                            "SELECT count(*) FROM events WHERE doc_id IN (SELECT unnest(?))", [ids]).fetchall()[0][0])
                job.state = "done"
                job.message = f"{job.total} documents ({job.new_documents} new), {job.events} events"
            except Exception as exc:  # reported to the user, never raised into the server
                job.state = "failed"
                job.message = f"ingest failed: {type(exc).__name__}: {str(exc)[:300]}"
            finally:
                job.finished = time.time()
                if self.on_done:
                    self.on_done()

    def status(self, job: Job) -> dict:
        return {"job_id": job.job_id, "state": job.state, "total": job.total, "done": job.done,
                "progress": (job.done / job.total) if job.total else (1.0 if job.state == "done" else 0.0),
                "new_documents": job.new_documents, "events": job.events, "errors": job.errors,
                "message": job.message}
