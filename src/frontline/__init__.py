"""frontline: an offline conflict monitor.

``frontline.run(paths)`` mirrors ``frontline run``: it returns a Result with
``.events`` (GeoDataFrame) and ``.claims`` (DataFrame).
"""
from __future__ import annotations

__version__ = "0.1.0"


def run(paths, meta=None, db="frontline.duckdb", out=None, **kwargs):
    """Run the whole pipeline on files/folders; see :func:`frontline.pipeline.run`."""
    from frontline.pipeline import run as _run

    if isinstance(paths, (str, bytes)) or hasattr(paths, "__fspath__"):
        paths = [paths]
    return _run(paths, meta=meta, db=db, out=out, **kwargs)
