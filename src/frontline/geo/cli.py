"""``frontline geoparse``, ``frontline gazetteer build`` and ``frontline bench geoparse``."""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Iterator, List, Optional

import typer


def _open_text(path: str):
    if path == "-":
        return sys.stdin
    p = Path(path)
    if p.suffix == ".gz":
        return gzip.open(p, "rt", encoding="utf-8")
    return open(p, encoding="utf-8")


def iter_documents(path: str, err) -> Iterator[dict]:
    """Yield {"doc_id", "text", ...} from JSONL (a ``text`` field per line) or plain text (one document).

    Bad lines are reported through ``err(message)`` and skipped."""
    name = "<stdin>" if path == "-" else path
    try:
        fh = _open_text(path)
    except OSError as exc:
        err(f"{name}: cannot open ({exc.strerror or exc})")
        return
    with fh:
        try:
            head: list[str] = []
            for line in fh:  # skip leading blank lines, keep them for plain text
                head.append(line)
                if line.strip():
                    break
            first = head[-1].lstrip() if head else ""
            is_jsonl = path.endswith((".jsonl", ".jsonl.gz", ".ndjson")) or first.startswith("{")
            if not is_jsonl:
                stem = Path(path).stem if path != "-" else "stdin"
                yield {"doc_id": stem, "text": "".join(head) + fh.read()}
                return
            ln = 0
            for line in _chain(head, fh):  # streamed: large inputs never sit in memory whole
                ln += 1
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    err(f"{name}:{ln}: bad JSON ({exc.msg})")
                    continue
                if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                    err(f"{name}:{ln}: no 'text' field")
                    continue
                obj.setdefault("doc_id", str(ln))
                yield obj
        except (OSError, UnicodeDecodeError, EOFError) as exc:
            err(f"{name}: cannot read ({exc})")


def _chain(head, rest):
    yield from head
    yield from rest


def toponym_json(t) -> dict:
    p = t.place
    return {"start": t.start, "end": t.end, "mention": t.mention,
            "lat": p.lat if p else None, "lon": p.lon if p else None,
            "geonameid": p.geonameid if p else None, "name": p.name if p else None,
            "country": p.country if p else None, "feature": p.feature_code if p else None,
            "score": t.score}


