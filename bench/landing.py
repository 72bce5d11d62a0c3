"""Benchmark: records/s landed per source and the driver's peak memory, at several sizes.

    python bench/landing.py --sizes 10000,100000

For each size: generate a drop zone, land every source with a fresh Spark session (one process
per size, so peaks do not carry over), and print one row per source plus the memory peaks of the
Python driver and of Spark's JVM (driver and, in local mode, executors). Figures, not asserts.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from memory import peaks_mb  # bench/memory.py, beside this script


def run_one(size: int, seed: int) -> dict:
    """Child process: generate, then land each source, measuring as it goes."""
    from generator.dropzone import generate
    from pipelines.config import LakePaths
    from pipelines.lakehouse import Lakehouse
    from pipelines.land.job import land_source
    from pipelines.sources import SOURCES
    from pipelines.spark import get_spark

    home = Path(tempfile.mkdtemp(prefix=f"insight-bench-{size}-"))
    started = time.perf_counter()
    summary = generate(home, size=size, seed=seed, progress=False)
    generate_s = time.perf_counter() - started
    t0 = time.perf_counter()
    spark = get_spark()
    spark_start_s = time.perf_counter() - t0
    # Warm up: the first Python workers and JIT compilation are paid once per session, not per source.
    warm = Path(tempfile.mkdtemp(prefix="insight-bench-warm-"))
    generate(warm, size=50, seed=seed, progress=False)
    t0 = time.perf_counter()
    for source in SOURCES:
        land_source(Lakehouse(spark), LakePaths.from_env(warm), source.spec)
    warm_up_s = time.perf_counter() - t0
    jvm = spark.sparkContext._jvm.java.lang.Runtime.getRuntime()  # type: ignore[union-attr]
    heap_peak = [0]
    done = threading.Event()

    def poll_heap() -> None:
        while not done.is_set():
            heap_peak[0] = max(heap_peak[0], jvm.totalMemory() - jvm.freeMemory())
            time.sleep(0.2)

    poller = threading.Thread(target=poll_heap, daemon=True)
    poller.start()
    lake = Lakehouse(spark)
    paths = LakePaths.from_env(home)
    per_source = []
    for source in SOURCES:
        t0 = time.perf_counter()
        report = land_source(lake, paths, source.spec)
        seconds = time.perf_counter() - t0
        per_source.append({"source": source.name, "files": len(report.files), "rows_read": report.rows_read,
                           "landed": report.rows_landed, "quarantined": report.rows_quarantined,
                           "seconds": round(seconds, 2), "records_per_s": round(report.rows_read / seconds)})
    done.set()
    poller.join()
    result = {
        "size": size, "records": summary.records, "generate_s": round(generate_s, 1),
        "spark_start_s": round(spark_start_s, 1), "warm_up_s": round(warm_up_s, 1),
        "generate_records_per_s": round(summary.records / generate_s),
        "sources": per_source,
        **peaks_mb(),
        "jvm_heap_peak_mb": round(heap_peak[0] / 2**20),
    }
    spark.stop()
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(warm, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.seed)))
        return
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--one", str(size), "--seed", str(args.seed)],
                             capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    for r in results:
        total_rows = sum(s["rows_read"] for s in r["sources"])
        total_s = sum(s["seconds"] for s in r["sources"])
        print(f"\n== {r['records']} records (generated in {r['generate_s']} s, {r['generate_records_per_s']} rec/s; "
              f"Spark started in {r['spark_start_s']} s, warm-up landing of 50 records {r['warm_up_s']} s)")
        print(f"{'source':<11}{'files':>7}{'read':>9}{'landed':>9}{'quar.':>7}{'seconds':>9}{'rec/s':>9}")
        for s in r["sources"]:
            print(f"{s['source']:<11}{s['files']:>7}{s['rows_read']:>9}{s['landed']:>9}{s['quarantined']:>7}"
                  f"{s['seconds']:>9}{s['records_per_s']:>9}")
        print(f"{'all':<11}{'':>7}{total_rows:>9}{'':>9}{'':>7}{total_s:>9.1f}{round(total_rows / total_s):>9}")
        print(f"peak memory: python driver {r['python_driver_peak_mb']} MB, JVM RSS {r['jvm_peak_rss_mb']} MB, "
              f"JVM heap used {r['jvm_heap_peak_mb']} MB")
    if len(results) > 1:
        first, last = results[0], results[-1]
        growth = last["records"] / first["records"]
        print(f"\n{growth:.0f}x the records: "
              f"python driver peak x{last['python_driver_peak_mb'] / first['python_driver_peak_mb']:.2f}, "
              f"JVM heap peak x{last['jvm_heap_peak_mb'] / max(1, first['jvm_heap_peak_mb']):.2f}")


if __name__ == "__main__":
    main()
