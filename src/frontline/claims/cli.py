"""``frontline claims`` and ``frontline bench claims``."""
from __future__ import annotations

import json
from pathlib import Path

import typer


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @app.command("claims")
    def claims_command(
        paths: list[Path] = typer.Argument(None, help="Files or folders of reports (.txt/.md/.html/.jsonl); "
                                                    "none: the documents in --db."),
        meta: Path | None = typer.Option(None, "--meta", help="JSONL metadata (file, published, ...)."),
        out: Path = typer.Option(Path("out/claims"), "--out", help="Folder for claims.csv/.json/.html."),
        db: Path | None = typer.Option(None, "--db", help="Store with events / control estimates to check against."),
        as_json: bool = typer.Option(False, "--json", help="Print the claims as JSON."),
        update: bool = typer.Option(False, "--update", help="Write the re-checked claims back into --db "
                                    "(pending verdicts are decided once the store holds the data)."),
    ) -> None:
        """Find the numbers and predictions in articles and check them; write a claims ledger."""
        from frontline.claims import check_claims, extract_claims, write_ledger
        from frontline.records import Document

        store = None
        if db is not None:
            if not db.exists():
                typer.echo(f"no store at {db}", err=True)
                raise typer.Exit(2)
            from frontline.store import Store
            store = Store(db, read_only=not update)
        try:
            if paths:
                from frontline.ingest import ingest_paths

                result = ingest_paths(paths, meta=meta)
                for err in result.errors:
                    typer.echo(f"skipped {err}", err=True)
                documents = result.documents
            elif store is not None:
                frame = store.documents()
                documents = [Document(**{k: (None if v != v else v) for k, v in row.items()
                                         if k in Document.__dataclass_fields__})
                             for row in frame.to_dict("records")]
            else:
                typer.echo("give report paths, or --db with a store that holds documents", err=True)
                raise typer.Exit(2)
            docs = {d.doc_id: d for d in documents}
            claims = []
            for doc in documents:
                claims += extract_claims(doc)
            check_claims(claims, docs, store)
            if update and store is not None:
                store.add_claims(claims, replace_for=list(docs))
        finally:
            if store is not None:
                store.close()
        written = write_ledger(claims, docs, out)
        if as_json:
            from frontline.claims.ledger import claim_record
            typer.echo(json.dumps([claim_record(c) for c in claims], indent=2, default=str, ensure_ascii=False))
            return
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        table = Table(title=f"{len(claims)} claims in {len(docs)} documents")
        for col in ("doc", "type", "stated", "computed", "verdict", "quote"):
            table.add_column(col, overflow="fold")
        for c in claims:
            stated = "" if c.value is None else f"{c.bound or ''} {c.value:,.0f} {c.unit or ''}".strip()
            comp = "" if c.computed_value is None else f"{c.computed_value:,.1f} {c.computed_unit or ''}"
            src = docs[c.doc_id].source_path
            name = Path(src).stem if src and not str(src).endswith(".jsonl") else c.doc_id
            table.add_row(*(escape(x) for x in (name[:24], c.claim_type, stated, comp, c.verdict, c.quote[:90])))
        Console(width=200).print(table)
        typer.echo(f"ledger written to {out} ({len(written)} files)")

    @bench.command("claims")
    def bench_claims(
        data: Path | None = typer.Argument(None, help="Folder of annotated texts (default bench/data/claims)."),
        as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
        verbose: bool = typer.Option(False, "--verbose", "-v", help="List misses and wrong verdicts."),
    ) -> None:
        """Claims benchmark: share of annotated claims found, share of verdicts right."""
        from frontline.claims.bench import format_report, run_bench

        report = run_bench(data)
        if as_json:
            typer.echo(json.dumps(report, indent=2, default=str))
        else:
            typer.echo(format_report(report, verbose=verbose))
