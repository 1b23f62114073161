"""CLI: ``frontline bench events`` (UCDP GED headlines) and ``frontline compare`` (two event sets in the store)."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer, bench: typer.Typer) -> None:
    bench.command("events")(bench_events)
    app.command("compare")(compare)


def bench_events(
    path: Path = typer.Argument(..., help="UCDP GED CSV (.csv or .csv.gz) with source_headline/source_date."),
    limit: Optional[int] = typer.Option(None, help="Score only the first N headlines."),
    country: Optional[str] = typer.Option(None, "--country", help="Tell the pipeline the country the reports are "
                                          "about (as `frontline run --country`); by default it is not told."),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON."),
) -> None:
    """Feed each UCDP source headline through the pipeline and score it against UCDP's human coding."""
    from rich.progress import Progress

    from frontline.events.bench import format_report, load_ucdp_cases, predict, score

    if not path.exists():
        typer.echo(f"error: {path}: no such file", err=True)
        raise typer.Exit(2)
    cases = load_ucdp_cases(path, limit=limit)
    with Progress(disable=as_json or not sys.stderr.isatty(), transient=True) as bar:
        task = bar.add_task("headlines", total=len(cases))
        predictions, seconds = predict(cases, progress=lambda: bar.advance(task), country=country)
    metrics = score(cases, predictions, seconds)
    metrics["input"] = str(path)
    metrics["country_given"] = country
    typer.echo(json.dumps(metrics, indent=1) if as_json else format_report(metrics))


def compare(
    gold: str = typer.Option(..., "--gold", help="Origin of the reference events: ucdp, acled or text."),
    pred: str = typer.Option("text", "--pred", help="Origin of the events to score."),
    db: Path = typer.Option("frontline.duckdb", "--db", help="DuckDB store file."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Score one event set in the store against another, linked by the source text they were coded from."""
    from frontline.events.compare import compare_origins
    from frontline.events.bench import format_report

    if not Path(db).exists():
        typer.echo(f"error: no store at {db}", err=True)
        raise typer.Exit(2)
    try:
        metrics = compare_origins(db, gold, pred)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    typer.echo(json.dumps(metrics, indent=1) if as_json else format_report(metrics))
