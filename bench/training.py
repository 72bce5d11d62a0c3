"""Benchmark: how long training the tagger takes, and its memory, at several numbers of labelled texts.

    python bench/training.py --texts 10000,100000 [--cores 2]

One fresh process per size (so peaks do not carry over) trains with the ``models/ner`` asset's
settings (``assets/extract.py``) and prints tokens, seconds, iterations and the peak resident
memory of the Python driver and of Spark's JVM. Training is a function of the number of labelled
texts, not of the lake's size. Figures, not asserts.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from memory import peaks_mb  # bench/memory.py, beside this script


def run(texts: int) -> dict:
    from assets.extract import ITERATIONS, REGULARIZATION
    from generator.training import training_examples
    from pipelines.extract.training import train
    from pipelines.spark import get_spark

    spark = get_spark()
    result = train(spark, training_examples(), texts, ITERATIONS, REGULARIZATION)
    figures = {"texts": texts, "tokens": result.tokens, "seconds": round(result.seconds, 1),
               "iterations": result.iterations, "cores": spark.sparkContext.defaultParallelism, **peaks_mb()}
    spark.stop()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", default="10000,100000")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(args.child)))
        return
    print(f"{'texts':>8}{'tokens':>11}{'seconds':>9}{'iters':>7}{'tokens/s':>10}{'driver MB':>11}{'JVM MB':>8}")
    for texts in (int(t) for t in args.texts.split(",")):
        out = subprocess.run([sys.executable, __file__, "--child", str(texts)], capture_output=True, text=True,
                             check=False, env={**os.environ, "INSIGHT_SPARK_MASTER": f"local[{args.cores}]"})
        if out.returncode:
            sys.exit(f"training {texts} texts failed:\n{out.stderr[-2000:]}")
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['texts']:>8}{r['tokens']:>11}{r['seconds']:>9}{r['iterations']:>7}"
              f"{round(r['tokens'] / r['seconds']):>10}{r['python_driver_peak_mb']:>11}{r['jvm_peak_rss_mb']:>8}")


if __name__ == "__main__":
    main()
