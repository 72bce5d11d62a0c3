"""Spark transformations gold → search index tables (pure: DataFrames in, DataFrames out).

Every index row carries the access fields of the row it was derived from (a document, an entity
row, a mention), so the secured views filter the index exactly as they filter the lake.

Each table is range-partitioned and sorted on its look-up key, so each Delta file covers one
slice of keys and its min/max statistics (and the Parquet row groups' inside it) let a reader
skip every file that cannot hold a key.
"""
from __future__ import annotations

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, IntegerType, StringType, StructField, StructType

from pipelines.conform import ACCESS, access_group
from pipelines.identifiers import IDENTIFIER_TYPES
from pipelines.index.keys import identifier_key, name_keys, terms
from pipelines.layout import clustered
from pipelines.resolve.relations import CO_MENTIONED

TERM_COLUMNS = ["term", "doc_id", "tf", "doc_len", *ACCESS]
STATS_COLUMNS = ["owner_country", "restricted_to", "classification", "docs", "total_len"]
NAME_COLUMNS = ["skeleton", "sound", "word", "entity_id", "entity_type", "name", "name_words", "doc_ids", *ACCESS]
EDGE_COLUMNS = ["entity_id", "other_id", "relation", "doc_ids", *ACCESS]
IDENTIFIER_COLUMNS = ["key", "entity_id", "entity_type", "value", "doc_id", *ACCESS]
NAMED_TYPES = ("person", "organization")
DOCUMENTS_PER_NAME = 200  # a name's documents the index holds; `insight entity` lists them all
TERMS_PER_DOCUMENT = 60  # distinct terms of a generated document, about: sizes the postings' files
# What each table's files are cut by (the first column, in ranges) and sorted on: its look-up key.
TERM_CLUSTER = ("term", "doc_id")
NAME_CLUSTER = ("skeleton", "sound", "entity_id")
EDGE_CLUSTER = ("entity_id", "other_id")
IDENTIFIER_CLUSTER = ("key", "entity_id", "doc_id")

_TERM_COUNTS = StructType([
    StructField("doc_len", IntegerType()),
    StructField("terms", ArrayType(StructType([StructField("term", StringType()), StructField("tf", IntegerType())]))),
])
_NAME_KEYS = ArrayType(StructType([StructField(f, StringType()) for f in ("word", "sound", "skeleton")]))


@F.pandas_udf(_TERM_COUNTS)
def _term_counts(text: pd.Series) -> pd.DataFrame:
    counted = text.map(terms)
    return pd.DataFrame({
        "doc_len": counted.map(lambda c: sum(c.values())),
        "terms": counted.map(lambda c: [{"term": t, "tf": n} for t, n in c.items()]),
    })


@F.pandas_udf(_NAME_KEYS)
def _name_keys(names: pd.Series) -> pd.Series:
    return names.map(lambda n: [k._asdict() for k in name_keys(n)])


@F.pandas_udf(StringType())
def _identifier_keys(values: pd.Series) -> pd.Series:
    return values.map(lambda v: None if v is None else identifier_key(v))


def _counted(documents: DataFrame) -> DataFrame:
    """Each document's id, access fields and ``counted`` (its length, and each term's count)."""
    return documents.select("doc_id", *ACCESS, _term_counts(F.concat_ws("\n", "title", "body")).alias("counted"))


def postings(documents: DataFrame) -> DataFrame:
    """The rows of ``gold.search_terms`` for these documents."""
    return (_counted(documents)
            .select("doc_id", *ACCESS, F.col("counted.doc_len").alias("doc_len"), F.explode("counted.terms").alias("p"))
            .select(F.col("p.term").alias("term"), "doc_id", F.col("p.tf").alias("tf"), "doc_len", *ACCESS))


def search_terms(documents: DataFrame, files: int) -> DataFrame:
    """``gold.search_terms``: term → documents, with the term's count in each and the document's length."""
    return clustered(postings(documents), *TERM_CLUSTER, files=files).select(*TERM_COLUMNS)


def search_stats(documents: DataFrame, postings: DataFrame) -> DataFrame:
    """``gold.search_stats``: documents and their total length per access group.

    A user's corpus size and mean length (what BM25 weighs terms by) are the sums over the
    groups they may see, so ranking never counts a hidden document. Lengths come from the
    postings (``search_terms``), so documents are not read for their terms twice; a document
    without a term counts with length 0.
    """
    lengths = postings.select("doc_id", "doc_len").distinct()
    return (documents.select("doc_id", *ACCESS).join(lengths, "doc_id", "left")
            .groupBy(*ACCESS).agg(F.count("*").cast("long").alias("docs"),
                                  F.sum(F.coalesce("doc_len", F.lit(0))).cast("long").alias("total_len"))
            .select(*STATS_COLUMNS))


