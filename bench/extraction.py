"""Benchmark: each extractor's quality on held-out texts, and documents/s per core with 1 and 2 Spark cores.

    python bench/extraction.py --documents 100000 [--extractor tagger|rules|both] [--held-out 1000]
                               [--home DIR] [--cores 1,2]

Prepares once (in ``--home``, reused when it already holds silver documents): generates a drop
zone with about ``--documents`` documents, lands it and conforms silver documents and records,
and materializes ``models/ner`` (the tagger: trained, or reused from the cache). Then prints
precision, recall and F1 per type and language of the extractors side by side on ``--held-out``
texts of the held-out phrasing family and seed (persons no record names scored apart), and for
each extractor and core count, a fresh process with ``local[N]`` runs ``text_mentions`` over
every document into Spark's no-op sink, after a warm-up on a small slice (the first Python
workers and imports are paid once per session, not per document). Figures, not asserts.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def prepare(home: Path, documents: int, seed: int) -> None:
    """Generate, land and conform, unless ``home`` already holds silver documents."""
    from generator.dropzone import generate
    from pipelines.config import LakePaths
    from pipelines.conform import conform_documents, conform_records, current_records
    from pipelines.lakehouse import Lakehouse
    from pipelines.land.job import land_source
    from pipelines.sources import SOURCES
    from pipelines.spark import get_spark

    paths = LakePaths.from_env(home)
    if Path(paths.table("silver", "documents")).exists():
        return
    started = time.perf_counter()
    generate(home, size=documents, seed=seed, progress=True)
    lake = Lakehouse(get_spark())
    for source in SOURCES:
        land_source(lake, paths, source.spec)
    bronze = {s.name: lake.read(paths.table("bronze", s.name)) for s in SOURCES}
    current = current_records(bronze, SOURCES)
    lake.merge(conform_documents(current, SOURCES), paths.table("silver", "documents"), ["doc_id"],
               delete_missing=True)
    lake.merge(conform_records(current, SOURCES), paths.table("silver", "records"), ["record_id"],
               delete_missing=True)
    print(f"prepared {home} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def prepare_model(home: Path) -> None:
    """``models/ner`` of ``home``, by the asset (trained once per configuration, then from the cache)."""
    from assets.extract import NER_MODEL
    from insight.materialize import materialize_all
    from pipelines.config import LakePaths

    for line in materialize_all(LakePaths.from_env(home), [NER_MODEL]):
        print(line, file=sys.stderr)


def run_spark(home: Path, extractor: str) -> dict:
    """Child process (``INSIGHT_SPARK_MASTER`` set by the parent): the stage, timed."""
    from pipelines.config import LakePaths
    from pipelines.extract.job import build_gazetteer, text_mentions
    from pipelines.extract.tagger import Tagger
    from pipelines.lakehouse import Lakehouse
    from pipelines.spark import get_spark, shared_value

    spark = get_spark()
    lake, paths = Lakehouse(spark), LakePaths.from_env(home)
    tagger = shared_value(spark, Tagger.load(paths.model("ner"))) if extractor == "tagger" else None
    documents = lake.read(paths.table("silver", "documents")).cache()
    count = documents.count()
    t0 = time.perf_counter()
    gazetteer = build_gazetteer(lake.read(paths.table("silver", "records")))
    gazetteer_s = time.perf_counter() - t0
    shared = shared_value(spark, gazetteer)
    text_mentions(documents.limit(500), shared, tagger).write.format("noop").mode("overwrite").save()  # warm-up
    t0 = time.perf_counter()
    text_mentions(documents, shared, tagger).write.format("noop").mode("overwrite").save()
    seconds = time.perf_counter() - t0
    cores = spark.sparkContext.defaultParallelism
    spark.stop()
    return {"cores": cores, "documents": count, "seconds": round(seconds, 1), "gazetteer_s": round(gazetteer_s, 1),
            "names": len(gazetteer.given) + len(gazetteer.family), "docs_per_s": round(count / seconds),
            "docs_per_s_per_core": round(count / seconds / cores)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--extractor", choices=["tagger", "rules", "both"], default="both")
    parser.add_argument("--held-out", type=int, default=1000, help="held-out texts to score (0: skip)")
    parser.add_argument("--home", type=Path, help="prepared lake to reuse (default: a folder under /tmp)")
    parser.add_argument("--cores", default="1,2")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    home = (args.home or Path(f"/tmp/insight-bench-extraction-{args.documents}")).resolve()
    extractors = ["tagger", "rules"] if args.extractor == "both" else [args.extractor]
    if args.child == "spark":
        print(json.dumps(run_spark(home, extractors[0])))
        return
    if args.child == "held-out":
        from generator.training import held_out_rows
        from pipelines.config import LakePaths

        print(json.dumps(held_out_rows(LakePaths.from_env(home).model("ner"), args.held_out, tuple(extractors))))
        return
    if args.child == "prepare":
        prepare(home, args.documents, args.seed)
        prepare_model(home)
        return

    def child(kind: str, extractor: str, env: dict[str, str]) -> Any:
        out = subprocess.run([sys.executable, __file__, "--home", str(home), "--child", kind, "--extractor", extractor,
                              "--held-out", str(args.held_out)],
                             capture_output=True, text=True, env={**os.environ, "INSIGHT_HOME": str(home), **env})
        if out.returncode:
            sys.exit(f"bench child {kind} failed:\n{out.stderr[-2000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    print(f"preparing {home} ({args.documents:,} documents, seed {args.seed}) and the tagger", file=sys.stderr)
    subprocess.run([sys.executable, __file__, "--home", str(home), "--documents", str(args.documents),
                    "--seed", str(args.seed), "--child", "prepare"],
                   check=True, env={**os.environ, "INSIGHT_HOME": str(home)})
    if args.held_out:
        rows = child("held-out", args.extractor, {})
        print(f"held-out texts: {args.held_out} (a phrasing family and a seed the tagger never saw)")
        columns = list(rows[0])
        print("".join(f"{c:>12}" if i > 1 else f"{c:<20}" for i, c in enumerate(columns)))
        for row in rows:
            print("".join(f"{row[c]:>12}" if i > 1 else f"{row[c]:<20}" for i, c in enumerate(columns)))
    print(f"\n{'extractor':<10}{'cores':>6}{'documents':>11}{'seconds':>9}{'docs/s':>9}{'docs/s/core':>13}")
    for extractor in extractors:
        for cores in (int(c) for c in args.cores.split(",")):
            r = child("spark", extractor, {"INSIGHT_SPARK_MASTER": f"local[{cores}]"})
            print(f"{extractor:<10}{r['cores']:>6}{r['documents']:>11}{r['seconds']:>9}{r['docs_per_s']:>9}"
                  f"{r['docs_per_s_per_core']:>13}")


if __name__ == "__main__":
    main()
