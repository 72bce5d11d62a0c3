"""Publish: silver tables → the curated gold tables of the search surface."""
from __future__ import annotations

from pyspark.sql import DataFrame

from pipelines.conform import DOCUMENT_COLUMNS
from pipelines.layout import clustered

GOLD_DOCUMENT_COLUMNS = DOCUMENT_COLUMNS
DOCUMENTS_PER_FILE = 100_000  # a document weighs some 20 index postings: smaller files than theirs


def publish_documents(documents: DataFrame, files: int) -> DataFrame:
    """``gold.documents``: the silver documents, each file one range of ``doc_id`` in order.

    A search fetches its hits by ``doc_id``; with the files cut by range, their statistics let
    the reader open only the files (and row groups) that hold them.
    """
    return clustered(documents.select(*GOLD_DOCUMENT_COLUMNS), "doc_id", files)
