"""Person records → one cluster per real person, with a Splink model trained on the records themselves.

What is compared, and why:

- the name once: folded to upper-case ASCII, particles aside, token-sorted (so "GONZALEZ DIAZ
  CARLOS" meets "CARLOS GONZALEZ DIAZ"), exact, Jaro-Winkler (typos, transliterations), every
  word sounding alike (PERES GOMES = PEREZ GOMEZ, SILBA = SILVA), or every
  word of one in the other (a dropped second surname). Comparing given name and surname apart as
  well counted the same evidence twice: chance namesakes (JOHN WILSON, born the same year) merged;
- first given name and first surname serve blocking only;
- the date of birth when complete (typos, a day and month swapped come out as near dates), the
  year of birth when only that is known; two different complete dates, or different years, are
  strong evidence against, fixed rather than learned (see ``_DOB``);
- sex and nationality;
- the strong identifiers each record holds (passports, national ids, phones, e-mails): one in
  common is strong evidence, none in common is no evidence against (people change phones).

Same-name decoys (namesakes) differ in date of birth, nationality and identifiers: the model
only merges names when something else agrees.
"""
from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable
from functools import reduce
from pathlib import Path
from typing import Any

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from splink import Linker, block_on

from pipelines.config import StageSettings
from pipelines.identifiers.name import name_sound, name_words
from pipelines.resolve.linkage import Model, Untrainable, backend_api, train

_FULL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})")
FEATURE_COLUMNS = ["unique_id", "given", "family", "initial", "name_sorted", "name_tokens", "name_sound", "dob",
                   "birth_year", "sex", "nationality", "identifiers", "id_key"]
FEATURE_SCHEMA = ("unique_id string, given string, family string, initial string, name_sorted string, "
                  "name_tokens array<string>, name_sound string, dob string, birth_year string, sex string, "
                  "nationality string, identifiers array<string>, id_key string")
THRESHOLD = 0.95  # match probability at which two person records are the same person

# The same date, a typo in it, day and month swapped; two different complete dates are evidence
# against (namesakes differ there); a year alone matches a year.
_DOB = cl.CustomComparison(output_column_name="birth", comparison_levels=[
    cll.NullLevel("birth_year"),  # no year on one side (every complete date has its year)
    cll.ExactMatchLevel("dob"),
    cll.LevenshteinLevel("dob", 1),
    cll.CustomLevel("substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                    "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)", "day and month swapped", "duckdb"),
    # Fixed, not learned: pairs with two different complete dates rarely occur in any training
    # session's matches (a typo or a swap is caught above), and a level never observed would
    # weigh nothing — yet it is the evidence that keeps namesakes apart.
    cll.CustomLevel("dob_l IS NOT NULL AND dob_r IS NOT NULL", "two different dates", "duckdb").configure(
        m_probability=0.001, fix_m_probability=True),
    cll.ExactMatchLevel("birth_year"),
    cll.ElseLevel().configure(m_probability=0.001, fix_m_probability=True),  # different years: as above
])
# Every word of the shorter name in the longer one: a dropped second surname or given name.
_FULL_NAME = cl.CustomComparison(output_column_name="full_name", comparison_levels=[
    cll.NullLevel("name_sorted"),
    cll.ExactMatchLevel("name_sorted"),
    cll.JaroWinklerLevel("name_sorted", 0.95),
    cll.ExactMatchLevel("name_sound").configure(label_for_charts="every word sounds alike"),  # PERES GOMES
    cll.ArraySubsetLevel("name_tokens"),
    cll.ElseLevel(),
])

PERSON_MODEL = Model(
    comparisons=[
        _FULL_NAME,
        _DOB,
        cl.ExactMatch("sex"),
        cl.ExactMatch("nationality"),
        cl.ArrayIntersectAtSizes("identifiers", [1]),
    ],
    # Every name rule holds the year too: common names alone make pairs grow with the square of the
    # records (465 million at 1M records on given name and surname, 10.6 million with the year).
    blocking=[
        block_on("given", "family", "birth_year"), block_on("name_sorted", "birth_year"),
        "l.given = r.family and l.family = r.given and l.birth_year = r.birth_year",
        block_on("family", "dob"), block_on("given", "dob"), block_on("family", "birth_year", "initial"),
        block_on("identifiers", arrays_to_explode=["identifiers"]),
    ],
    deterministic=[block_on("given", "family", "dob"), block_on("identifiers", arrays_to_explode=["identifiers"])],
    # Each session leaves the others' columns free: pairs born the same day train the names, sex,
    # nationality and identifiers; pairs sharing an identifier (almost all true) train the rest.
    training=[block_on("dob"), block_on("id_key")],
    recall_of_deterministic=0.6,
)