def _parse_one(args):
    doc, hint = args
    from .parser import geoparse

    tps = geoparse(doc["text"], country_hint=hint)
    return {"doc_id": str(doc.get("doc_id")), "toponyms": [toponym_json(t) for t in tps]}


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @app.command("geoparse")
    def geoparse_cmd(
        files: List[str] = typer.Argument(..., help="plain-text or JSONL files (a 'text' field per line); '-' for stdin"),
        country_hint: Optional[str] = typer.Option(None, "--country", help="ISO alpha-2 hint(s), comma separated"),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="write JSONL here instead of stdout"),
        batch: bool = typer.Option(False, "--batch", help="large inputs: chunked processing (with --workers)"),
        workers: int = typer.Option(1, "--workers", "-j", help="worker processes"),
        progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="progress bar (default: on a terminal)"),
    ) -> None:
        """Find and resolve place names; one JSONL line per document: {doc_id, toponyms:[...]}."""
        from .gazetteer import load_gazetteer

        errors = []

        def err(msg: str) -> None:
            errors.append(msg)
            typer.echo(f"error: {msg}", err=True)

        load_gazetteer()
        out = open(output, "w", encoding="utf-8") if output else sys.stdout
        show = sys.stderr.isatty() if progress is None else progress
        docs = (d for f in files for d in iter_documents(f, err))
        try:
            if workers > 1:
                import multiprocessing as mp

                ctx = mp.get_context("fork")
                with ctx.Pool(workers) as pool:
                    results = pool.imap(_parse_one, ((d, country_hint) for d in docs), chunksize=16 if batch else 4)
                    _emit(results, out, show)
            else:
                _emit((_parse_one((d, country_hint)) for d in docs), out, show)
        finally:
            if output:
                out.close()
        if errors and not batch:
            raise typer.Exit(code=1 if errors else 0)

    gaz_app = typer.Typer(help="Build or inspect the gazetteer.", no_args_is_help=True)
    app.add_typer(gaz_app, name="gazetteer")

    @gaz_app.command("build")
    def gazetteer_build(
        from_dir: Optional[Path] = typer.Option(None, "--from", help="folder with GeoNames dumps (allCountries, country dumps such as SY, cities*; .txt or .zip; admin1CodesASCII.txt, countryInfo.txt) and/or osm_*places*.json"),
        out: Optional[Path] = typer.Option(None, "--out", help="cache file to write (default: the cache used by load_gazetteer)"),
    ) -> None:
        """Build the gazetteer index (PyPI sources plus optional GeoNames dumps) and cache it."""
        import time

        from .gazetteer import build_gazetteer, default_source_dir, gazetteer_path

        if from_dir is not None and not from_dir.is_dir():
            typer.echo(f"error: {from_dir}: not a directory", err=True)
            raise typer.Exit(code=2)
        t = time.time()
        g = build_gazetteer(from_dir or default_source_dir())
        path = out or gazetteer_path()
        g.save(path)
        typer.echo(f"gazetteer: {len(g)} places, {len(g.index)} names -> {path} ({time.time() - t:.1f} s)")

    @gaz_app.command("fetch")
    def gazetteer_fetch(
        countries: List[str] = typer.Argument(..., help="ISO alpha-2 codes of the countries to download (SY LY ...)"),
        to: Optional[Path] = typer.Option(None, "--to", help="folder for the dumps (default: <cache>/geonames, read by every later build)"),
        base_url: Optional[str] = typer.Option(None, "--base-url", help="where the dumps are served (default: GeoNames' export/dump)"),
    ) -> None:
        """Download GeoNames country dumps (every village of the country, not only cities500's) and rebuild
        the gazetteer with them. Needs internet; everything after it runs offline."""
        import time

        from .gazetteer import GEONAMES_DUMP_URL, build_gazetteer, fetch_geonames, gazetteer_path

        t = time.time()
        try:
            files = fetch_geonames(countries, to, base_url=base_url or GEONAMES_DUMP_URL)
        except (OSError, ValueError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=1)
        typer.echo(f"downloaded {', '.join(f.name for f in files)} -> {files[0].parent}")
        g = build_gazetteer(files[0].parent)
        path = gazetteer_path()
        g.save(path)
        typer.echo(f"gazetteer: {len(g)} places, {len(g.index)} names -> {path} ({time.time() - t:.1f} s)")

    @gaz_app.command("lookup")
    def gazetteer_lookup(name: str, country: Optional[str] = typer.Option(None, "--country")) -> None:
        """Show candidates for a name."""
        from .gazetteer import load_gazetteer

        g = load_gazetteer()
        for p in g.lookup(name, countries=tuple(country.split(",")) if country else ()):
            typer.echo(json.dumps(p.to_dict(), ensure_ascii=False))

    @bench.command("geoparse")
    def bench_geoparse(
        files: List[Path] = typer.Argument(..., help="gold JSONL(.gz) files (../shared/data/geoparse/*.dev.jsonl.gz)"),
        json_out: Optional[Path] = typer.Option(None, "--json", help="write the results as JSON"),
        peers: bool = typer.Option(True, "--peers/--no-peers", help="also run geotext and flashgeotext"),
        limit: Optional[int] = typer.Option(None, "--limit", help="documents per corpus (sample)"),
        oof: bool = typer.Option(True, "--oof/--no-oof", help="score with out-of-fold models (dev-trained weights)"),
        markdown: Optional[Path] = typer.Option(None, "--markdown", help="also write the table as Markdown"),
    ) -> None:
        """Detection, resolution, end-to-end and speed per corpus, with peer rows."""
        from .bench import markdown_table, print_report, run_bench

        missing = [f for f in files if not f.exists()]
        for f in missing:
            typer.echo(f"error: {f}: no such file", err=True)
        files = [f for f in files if f.exists()]
        if not files:
            raise typer.Exit(code=2)
        res = run_bench([str(f) for f in files], peers=peers, limit=limit, oof=oof)
        print_report(res)
        if json_out:
            json_out.write_text(json.dumps(res, indent=2))
        if markdown:
            markdown.write_text(markdown_table(res))


def _emit(results, out, show: bool) -> None:
    if show:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn

        with Progress(SpinnerColumn(), TextColumn("{task.completed} documents"), transient=True,
                      console=Console(stderr=True)) as prog:
            task = prog.add_task("geoparse", total=None)
            for r in results:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
                prog.advance(task)
    else:
        for r in results:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
