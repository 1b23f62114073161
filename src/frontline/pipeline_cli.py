"""CLI commands for the whole pipeline: ``run`` and ``export``."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

DB_OPTION = typer.Option("frontline.duckdb", "--db", help="DuckDB store file.")


def register(app: typer.Typer, bench: typer.Typer) -> None:
    app.command("run")(run_command)
    app.command("export")(export_command)
    bench.command("pipeline")(bench_pipeline)


def run_command(
    paths: list[Path] = typer.Argument(..., help="Report files and folders (.txt, .md, .html, .jsonl)."),
    meta: Optional[Path] = typer.Option(None, "--meta", help="JSONL of per-file metadata: file, published, outlet, url, title."),
    db: Path = DB_OPTION,
    out: Optional[Path] = typer.Option(None, "--out", help="Folder for events.csv, events.geojson, claims.csv, map.html, map.png, report.md."),
    actors: Optional[Path] = typer.Option(None, "--actors", help="Extra actor dictionary (YAML, same format as the shipped one)."),
    tiles_url: Optional[str] = typer.Option(None, "--tiles-url", help="XYZ tile URL for map.html (off by default: the map works offline)."),
    country: Optional[str] = typer.Option(None, "--country", help="ISO code of the country the reports are about, when known (helps place names)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    as_json: bool = typer.Option(False, "--json", help="Print the run summary as JSON."),
) -> None:
    """Ingest reports, extract events and claims into the store, and write maps and exports."""
    from frontline.ingest import UnreadableFile, iter_files
    from frontline.pipeline import run

    err = Console(stderr=True)
    try:
        total_files = sum(1 for _ in iter_files(paths))
    except OSError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(2)
    show_bar = not quiet and not as_json and sys.stderr.isatty()
    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=err, disable=not show_bar, transient=True)
    with progress:
        task = progress.add_task("documents", total=None)
        try:
            result = run(paths, meta=meta, db=db, out=out, actors_file=str(actors) if actors else None,
                         tiles_url=tiles_url, country=country.upper() if country else None,
                         on_error=lambda e: typer.echo(f"skipped {e}", err=True),
                         progress=lambda doc: progress.advance(task))
        except UnreadableFile as exc:
            err.print(f"error: {exc}")
            raise typer.Exit(2)
    summary = result.summary()
    summary["files"] = total_files
    if as_json:
        print(json.dumps(summary, indent=1))
    elif not quiet:
        print(f"{summary['documents']} documents ({summary['new_documents']} new, {summary['unreadable']} unreadable) -> "
              f"{summary['events']} events, {summary['claims']} claims in {summary['seconds']} s; store {db}")
        for name, path in summary["outputs"].items():
            print(f"  {name}: {path}")
    if summary["documents"] == 0 and summary["unreadable"] > 0:
        err.print("error: none of the given files could be read")
        raise typer.Exit(1)


def export_command(
    fmt: str = typer.Option("csv", "--format", "-f", help="csv (ACLED columns + provenance), geojson or geoparquet."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file."),
    db: Path = DB_OPTION,
    actor: Optional[str] = typer.Option(None, help="Only events with this actor (actor1 or actor2)."),
    event_type: Optional[str] = typer.Option(None, "--event-type", help="Only this ACLED event type."),
    origin: Optional[str] = typer.Option(None, help="text, ucdp or acled."),
    date_from: Optional[str] = typer.Option(None, "--from", help="Earliest event date (YYYY-MM-DD)."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Latest event date (YYYY-MM-DD)."),
) -> None:
    """Export the store's events as ACLED-compatible CSV, GeoJSON or GeoParquet."""
    from frontline.store import Store
    from frontline.viz import WRITERS

    if fmt not in WRITERS:
        typer.echo(f"error: unknown format '{fmt}' (choose {', '.join(WRITERS)})", err=True)
        raise typer.Exit(2)
    if not Path(db).exists():
        typer.echo(f"error: no store at {db} (run `frontline run` first)", err=True)
        raise typer.Exit(2)
    with Store(db, read_only=True) as store:
        events = store.events(actor=actor, event_type=event_type, origin=origin, date_from=date_from, date_to=date_to)
    out.parent.mkdir(parents=True, exist_ok=True)
    WRITERS[fmt](events, out)
    typer.echo(f"{len(events)} events -> {out}")


def bench_pipeline(
    paths: list[Path] = typer.Argument(..., help="Report files and folders."),
    meta: Optional[Path] = typer.Option(None, "--meta"),
    repeat: int = typer.Option(5, help="Passes over the documents (after one warm-up pass)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Documents per second through geoparse + event coding + claims, after start-up, on one core."""
    import time

    from frontline.claims import extract_claims
    from frontline.events import code_document
    from frontline.geo import load_gazetteer
    from frontline.ingest import ingest_paths
    from frontline.nlp import actor_dictionary

    started = time.perf_counter()
    gazetteer, actors = load_gazetteer(), actor_dictionary()
    docs = ingest_paths(paths, meta).documents
    startup = time.perf_counter() - started
    if not docs:
        typer.echo("error: no readable documents", err=True)
        raise typer.Exit(2)
    counts = {"events": 0, "claims": 0}
    for doc in docs:  # warm-up: caches, lazy imports
        counts["events"] += len(code_document(doc, gazetteer, actors)[1])
        counts["claims"] += len(extract_claims(doc))
    t0 = time.perf_counter()
    for _ in range(repeat):
        for doc in docs:
            code_document(doc, gazetteer, actors)
            extract_claims(doc)
    seconds = time.perf_counter() - t0
    words = sum(len(d.text.split()) for d in docs) * repeat
    result = {"documents": len(docs), "events": counts["events"], "claims": counts["claims"],
              "startup_s": round(startup, 2), "docs_per_s": round(len(docs) * repeat / seconds, 1),
              "words_per_s": round(words / seconds)}
    typer.echo(json.dumps(result, indent=1) if as_json else
               ", ".join(f"{k} {v}" for k, v in result.items()))
