"""Claims benchmark: python bench/claims_bench.py [DIR] [--json] [-v]

Prints the share of annotated claims found and the share of verdicts right
(same as ``frontline bench claims``).
"""
from __future__ import annotations

import argparse
import json
import sys

from frontline.claims.bench import format_report, run_bench


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("data", nargs="?", default=None, help="folder of annotated texts (default bench/data/claims)")
    ap.add_argument("--json", action="store_true", help="print JSON")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    report = run_bench(args.data)
    print(json.dumps(report, indent=2, default=str) if args.json else format_report(report, args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
