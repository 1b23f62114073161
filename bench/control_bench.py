"""Control benchmarks as a script: `python bench/control_bench.py [speed,distance,syria,libya]`.

Same as `frontline bench control`. Prints the 20k-event timing, the Sirte-Raqqa distance check,
the Syria (UCDP) Raqqa/Palmyra table and the Libya coastline series and fact agreement (for the
hand-coded events in bench/control_libya_events.csv and for the text pipeline's events).
"""
from __future__ import annotations

import sys
from pathlib import Path

from frontline.control.bench import run_all

if __name__ == "__main__":
    repo = Path(__file__).resolve().parents[1]
    which = tuple(sys.argv[1].split(",")) if len(sys.argv) > 1 else ("speed", "distance", "syria", "libya")
    run_all(repo.parent / "shared", repo, which)