def blocking_keys(features: DataFrame) -> DataFrame:
    """(``unique_id``, ``key``): two records :data:`PERSON_MODEL` may pair share a key. Each rule of
    its ``blocking`` is covered by one key (given name and surname unordered cover the swapped rule
    too; covering more pairs than the rules only widens an increment's set of records to cluster,
    see ``tests/unit/test_person_features.py``)."""
    def key(name: str, *columns: Column) -> Column:
        return F.when(reduce(lambda a, b: a & b, [c.isNotNull() for c in columns]),
                      F.concat_ws("|", F.lit(name), *columns))

    given, family, year, dob = F.col("given"), F.col("family"), F.col("birth_year"), F.col("dob")
    keys = F.array(
        key("names", F.least(given, family), F.greatest(given, family), year),
        key("sorted", F.col("name_sorted"), year),
        key("family_dob", family, dob),
        key("given_dob", given, dob),
        key("family_initial", family, year, F.col("initial")),
    )
    identifiers = F.transform(F.coalesce(F.col("identifiers"), F.array().cast("array<string>")),
                              lambda i: F.concat(F.lit("id|"), i))
    return (features.select("unique_id", F.explode(F.concat(keys, identifiers)).alias("key"))
            .where(F.col("key").isNotNull()))

def _listed(value: Any) -> list:
    """A list from a list, a NumPy array (pandas batches of Arrow lists) or None."""
    return [] if value is None else list(value)


