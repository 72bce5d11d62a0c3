"""A Splink model trained and applied: pairs, then clusters, on DuckDB (one machine) or Spark.

The model (comparisons, blocking) is data: each caller says which columns mean what. Training
is unsupervised, as Splink recommends: λ from deterministic rules, u by random sampling, m by
expectation maximisation under two blockings that leave each other's columns free.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.exceptions import EMTrainingException

from pipelines.config import StageSettings
from pipelines.spark import ensure_checkpoint_dir, scratch_dir

log = logging.getLogger(__name__)
logging.getLogger("splink").setLevel(logging.ERROR)  # untrained-level notices are expected on sparse levels


class Untrainable(ValueError):
    """Too few records, or too few alike, to estimate every comparison of a model."""


@dataclass(frozen=True)
class Model:
    """What to compare and how to block, for one kind of record."""

    comparisons: Sequence[Any]
    blocking: Sequence[Any]  # rules generating the candidate pairs scored at prediction
    deterministic: Sequence[Any]  # rules whose pairs are almost surely the same (estimates λ)
    training: Sequence[Any]  # blockings for expectation maximisation, each leaving some comparisons free
    link_type: Literal["link_only", "link_and_dedupe", "dedupe_only"] = "dedupe_only"
    recall_of_deterministic: float = 0.7
    settings: dict[str, Any] = field(default_factory=dict)


Frame = Any  # a pandas DataFrame (DuckDB backend) or a Spark DataFrame (Spark backend)


def backend_api(frames: Sequence[Frame], memory_limit: str = StageSettings.resolution_memory) -> Any:
    """Splink's Spark backend for Spark DataFrames (the jar of its string similarities is put on
    Spark's classpath by :mod:`pipelines.spark`), DuckDB for pandas (within ``memory_limit``): one
    model, either engine."""
    if isinstance(frames[0], pd.DataFrame):
        # Bounded: past the limit DuckDB spills to a temporary directory, not to the working one.
        connection = duckdb.connect(config={"memory_limit": memory_limit,
                                            "temp_directory": scratch_dir("duckdb")})
        return DuckDBAPI(connection)
    from splink import SparkAPI

    spark = frames[0].sparkSession
    ensure_checkpoint_dir(spark)  # Splink's clustering checkpoints
    return SparkAPI(spark_session=spark, break_lineage_method="parquet")


def train(model: Model, frames: Frame | Sequence[Frame], seed: int = 1,
          memory_limit: str = StageSettings.resolution_memory) -> Linker:
    """A linker over ``frames`` (one for dedupe, several for linking) with its parameters estimated."""
    tables = list(frames) if isinstance(frames, (list, tuple)) else [frames]
    api = backend_api(tables, memory_limit)
    registered = [api.register(t, dataset_display_name=f"dataset_{i}") for i, t in enumerate(tables)]
    settings = SettingsCreator(link_type=model.link_type, comparisons=list(model.comparisons),
                               blocking_rules_to_generate_predictions=list(model.blocking),
                               retain_intermediate_calculation_columns=False, **model.settings)
    linker = Linker(registered if len(registered) > 1 else registered[0], settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        list(model.deterministic), recall=model.recall_of_deterministic)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    for rule in model.training:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except ValueError as error:  # EM drove a level's m or u to 0: the other sessions estimate it
            if "below the minimum allowed value" not in str(error):
                raise
            log.warning("training session %s left out: %s", rule, error)
        except EMTrainingException as error:  # no pair shares the blocking key (few records, or
            log.warning("training session %s left out: %s", rule, error)  # a withdrawal took them)
    untrained = [c["output_column_name"] for c in linker.misc.save_model_to_json()["comparisons"]
                 if all(level.get("m_probability") is None for level in c["comparison_levels"]
                        if not level.get("is_null_level"))]
    if untrained:
        raise Untrainable(f"the model could not be trained on these records: no m estimated for {untrained}")
    return linker
