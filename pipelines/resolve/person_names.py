"""The keys persons are looked up by in resolution: of each person named in text, and of each person record.

A name is the sound keys of its words (:func:`pipelines.identifiers.name.name_sound`: PERES =
PEREZ), as written (``sequence``) and as a sorted set (``words``). A name in text is looked up by
the pair of its first and last word in that set (``key``) and, with three words or more, a third
(``probe``); a person record is found under every pair of its words. Computed once per document
and kept (``silver.person_names``), so that resolving a few documents again looks up only the
names they hold, not every name of the lake.
"""
from __future__ import annotations

import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StringType

from pipelines.identifiers.name import name_sound, name_words

TEXT, RECORD = "text", "record"  # the kinds of name: a mention's (name_id: its mention_id), a record's (record_id)
PERSON_NAME_COLUMNS = ["name_id", "doc_id", "kind", "key", "probe", "words", "sequence"]
PERSON_NAME_CLUSTER = ("key", "name_id")


@F.pandas_udf(ArrayType(StringType()))
def _name_sequence(names: pd.Series) -> pd.Series:
    """The sound keys of the words of a name that tell persons apart (no particles, no initials),
    in the order written."""
    return names.map(lambda name: [name_sound(w) for w in name_words(name)])


def _words(sequence: str) -> Column:
    """A name's sound keys as a sorted set."""
    return F.array_sort(F.array_distinct(sequence))


def _pair_keys(words: Column) -> Column:
    """Every unordered pair of words, as ``A|B`` with A ≤ B."""
    return F.flatten(F.transform(words, lambda a: F.transform(
        F.filter(words, lambda b: a < b), lambda b: F.concat_ws("|", a, b))))


def record_name() -> Column:
    """A person record's name: its given names and family name, else its full name."""
    parts = F.concat_ws(" ", "given_names", "family_name")
    return F.when(parts != "", parts).otherwise(F.col("full_name"))


def text_persons(mentions: DataFrame) -> DataFrame:
    """The persons named in text (not a record's subject, nor a message's header)."""
    return mentions.where((F.col("type") == "person") & (F.col("extractor") != "structured")
                          & (F.col("field") != "header"))


def person_names(mentions: DataFrame, records: DataFrame) -> DataFrame:
    """``silver.person_names`` of these mentions and records: one row per person named in text with
    two words or more (``kind`` text), one per pair of words of each person record (``kind`` record;
    a record of one word has one row, without a key)."""
    said = (text_persons(mentions).select(F.col("mention_id").alias("name_id"), "doc_id",
                                          _name_sequence("canonical").alias("sequence"))
            .withColumn("words", _words("sequence")).where(F.size("words") >= 2))
    text = said.select("name_id", "doc_id", F.lit(TEXT).alias("kind"),
                       F.concat_ws("|", F.element_at("words", 1), F.element_at("words", -1)).alias("key"),
                       F.when(F.size("words") > 2, F.element_at("words", 2)).alias("probe"), "words", "sequence")
    people = (records.where(F.col("record_type") == "person")
              .select(F.col("record_id").alias("name_id"), "doc_id", _name_sequence(record_name()).alias("sequence"))
              .withColumn("words", _words("sequence")))
    recorded = people.select("name_id", "doc_id", F.lit(RECORD).alias("kind"),
                             F.explode_outer(_pair_keys("words")).alias("key"),
                             F.lit(None).cast("string").alias("probe"), "words", "sequence")
    return text.unionByName(recorded).select(*PERSON_NAME_COLUMNS)
