"""Publish: silver tables → the curated gold tables of the search surface."""
from __future__ import annotations

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from pipelines.conform import DOCUMENT_COLUMNS
from pipelines.identifiers.name import canonical_name
from pipelines.layout import clustered

GOLD_DOCUMENT_COLUMNS = DOCUMENT_COLUMNS
DOCUMENTS_PER_FILE = 100_000  # a document weighs some 20 index postings: smaller files than theirs


@F.pandas_udf(StringType())
def canonical_names(text: pd.Series) -> pd.Series:
    """Names as compared across sources (see ``canonical_name``)."""
    return text.map(lambda t: None if t is None else canonical_name(t))


def publish_documents(documents: DataFrame, files: int) -> DataFrame:
    """``gold.documents``: the silver documents, each file one range of ``doc_id`` in order.

    A search fetches its hits by ``doc_id``; with the files cut by range, their statistics let
    the reader open only the files (and row groups) that hold them.
    """
    return clustered(documents.select(*GOLD_DOCUMENT_COLUMNS), "doc_id", files)
