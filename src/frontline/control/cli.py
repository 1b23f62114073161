"""CLI: ``frontline control``, ``coast``, ``distance``, ``spread``, ``import ucdp|acled`` and
``frontline bench control``."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

DEFAULT_DB = "frontline.duckdb"


def _params(half_life: float | None, max_radius: float | None, support_km: float | None, threshold: float | None,
            snap_km: float | None, influence_km: float | None, resolutions: str | None):
    from .model import ControlParams

    p = ControlParams()
    if half_life is not None:
        p.half_life_days = half_life
    if max_radius is not None:
        p.max_radius_km = max_radius
    if support_km is not None:
        p.support_km = support_km
    if threshold is not None:
        p.threshold = threshold
    if snap_km is not None:
        p.snap_km = snap_km
    if influence_km is not None:
        p.influence_km = influence_km
    if resolutions:
        p.resolutions = tuple(r.strip() for r in resolutions.split(",") if r.strip())
    return p


def _events(db: str):
    from frontline.store import Store

    if db != ":memory:" and not Path(db).exists():
        raise typer.BadParameter(f"no store at {db}: run `frontline run ...` or `frontline import ...` first")
    with Store(db, read_only=True) as store:
        return store.events()


def _store(db: str, res, actors: list[str]) -> None:
    """Keep the estimate in the store (control_coast / control_areas / control_states)."""
    from frontline.store import Store

    from .outputs import store_tables

    try:
        with Store(db) as store:
            n = store_tables(store, res, actors)
        typer.echo("stored: " + ", ".join(f"{k} ({v} rows)" for k, v in n.items()))
    except Exception as exc:  # the files are the product; the tables are a convenience
        typer.echo(f"note: control tables not stored ({exc})", err=True)


_ACTOR = typer.Option(..., "--actor", "-a", help="Actor (canonical name); repeat for several.")
_REGION = typer.Option(None, "--region", "-r", help="ISO 3166-1 alpha-2 code(s), comma-separated, e.g. LY.")
_FROM = typer.Option(None, "--from", help="First date (YYYY-MM-DD); default: first event.")
_TO = typer.Option(None, "--to", help="Last date; default: last event.")
_STEP = typer.Option("7d", "--step", help="Date step: Nd, Nw, Nm or Ny.")
_DB = typer.Option(DEFAULT_DB, "--db", help="DuckDB store.")
_HL = typer.Option(None, "--half-life", help="Days for control evidence to halve without fresh evidence (365).")
_RAD = typer.Option(None, "--max-radius", help="Max km from a place that its area reaches (35).")
_SUP = typer.Option(None, "--support-km", help="Events of the actor this close refresh a place's evidence (100).")
_THR = typer.Option(None, "--threshold", help="Probability at which a place counts as held (0.5).")
_SNAP = typer.Option(None, "--snap-km", help="Events this close to a settlement are placed at it (12).")
_INF = typer.Option(None, "--influence-km", help="Settlements without events inherit from a place this close (45).")
_RES = typer.Option(None, "--resolutions", help="GSHHG resolutions for coastline, comma-separated (i,l).")


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @app.command("control")
    def control_command(
        actor: list[str] = _ACTOR, region: Optional[str] = _REGION, date_from: Optional[str] = _FROM,
        date_to: Optional[str] = _TO, step: str = _STEP,
        out: Path = typer.Option(Path("out/control"), "--out", help="Output folder."), db: str = _DB,
        half_life: Optional[float] = _HL, max_radius: Optional[float] = _RAD, support_km: Optional[float] = _SUP,
        threshold: Optional[float] = _THR, snap_km: Optional[float] = _SNAP, influence_km: Optional[float] = _INF,
        resolutions: Optional[str] = _RES,
    ) -> None:
        """Who holds what: control areas per actor and date (GeoJSON, small multiples PNG, offline HTML slider)."""
        from .model import coastline_held, estimate_control
        from .outputs import write_control_outputs

        params = _params(half_life, max_radius, support_km, threshold, snap_km, influence_km, resolutions)
        res = estimate_control(_events(db), actor, region, date_from, date_to, step, params)
        paths = write_control_outputs(res, out, list(actor))
        _store(db, res, list(actor))
        for a in actor:
            c = coastline_held(res, a)
            held = res.held(a)
            typer.echo(f"{a}: {len(res.dates)} dates, up to {int(held.sum(axis=1).max())} places held; "
                       f"coastline held max {c.km.max() if len(c) else 0:.0f} km")
        for k, v in paths.items():
            typer.echo(f"{k}: {v}")

    @app.command("coast")
    def coast_command(
        actor: list[str] = _ACTOR, region: Optional[str] = _REGION, date_from: Optional[str] = _FROM,
        date_to: Optional[str] = _TO, step: str = _STEP,
        out: Path = typer.Option(Path("out/coast"), "--out", help="Output folder (CSV + PNG)."), db: str = _DB,
        half_life: Optional[float] = _HL, max_radius: Optional[float] = _RAD, support_km: Optional[float] = _SUP,
        threshold: Optional[float] = _THR, snap_km: Optional[float] = _SNAP, influence_km: Optional[float] = _INF,
        resolutions: Optional[str] = _RES,
    ) -> None:
        """km of coastline held per actor and date, at two GSHHG resolutions, with an uncertainty band."""
        import pandas as pd

        from .coast import dataset_label
        from .model import coastline_held, estimate_control
        from .outputs import coast_chart

        params = _params(half_life, max_radius, support_km, threshold, snap_km, influence_km, resolutions)
        res = estimate_control(_events(db), actor, region, date_from, date_to, step, params)
        df = pd.concat([coastline_held(res, a) for a in actor], ignore_index=True)
        _store(db, res, list(actor))
        out.mkdir(parents=True, exist_ok=True)
        df.to_csv(out / "coast.csv", index=False)
        coast_chart(df, out / "coast.png")
        typer.echo("Coastline: " + "; ".join(dataset_label(r) for r in res.coast_km))
        typer.echo(f"Band: held at p >= {params.band[1]} (low) .. p >= {params.band[0]} (high); "
                   f"km = p >= {params.threshold}. Coastline length depends on the measuring scale.")
        if len(df):
            wide = df.pivot_table(index="date", columns=["actor", "resolution"], values="km")
            typer.echo(wide.to_string())
        typer.echo(f"csv: {out / 'coast.csv'}\npng: {out / 'coast.png'}")

    @app.command("distance")
    def distance_command(
        a: str = typer.Argument(..., help="First place name."), b: str = typer.Argument(..., help="Second place name."),
        country: Optional[str] = typer.Option(None, "--country", help="Restrict both to ISO2 code(s), comma-separated."),
    ) -> None:
        """Geodesic distance on WGS84 between two places (gazetteer), in km and miles."""
        from . import place_distance

        cs = tuple(c.strip().upper() for c in country.split(",")) if country else ()
        try:
            pa, pb, km, mi = place_distance(a, b, cs)
        except LookupError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1)
        typer.echo(f"{pa.name} ({pa.country}, {pa.lat:.4f}, {pa.lon:.4f}) -> {pb.name} ({pb.country}, {pb.lat:.4f}, "
                   f"{pb.lon:.4f})")
        typer.echo(f"{km:.1f} km  ({mi:.1f} miles), geodesic on WGS84")

    @app.command("spread")
    def spread_command(
        actor: str = typer.Option(..., "--actor", "-a"), region: Optional[str] = _REGION,
        date_from: Optional[str] = _FROM, date_to: Optional[str] = _TO, db: str = _DB,
        delta_km: float = typer.Option(50.0, "--delta-km", help="Knox: 'close in space' (km)."),
        tau_days: float = typer.Option(30.0, "--tau-days", help="Knox: 'close in time' (days)."),
        permutations: int = typer.Option(999, "--permutations"),
        out: Optional[Path] = typer.Option(None, "--out", help="Write the areas table as CSV here."),
    ) -> None:
        """Speed and pattern of expansion; Knox space-time test of 'ice on a pond' vs contagious spread."""
        from .spread import spread

        sp = spread(_events(db), actor, region, delta_km=delta_km, tau_days=tau_days, permutations=permutations,
                    date_from=date_from, date_to=date_to)
        cols = ["onset", "name", "nearest_earlier", "distance_km", "days", "km_per_day", "n_events"]
        if len(sp.areas):
            typer.echo(sp.areas[[c for c in cols if c in sp.areas]].to_string(index=False))
        typer.echo("")
        typer.echo(sp.verdict())
        for n in sp.notes:
            typer.echo(f"note: {n}")
        if out:
            out.parent.mkdir(parents=True, exist_ok=True)
            sp.areas.to_csv(out, index=False)

    imp = typer.Typer(help="Import human-coded event data (UCDP GED, ACLED) into the store.", no_args_is_help=True)
    app.add_typer(imp, name="import")

    def _import(kind: str, file: Path, db: str) -> None:
        from frontline.ingest.importers import read_acled, read_ucdp
        from frontline.store import Store

        errors: list[str] = []
        try:
            events = (read_ucdp if kind == "ucdp" else read_acled)(file, errors)
        except (ValueError, OSError, UnicodeDecodeError) as exc:  # wrong layout, unreadable or not text
            typer.echo(f"error: {exc}".replace("\n", " "), err=True)
            raise typer.Exit(2)
        with Store(db) as store:
            n = store.add_events(events)
        typer.echo(f"{file}: {len(events)} events read, {n} new in {db}; {len(errors)} row(s) skipped")

    @imp.command("ucdp")
    def import_ucdp(file: Path = typer.Argument(..., exists=True), db: str = _DB) -> None:
        """UCDP GED CSV (.csv or .csv.gz)."""
        _import("ucdp", file, db)

    @imp.command("acled")
    def import_acled(file: Path = typer.Argument(..., exists=True), db: str = _DB) -> None:
        """ACLED CSV export (.csv or .csv.gz)."""
        _import("acled", file, db)

    @bench.command("control")
    def bench_control(
        only: Optional[str] = typer.Option(None, "--only", help="Comma list of: speed, distance, syria, libya."),
        shared: Optional[Path] = typer.Option(None, "--shared", help="The shared data folder (default ../shared)."),
    ) -> None:
        """Control benchmarks: speed (20k events), distance, Syria (UCDP) and Libya (reports) checks."""
        from .bench import run_all

        repo = Path(__file__).resolve().parents[3]
        shared = shared or repo.parent / "shared"
        which = tuple(s.strip() for s in only.split(",")) if only else ("speed", "distance", "syria", "libya")
        run_all(shared, repo, which)
