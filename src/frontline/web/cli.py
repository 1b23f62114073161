"""``frontline serve`` (the analyst dashboard) and ``frontline bench web`` (its browser benchmark)."""
from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        db: Path = typer.Option(Path("frontline.duckdb"), "--db", help="the store to show"),
        host: str = typer.Option("127.0.0.1", "--host", help="address to bind (loopback unless you say otherwise)"),
        port: int = typer.Option(8050, "--port", help="TCP port (0 picks a free one)"),
        allow_ingest: bool = typer.Option(False, "--allow-ingest",
                                          help="open the store read-write and accept uploads / folders to ingest"),
        data_dir: Path = typer.Option(None, "--data-dir",
                                      help="where uploads are stored and folders may be ingested from "
                                           "(default: frontline-data/ beside the store)"),
        max_upload_mb: float = typer.Option(20.0, "--max-upload-mb", help="largest upload accepted, in MB"),
        tiles_url: str = typer.Option(None, "--tiles-url",
                                      help="optional remote XYZ tiles, e.g. https://tile.example/{z}/{x}/{y}.png "
                                           "(off by default: the basemap is drawn from shipped GSHHG land)"),
        quiet: bool = typer.Option(False, "--quiet", help="no access log"),
    ) -> None:
        """Serve the analyst dashboard (map, time slider, filters, side panel, claims, exports) and the
        JSON API (/api/, OpenAPI at /api/openapi.json). Works with no internet."""
        from .server import serve_forever

        if not allow_ingest and not db.is_file():
            typer.echo(f"error: no store at {db}; run `frontline run REPORTS --db {db}` first "
                       "(or start with --allow-ingest to create one)", err=True)
            raise typer.Exit(2)
        serve_forever(db, host=host, port=port, allow_ingest=allow_ingest, data_dir=data_dir,
                      max_upload_mb=max_upload_mb, tiles_url=tiles_url, quiet=quiet)

    @bench.command("web")
    def bench_web(
        events: int = typer.Option(50_000, "--events", help="events to generate into a scratch store"),
        db: Path = typer.Option(None, "--db", help="scratch store (default: a temporary file)"),
        out: Path = typer.Option(Path("out/bench_web"), "--out", help="where the JSON result and screenshot go"),
        chromium: str = typer.Option(None, "--chromium", help="Chromium binary (default: /usr/bin/chromium)"),
        steps: int = typer.Option(20, "--steps", help="slider steps to time"),
    ) -> None:
        """Dashboard performance in headless Chromium: first paint and slider steps with N events."""
        import json

        from .bench import run_bench

        result = run_bench(n_events=events, db=db, out=out, chromium=chromium, steps=steps)
        typer.echo(json.dumps(result, indent=2))
