"""Generator throughput: records/s writing a drop zone with 1 and 2 worker processes.

    python bench/generation.py [--size 100000] [--seed 3]

Each run writes a fresh drop zone (raw/ and truth/) under a temporary directory and prints
records, files, seconds, records/s and the parent's peak memory. Figures, not asserts.
"""
from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from generator.dropzone import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    for workers in args.workers:
        with tempfile.TemporaryDirectory(prefix="insight-bench-") as home:
            started = time.perf_counter()
            summary = generate(Path(home), size=args.size, seed=args.seed, progress=False, workers=workers)
            seconds = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{workers} worker(s): {summary.records:,} records in {summary.files:,} files, {seconds:.1f} s, "
                  f"{summary.records / seconds:,.0f} records/s, parent peak RSS {peak:,.0f} MB", flush=True)


if __name__ == "__main__":
    main()
