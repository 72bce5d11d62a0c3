"""Generator throughput: records/s writing a drop zone with 1 and 2 worker processes.

    python bench/generation.py [--size 100000] [--seed 3] [--workers 1 2] [--dir /dev/shm]

Each run writes a fresh drop zone (raw/ and truth/) under a temporary directory (in ``--dir``,
default the system's; a tmpfs such as /dev/shm measures the generator without the disk) and prints
records, files, seconds, records/s and peak memory: the parent's (which does the work itself
with one worker) and the largest worker's. Figures, not asserts.
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
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default: the system's temp dir)")
    args = parser.parse_args()
    for workers in args.workers:
        with tempfile.TemporaryDirectory(prefix="insight-bench-", dir=args.dir) as home:
            started = time.perf_counter()
            summary = generate(Path(home), size=args.size, seed=args.seed, progress=False, workers=workers)
            seconds = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            workers_peak = f", largest worker {worker:,.0f} MB" if workers > 1 else ""
            print(f"{workers} worker(s): {summary.records:,} records in {summary.files:,} files, {seconds:.1f} s, "
                  f"{summary.records / seconds:,.0f} records/s, peak RSS parent {peak:,.0f} MB{workers_peak}",
                  flush=True)


if __name__ == "__main__":
    main()