def stats_of(documents: DataFrame) -> DataFrame:
    """What these documents count for in ``gold.search_stats``: documents and total length per access
    group (an increment's documents gained, or lost, as :func:`pipelines.tally.adjusted` takes them)."""
    return (_counted(documents).groupBy(*ACCESS)
            .agg(F.count("*").cast("long").alias("docs"), F.sum("counted.doc_len").cast("long").alias("total_len"))
            .select(*STATS_COLUMNS))


def search_names(entities: DataFrame, mentions: DataFrame, files: int) -> DataFrame:
    """``gold.search_names``: the name keys of every name of every person or organization row, with
    the documents of that row's access group that name the entity (one look-up finds both)."""
    return clustered(name_rows(entities, mentions), *NAME_CLUSTER, files=files).select(*NAME_COLUMNS)


def name_rows(entities: DataFrame, mentions: DataFrame) -> DataFrame:
    """The rows of ``gold.search_names`` of these entities (``mentions``: at least theirs)."""
    documents = (mentions.where(F.col("entity_id").isNotNull())
                 .select("entity_id", "doc_id", *access_group())
                 .groupBy("entity_id", *ACCESS)
                 .agg(F.slice(F.array_sort(F.collect_set("doc_id")), 1, DOCUMENTS_PER_NAME).alias("doc_ids")))
    named = (entities.where(F.col("entity_type").isin(*NAMED_TYPES))
             .select("entity_id", "entity_type", *access_group(),
                     F.explode(F.array_distinct(F.array_union(F.array("name"), "names"))).alias("name"))
             .where(F.col("name").isNotNull())
             .join(documents, ["entity_id", *ACCESS])
             .withColumn("keys", _name_keys("name"))
             .withColumn("name_words", F.size("keys"))
             .select("entity_id", "entity_type", "name", "name_words", "doc_ids", *ACCESS, F.explode("keys").alias("k"))
             .select(F.col("k.skeleton").alias("skeleton"), F.col("k.sound").alias("sound"),
                     F.col("k.word").alias("word"), "entity_id", "entity_type", "name", "name_words", "doc_ids",
                     *ACCESS))
    return named.select(*NAME_COLUMNS)


def search_edges(links: DataFrame, files: int) -> DataFrame:
    """``gold.search_edges``: every typed link (co-mentions aside) from both of its ends, by entity.

    A search's two hops are two look-ups of this table, each reading only the files of its ids.
    """
    return clustered(edge_rows(links), *EDGE_CLUSTER, files=files).select(*EDGE_COLUMNS)


def edge_rows(links: DataFrame) -> DataFrame:
    """The rows of ``gold.search_edges`` of these links (each twice, once from each end)."""
    typed = links.where(F.col("relation") != CO_MENTIONED)
    both = typed.select(F.col("src_entity_id").alias("entity_id"), F.col("dst_entity_id").alias("other_id"),
                        "relation", "doc_ids", *ACCESS).unionByName(
        typed.select(F.col("dst_entity_id").alias("entity_id"), F.col("src_entity_id").alias("other_id"),
                     "relation", "doc_ids", *ACCESS))
    return both.select(*EDGE_COLUMNS)


def search_identifiers(mentions: DataFrame, files: int) -> DataFrame:
    """``gold.search_identifiers``: identifier key → its entity and the documents that name it."""
    return clustered(identifier_rows(mentions), *IDENTIFIER_CLUSTER, files=files).select(*IDENTIFIER_COLUMNS)


def identifier_rows(mentions: DataFrame) -> DataFrame:
    """The rows of ``gold.search_identifiers`` of these mentions' documents."""
    found = (mentions.where(F.col("entity_type").isin(*IDENTIFIER_TYPES) & F.col("entity_id").isNotNull()
                            & F.col("value").isNotNull())
             .select(_identifier_keys("value").alias("key"), "entity_id", "entity_type", "value", "doc_id", *ACCESS)
             .dropDuplicates(["key", "entity_id", "doc_id", *ACCESS]))
    return found.select(*IDENTIFIER_COLUMNS)
