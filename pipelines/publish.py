"""Publish: silver tables → the curated gold tables of the search surface."""
from __future__ import annotations

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from pipelines.conform import DOCUMENT_COLUMNS
from pipelines.identifiers import canonical_name, compact, fold_accents

GOLD_DOCUMENT_COLUMNS = [*DOCUMENT_COLUMNS, "search_text", "search_compact"]


@F.pandas_udf(StringType())
def _folded(text: pd.Series) -> pd.Series:
    return text.map(lambda t: None if t is None else fold_accents(t).lower())


@F.pandas_udf(StringType())
def canonical_names(text: pd.Series) -> pd.Series:
    """Names as compared across sources (see ``canonical_name``)."""
    return text.map(lambda t: None if t is None else canonical_name(t))


@F.pandas_udf(StringType())
def _compacted(text: pd.Series) -> pd.Series:
    return text.map(lambda t: None if t is None else compact(t).lower())


def publish_documents(documents: DataFrame) -> DataFrame:
    """``gold.documents``: silver documents plus the folded and compact text keyword search reads.

    ``search_text`` is lower-case without accents (``PÉREZ`` finds ``Perez``); ``search_compact``
    keeps letters and digits only, so ``AAB123456`` finds ``AAB-123456`` and ``AAB 123 456``.
    """
    text = F.concat_ws("\n", F.col("title"), F.col("body"))
    return documents.select(*DOCUMENT_COLUMNS).withColumns(
        {"search_text": _folded(text), "search_compact": _compacted(text)}
    )
