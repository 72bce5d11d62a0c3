"""Person clustering at scale: time, peak memory and pairwise quality of the Splink stage.

    python bench/resolution.py --records 100000 [--seed 5] [--engine duckdb|spark]

Builds ``--records`` person records from the generator's persons (about 2.3 records per person,
namesake decoys included), written as sources write them: a second surname or given name
dropped, the date of birth as a year only or with day and month swapped, a subset of the
person's identifiers. Then clusters them with the model the flow uses and prints seconds, peak
resident memory and pairwise precision/recall/F1 against the persons they came from. Figures,
not asserts.
"""
from __future__ import annotations

import argparse
import random
import resource
import time
from collections.abc import Iterator
from typing import Any

from generator.people import person
from pipelines.resolve.persons import FEATURE_SCHEMA, cluster_persons, cluster_persons_spark, person_features
from pipelines.resolve.scores import pairwise


def records(count: int, seed: int) -> Iterator[tuple[dict[str, Any], int]]:
    """(record, true person index) pairs."""
    rng = random.Random(seed)
    persons = max(1, int(count / 2.3))
    for n in range(count):
        index = n if n < persons else rng.randrange(persons)  # every person once, then repeats
        p = person(seed, index)
        given, family = list(p.given), list(p.family)
        if len(family) > 1 and rng.random() < 0.2:
            family = family[:1]
        if len(given) > 1 and rng.random() < 0.2:
            given = given[:1]
        born = p.born.isoformat()
        roll = rng.random()
        if roll < 0.1:
            born = born[:4]
        elif roll < 0.13 and p.born.day <= 12:
            born = f"{p.born.year}-{p.born.day:02d}-{p.born.month:02d}"
        held = [f"identity_document:{p.passport}", f"identity_document:{p.national_id[1]}",
                *(f"phone:{x}" for x in p.phones), *([f"email:{p.email}"] if p.email else [])]
        yield {"record_id": f"r{n:08d}", "given_names": " ".join(given), "family_name": " ".join(family),
               "full_name": None, "date_of_birth": born, "sex": p.sex if rng.random() < 0.9 else None,
               "nationalities": [p.nationality], "identifiers": rng.sample(held, rng.randint(1, min(2, len(held))))
               }, index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    args = parser.parse_args()
    started = time.perf_counter()
    truth: dict[str, int] = {}

    def stream() -> Iterator[dict[str, Any]]:
        for record, index in records(args.records, args.seed):
            truth[record["record_id"]] = index
            yield record

    features = person_features(stream())
    built = time.perf_counter()
    if args.engine == "spark":
        from pipelines.spark import get_spark

        spark = get_spark()
        built = time.perf_counter()  # the session's start is not the model's time
        frame = spark.createDataFrame(features, FEATURE_SCHEMA)
        found = {r.record_id: r.cluster for r in cluster_persons_spark(frame).toLocalIterator()}
    else:
        found = cluster_persons(features)
    done = time.perf_counter()
    q = pairwise(found, truth)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.records:,} person records of {len(set(truth.values())):,} persons: features {built - started:.1f} s, "
          f"Splink ({args.engine}) train+predict+cluster {done - built:.1f} s, peak RSS {peak:,.0f} MB (driver)")
    print(f"pairwise precision {q.precision:.4f} recall {q.recall:.4f} F1 {q.f1:.4f} "
          f"(tp {q.tp:,} fp {q.fp:,} fn {q.fn:,}); {len(set(found.values())):,} clusters")


if __name__ == "__main__":
    main()
