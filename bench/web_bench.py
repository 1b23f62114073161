"""Dashboard benchmark: python bench/web_bench.py [--events 50000] [--db FILE] [--out DIR]

Generates N events through the ACLED importer into a scratch store, serves it with the dashboard
and measures first paint and slider steps in headless Chromium (same as ``frontline bench web``).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from frontline.web.bench import run_bench


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--events", type=int, default=50_000)
    ap.add_argument("--db", type=Path, default=None, help="scratch store (reused if it exists)")
    ap.add_argument("--out", type=Path, default=Path("out/bench_web"))
    ap.add_argument("--chromium", default=None)
    ap.add_argument("--steps", type=int, default=20)
    args = ap.parse_args(argv)
    res = run_bench(n_events=args.events, db=args.db, out=args.out, chromium=args.chromium, steps=args.steps)
    print(json.dumps(res, indent=2))
    return 0 if res["first_paint_ok"] and res["slider_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
