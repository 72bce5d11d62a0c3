"""A Splink model trained and applied on one machine (DuckDB backend): pairs, then clusters.

The model (comparisons, blocking) is data: each caller says which columns mean what. Training
is unsupervised, as Splink recommends: λ from deterministic rules, u by random sampling, m by
expectation maximisation under two blockings that leave each other's columns free.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Sequence

import pandas as pd
from splink import DuckDBAPI, Linker, SettingsCreator

log = logging.getLogger(__name__)
logging.getLogger("splink").setLevel(logging.ERROR)  # untrained-level notices are expected on sparse levels


@dataclass(frozen=True)
class Model:
    """What to compare and how to block, for one kind of record."""

    comparisons: Sequence[Any]
    blocking: Sequence[Any]  # rules generating the candidate pairs scored at prediction
    deterministic: Sequence[Any]  # rules whose pairs are almost surely the same (estimates λ)
    training: Sequence[Any]  # blockings for expectation maximisation, each leaving some comparisons free
    link_type: str = "dedupe_only"
    recall_of_deterministic: float = 0.7
    settings: dict[str, Any] = field(default_factory=dict)


def train(model: Model, frames: pd.DataFrame | Sequence[pd.DataFrame], seed: int = 1) -> Linker:
    """A linker over ``frames`` (one for dedupe, several for linking) with its parameters estimated."""
    api = DuckDBAPI()
    tables = [frames] if isinstance(frames, pd.DataFrame) else list(frames)
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
    untrained = [c["output_column_name"] for c in linker.misc.save_model_to_json()["comparisons"]
                 if all(level.get("m_probability") is None for level in c["comparison_levels"]
                        if not level.get("is_null_level"))]
    if untrained:
        raise ValueError(f"the model could not be trained on these records: no m estimated for {untrained}")
    return linker
