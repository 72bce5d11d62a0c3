"""Patterns at scale: how fast the alerts, hidden links and trends answer, and how many planted
alerts were raised.

    python bench/patterns.py --home /path/to/materialized/generated/home [--user gs_analyst] [--repeat 5]

Prints the size of each pattern table, per read (alerts, links, trends, hotspots) the engine's
open time and the warm p50/max of ``--repeat`` runs, and the recall of the generator's planted
watchlist alerts (``pipelines/patterns/evaluate.py``). Figures, not asserts.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from insight.engine import EmbeddedEngine
from insight.patterns import alerts, hidden_links, hotspots, trends
from insight.users import find_user
from pipelines.config import LakePaths
from pipelines.delta import row_count
from pipelines.patterns.evaluate import alert_recall

TABLES = ("alerts", "alert_evidence", "hidden_links", "hidden_link_evidence", "trends", "hotspots")
READS = {"alerts": alerts, "links": hidden_links, "trends": trends, "hotspots": hotspots}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--user", default="gs_analyst")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    paths = LakePaths.from_env(args.home)
    for table in TABLES:
        print(f"gold/{table:<22} {row_count(paths.table('gold', table)):>10} rows")
    started = time.perf_counter()
    engine = EmbeddedEngine(paths, find_user(paths.users_file, args.user))
    print(f"engine open: {(time.perf_counter() - started) * 1000:.0f} ms")
    try:
        for name, read in READS.items():
            timings, rows = [], 0
            for _ in range(args.repeat + 1):
                t = time.perf_counter()
                rows = len(read(engine))
                timings.append((time.perf_counter() - t) * 1000)
            warm = timings[1:]
            print(f"{name:<9} first {timings[0]:7.0f} ms  warm p50 {statistics.median(warm):7.0f} ms  "
                  f"max {max(warm):7.0f} ms  ({rows} rows shown)")
    finally:
        engine.close()
    found = alert_recall(args.home)
    print(f"planted alerts raised: {found.raised}/{found.planted} (recall {found.recall:.4f}); "
          f"{found.not_in_lake} rest on a quarantined document")


if __name__ == "__main__":
    main()
