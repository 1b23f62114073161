"""The ``frontline`` command line: a thin layer over the Python API.

Each pipeline package that offers commands has a ``cli.py`` with
``register(app, bench)``; this module only assembles them, so packages add
commands without editing a shared file.
"""
from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    help="frontline: offline conflict monitor. Reports in; events, places, control estimates, "
    "checked claims and maps out.",
    no_args_is_help=True,
    add_completion=False,
)
bench = typer.Typer(help="Benchmarks against the gold data (see bench/ and docs/).", no_args_is_help=True)
app.add_typer(bench, name="bench")

# packages whose cli.py registers commands, in help order
_COMMAND_MODULES = (
    "frontline.pipeline_cli",
    "frontline.geo.cli",
    "frontline.claims.cli",
    "frontline.control.cli",
    "frontline.events.cli",
    "frontline.web.cli",
)

for _name in _COMMAND_MODULES:
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as exc:  # a stage not built yet registers nothing
        if exc.name != _name:
            raise
        continue
    _module.register(app, bench)


def main() -> None:  # pragma: no cover - console entry
    app()
