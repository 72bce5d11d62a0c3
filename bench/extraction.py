"""Benchmark: documents/s per core of the extraction stage, with 1 and 2 Spark cores.

    python bench/extraction.py --documents 100000 [--home DIR] [--cores 1,2]

Prepares once (in ``--home``, reused when it already holds silver documents): generates a drop
zone with about ``--documents`` documents, lands it and conforms silver documents and records.
Then, for each core count, a fresh process with ``local[N]`` builds the gazetteer and runs
``text_mentions`` over every document into Spark's no-op sink, after a warm-up on a small slice
(the first Python workers and imports are paid once per session, not per document). Also times
the same :class:`Extractor` in plain Python on one core, without Spark, to show Spark's share.
Figures, not asserts.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path


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


def run_spark(home: Path) -> dict:
    """Child process (``INSIGHT_SPARK_MASTER`` set by the parent): the stage, timed."""
    from pipelines.config import LakePaths
    from pipelines.extract.job import build_gazetteer, text_mentions
    from pipelines.lakehouse import Lakehouse
    from pipelines.spark import get_spark, shared_value

    spark = get_spark()
    lake, paths = Lakehouse(spark), LakePaths.from_env(home)
    documents = lake.read(paths.table("silver", "documents")).cache()
    count = documents.count()
    t0 = time.perf_counter()
    gazetteer = build_gazetteer(lake.read(paths.table("silver", "records")))
    gazetteer_s = time.perf_counter() - t0
    shared = shared_value(spark, gazetteer)
    text_mentions(documents.limit(500), shared).write.format("noop").mode("overwrite").save()  # warm-up
    t0 = time.perf_counter()
    text_mentions(documents, shared).write.format("noop").mode("overwrite").save()
    seconds = time.perf_counter() - t0
    cores = spark.sparkContext.defaultParallelism
    spark.stop()
    return {"cores": cores, "documents": count, "seconds": round(seconds, 1), "gazetteer_s": round(gazetteer_s, 1),
            "names": len(gazetteer.given) + len(gazetteer.family), "docs_per_s": round(count / seconds),
            "docs_per_s_per_core": round(count / seconds / cores)}


def run_python(home: Path, limit: int) -> dict:
    """The extractor alone, one core, no Spark: the same work as one Python worker does."""
    from deltalake import DeltaTable

    from pipelines.extract.job import Extractor
    from pipelines.extract.names import Gazetteer

    records = DeltaTable(str(home / "lake" / "silver" / "records")).to_pyarrow_dataset().to_table(
        columns=["record_type", "given_names", "family_name", "aliases", "nationalities"]).to_pylist()
    extractor = Extractor(Gazetteer.from_records(
        (r["given_names"], r["family_name"], r["aliases"], r["nationalities"])
        for r in records if r["record_type"] == "person"))
    documents = DeltaTable(str(home / "lake" / "silver" / "documents")).to_pyarrow_dataset().head(
        limit, columns=["title", "body", "owner_country"]).to_pylist()
    extractor.extract("Juan Pérez, tel. 011 15 5555-1234", ["AR"])  # warm-up: place index, caches
    t0 = time.perf_counter()
    for doc in documents:
        for text in (doc["title"], doc["body"]):
            if text:
                extractor.extract(text, [doc["owner_country"]])
    seconds = time.perf_counter() - t0
    return {"documents": len(documents), "seconds": round(seconds, 1), "docs_per_s": round(len(documents) / seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--home", type=Path, help="prepared lake to reuse (default: a folder under /tmp)")
    parser.add_argument("--cores", default="1,2")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    home = (args.home or Path(f"/tmp/insight-bench-extraction-{args.documents}")).resolve()
    if args.child == "spark":
        print(json.dumps(run_spark(home)))
        return
    if args.child == "python":
        print(json.dumps(run_python(home, 20_000)))
        return
    if args.child == "prepare":
        prepare(home, args.documents, args.seed)
        return
    subprocess.run([sys.executable, __file__, "--home", str(home), "--documents", str(args.documents),
                    "--seed", str(args.seed), "--child", "prepare"], check=True, env={**os.environ, "INSIGHT_HOME": str(home)})

    def child(kind: str, env: dict[str, str]) -> dict:
        out = subprocess.run([sys.executable, __file__, "--home", str(home), "--child", kind],
                             capture_output=True, text=True, env={**os.environ, "INSIGHT_HOME": str(home), **env})
        if out.returncode:
            sys.exit(f"bench child {kind} failed:\n{out.stderr[-2000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    python = child("python", {})
    print(f"extractor alone (one core, no Spark): {python['documents']} documents in {python['seconds']} s "
          f"= {python['docs_per_s']} docs/s")
    print(f"{'cores':>5}{'documents':>11}{'seconds':>9}{'docs/s':>9}{'docs/s/core':>13}{'gazetteer':>11}")
    for cores in (int(c) for c in args.cores.split(",")):
        r = child("spark", {"INSIGHT_SPARK_MASTER": f"local[{cores}]"})
        print(f"{r['cores']:>5}{r['documents']:>11}{r['seconds']:>9}{r['docs_per_s']:>9}{r['docs_per_s_per_core']:>13}"
              f"{r['gazetteer_s']:>10}s  ({r['names']} name words)")


if __name__ == "__main__":
    main()