def person_features(records: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """One row per person record, in the columns :data:`PERSON_MODEL` compares.

    ``records`` carry ``record_id``, ``given_names``, ``family_name``, ``full_name``,
    ``date_of_birth`` (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``), ``sex``, ``nationalities`` and
    ``identifiers`` (the canonical values of the documents, phones and e-mails the record holds).
    """
    rows = []
    for r in records:
        given, family = name_words(r.get("given_names")), name_words(r.get("family_name"))
        if not given and not family:  # a full name only: the last word is taken as the surname
            words = name_words(r.get("full_name"))
            given, family = words[:-1], words[-1:]
        dob = (r.get("date_of_birth") or "").strip()
        year = _YEAR.match(dob)
        sex = (r.get("sex") or "").upper()[:1]
        identifiers = sorted(set(_listed(r.get("identifiers"))))
        rows.append({
            "unique_id": r["record_id"],
            "given": given[0] if given else None,
            "initial": given[0][:1] if given else None,
            "family": family[0] if family else None,
            "name_sorted": " ".join(sorted(given + family)) or None,
            "name_tokens": sorted(set(given + family)),
            "name_sound": " ".join(sorted(name_sound(w) for w in given + family)) or None,
            "dob": dob if _FULL_DATE.match(dob) else None,
            "birth_year": year.group(1) if year else None,
            "sex": sex if sex in ("M", "F") else None,
            "nationality": next(iter(_listed(r.get("nationalities"))), None),
            "identifiers": identifiers,
            "id_key": identifiers[0] if identifiers else None,  # one identifier, for training (arrays cannot block it)
        })
    return pd.DataFrame(rows, columns=FEATURE_COLUMNS)


MODEL_FILE = "model.json"


def save_model(folder: Path, model: dict[str, Any] | None, card: dict[str, Any]) -> None:
    """Keeps ``model`` (None: none could be trained, the card says why) with its ``card`` (what it
    was trained on, and how) in ``folder``, replacing the one there by a rename: clustering never
    reads half a model."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f".{MODEL_FILE}.{os.getpid()}"
    staging.write_text(json.dumps({"card": card, "model": model}, sort_keys=True), encoding="utf-8")
    staging.replace(folder / MODEL_FILE)


def load_model(folder: Path) -> tuple[dict[str, Any] | None, dict[str, Any]] | None:
    """The model kept in ``folder`` (None if none could be trained) and its card; None when the
    model was never trained there."""
    path = folder / MODEL_FILE
    if not path.exists():
        return None
    kept = json.loads(path.read_text(encoding="utf-8"))
    return kept["model"], kept["card"]


class MissingModel(RuntimeError):
    """Person records to cluster and no model ever trained for them."""


def retrain_reason(card: dict[str, Any] | None, definition: str, asked: bool = False,
                   full: bool = False) -> str | None:
    """Why the kept model (its ``card``) is to be trained again, or None to keep it: retraining is
    its own decision (asked for, or the nightly full refresh), besides a model of other code
    (``definition``) and none trained yet."""
    if asked:
        return "asked for"
    if full:
        return "full refresh"
    if card is None:
        return "none kept"
    if card["definition"] != definition:
        return "its code or engine changed"
    if card["model"] == "none":
        return "none could be trained before"
    return None


def model_digest(model: dict[str, Any]) -> str:
    """What tells one trained model from another: a digest of its parameters."""
    return hashlib.sha256(json.dumps(model, sort_keys=True).encode()).hexdigest()[:16]


def train_model(features: Any, seed: int = 1, memory_limit: str = StageSettings.resolution_memory) -> dict[str, Any]:
    """:data:`PERSON_MODEL` trained on ``features`` (pandas: DuckDB; Spark: Splink's Spark backend),
    as Splink's model JSON: what :func:`cluster_persons` applies until it is trained again.
    :class:`~pipelines.resolve.linkage.Untrainable` when the features are too few to learn from."""
    if _count(features) < 2:
        raise Untrainable("fewer than two person records: nothing to learn from")
    return train(PERSON_MODEL, features, seed=seed, memory_limit=memory_limit).misc.save_model_to_json()


def _clusters(features: Any, model: dict[str, Any], threshold: float,
              memory_limit: str = StageSettings.resolution_memory) -> Any:
    """Splink's clusters (``unique_id``, ``cluster_id``) of the features by ``model``, on the
    features' engine. Pairs are scored from the model's parameters and the two records alone, so
    the clusters of a set of records closed under the model's edges (:func:`blocking_keys`) are
    the clusters those records have among all the others."""
    api = backend_api([features], memory_limit)
    # A linker of its own: the kept uid would name the tables of every linker built from the model alike.
    settings = {k: v for k, v in copy.deepcopy(model).items() if k != "linker_uid"}
    linker = Linker(api.register(features), settings, log_level=logging.ERROR)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    return linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold)


def _count(features: Any) -> int:
    return len(features) if isinstance(features, pd.DataFrame) else features.limit(2).count()


def cluster_persons_spark(features: Any, model: dict[str, Any] | None = None, threshold: float = THRESHOLD,
                          seed: int = 1) -> Any:
    """The same as :func:`cluster_persons` on Splink's Spark backend: a Spark DataFrame of
    features in, (``record_id``, ``cluster``) out, nothing collected to the driver."""
    if features.limit(2).count() < 2:  # nothing to compare
        return features.select(F.col("unique_id").alias("record_id"), F.col("unique_id").alias("cluster"))
    found = _clusters(features, model or train_model(features, seed), threshold).as_spark_dataframe()
    smallest = found.groupBy("cluster_id").agg(F.min("unique_id").alias("cluster"))
    return (features.select(F.col("unique_id").alias("record_id"))
            .join(found.select(F.col("unique_id").alias("record_id"), "cluster_id"), "record_id", "left")
            .join(smallest, "cluster_id", "left")
            .select("record_id", F.coalesce("cluster", "record_id").alias("cluster")))


def cluster_persons(features: pd.DataFrame, model: dict[str, Any] | None = None, threshold: float = THRESHOLD,
                    seed: int = 1, memory_limit: str = StageSettings.resolution_memory) -> dict[str, str]:
    """record id → cluster id (the smallest record id of its cluster), every record included, by
    ``model`` (without one, a model trained on these features); DuckDB scores the pairs within
    ``memory_limit``."""
    if len(features) < 2:
        return {uid: uid for uid in features["unique_id"]}
    model = model or train_model(features, seed, memory_limit)
    clusters = _clusters(features, model, threshold, memory_limit).as_pandas_dataframe()
    members: dict[str, list[str]] = {}
    for uid, cluster in zip(clusters["unique_id"], clusters["cluster_id"]):
        members.setdefault(str(cluster), []).append(str(uid))
    found = {uid: min(ids) for ids in members.values() for uid in ids}
    return {uid: found.get(uid, uid) for uid in features["unique_id"]}
