"""Training the tagger in Spark: labelled texts → token features → MLlib logistic regression → :class:`Tagger`.

The labelled texts come from a function of their number (the generator's, passed in by the
``models/ner`` asset: this layer does not import the generator), run on the executors, so the
training set never passes through the driver; only the model's weights come back.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from pipelines.extract.tagger import MODEL_FILE, Tagger
from pipelines.extract.tokens import FEATURES, TAGS, features, labels, tokens
from pipelines.spark import record_batches, spark_schema

# (text, [(start, end, entity type)]) for a labelled text's number.
LabelledText = Callable[[int], tuple[str, list[tuple[int, int, str]]]]
_ROWS = pa.schema([pa.field("features", pa.list_(pa.int32())), pa.field("label", pa.int32())])


@dataclass(frozen=True)
class TrainingRun:
    tagger: Tagger
    texts: int
    tokens: int
    seconds: float
    iterations: int


def _rows(make: LabelledText) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        def rows() -> Iterator[dict[str, Any]]:
            for batch in batches:
                for number in batch.column("id").to_pylist():
                    text, spans = make(number)
                    toks = tokens(text)
                    for f, y in zip(features(toks), labels(toks, spans)):
                        yield {"features": f, "label": y}

        return record_batches(rows(), _ROWS, 4096)

    return run


def train(spark: SparkSession, make: LabelledText, texts: int, iterations: int = 60,
          regularization: float = 1e-5) -> TrainingRun:
    """A tagger trained on labelled texts ``0 … texts-1`` of ``make``."""
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.linalg import SparseVector, VectorUDT

    began = time.monotonic()
    partitions = max(2, spark.sparkContext.defaultParallelism * 2)
    to_vector = F.udf(lambda idx: SparseVector(FEATURES, idx, [1.0] * len(idx)), VectorUDT())
    rows = (spark.range(0, texts, numPartitions=partitions).mapInArrow(_rows(make), spark_schema(_ROWS))
            .select(to_vector("features").alias("features"), F.col("label").cast("double").alias("label"))
            .cache())
    try:
        count = rows.count()
        model = LogisticRegression(family="multinomial", maxIter=iterations, regParam=regularization,
                                   elasticNetParam=0.0, standardization=False, tol=1e-6).fit(rows)
    finally:
        rows.unpersist()
    weights = model.coefficientMatrix.toArray().T.astype(np.float32)  # (features, tags)
    intercept = model.interceptVector.toArray().astype(np.float32)
    if weights.shape != (FEATURES, len(TAGS)):
        raise ValueError(f"the training set lacks some tags: weights {weights.shape}")
    return TrainingRun(Tagger(weights, intercept), texts, count, time.monotonic() - began,
                       model.summary.totalIterations)


def model_key(settings: dict[str, Any], sources: list[str]) -> str:
    """What a trained model is a function of: its settings and the code that made its data and
    features (``sources``: their texts), so a change to either trains anew."""
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    for source in sources:
        digest.update(source.encode())
    return digest.hexdigest()[:16]


def cached_tagger(cache: Path, key: str) -> Tagger | None:
    """The tagger trained before under ``key``, if the cache holds it."""
    folder = cache / key
    return Tagger.load(folder) if (folder / MODEL_FILE).exists() else None


def publish(tagger: Tagger, cache: Path, key: str, destination: Path) -> None:
    """Saves ``tagger`` into the cache (once) and as the current model at ``destination``;
    the current model is replaced by a rename, so extraction never reads half a model."""
    if not (cache / key / MODEL_FILE).exists():
        _replace(tagger, cache / key)
    _replace(tagger, destination)


def _replace(tagger: Tagger, folder: Path) -> None:
    staging = folder.with_name(f".{folder.name}.{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    tagger.save(staging)
    old = folder.with_name(f".{folder.name}.old.{os.getpid()}")
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
