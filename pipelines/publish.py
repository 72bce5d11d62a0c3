"""Publish: silver tables → the curated gold tables of the search surface."""
from __future__ import annotations

from pyspark.sql import DataFrame

from pipelines.conform import DOCUMENT_COLUMNS, PATTERN_COLUMNS
from pipelines.layout import clustered

# What a search reads of a document; trends read the rest from silver.
GOLD_DOCUMENT_COLUMNS = [c for c in DOCUMENT_COLUMNS if c not in PATTERN_COLUMNS]
DOCUMENTS_PER_FILE = 100_000  # a document weighs some 20 index postings: smaller files than theirs


DOCUMENT_CLUSTER = ("doc_id",)


def published(documents: DataFrame) -> DataFrame:
    """The rows of ``gold.documents`` for these silver documents."""
    return documents.select(*GOLD_DOCUMENT_COLUMNS)


def publish_documents(documents: DataFrame, files: int) -> DataFrame:
    """``gold.documents``: the silver documents, each file one range of ``doc_id`` in order.

    A search fetches its hits by ``doc_id``; with the files cut by range, their statistics let
    the reader open only the files (and row groups) that hold them.
    """
    return clustered(published(documents), *DOCUMENT_CLUSTER, files=files)
