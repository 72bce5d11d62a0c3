"""Watchlist alerts: documents that touch the subject of a notice or a diffusion.

A document touches a subject when it names the subject's entity (``same_entity``), or names a
phone, identity document, vehicle or account linked to the subject (``one_link``: the alert
rests also on a document evidencing that link). An alert is keyed by the watch document, the
hit document and the identifier it went through: ids that survive re-resolution, so an alert is
raised once, at the run that first found it (``raised_at``).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import reduce

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from pipelines.changes import TableChange
from pipelines.conform import ACCESS, access_group
from pipelines.patterns.findings import evidence_rows, finding_id, first_seen
from pipelines.resolve.relations import TO_IDENTIFIER
from pipelines.sources import SOURCES
from pipelines.spark import checkpoint

WATCH_SOURCES = tuple(s.kind for s in SOURCES if s.watchlist)
SUBJECT_FIELD = "record:subject"
ALERT_COLUMNS = ["alert_id", "raised_at", "kind", "watch_doc_id", "watch_source", "watch_title", "subject_entity_id",
                 "subject_name", "doc_id", "source", "title", "event_date", "via_entity_id", "via_relation", *ACCESS]


def watched_subjects(documents: DataFrame, mentions: DataFrame) -> DataFrame:
    """``(watch_doc_id, watch_source, watch_title, subject_entity_id, subject_name)`` and the watch
    document's access fields: the person each notice and diffusion is about."""
    watch = documents.where(F.col("source").isin(*WATCH_SOURCES)).select(
        F.col("doc_id").alias("watch_doc_id"), F.col("source").alias("watch_source"),
        F.col("title").alias("watch_title"), *access_group())
    subjects = mentions.where((F.col("field") == SUBJECT_FIELD) & F.col("entity_id").isNotNull()).select(
        F.col("doc_id").alias("watch_doc_id"), F.col("entity_id").alias("subject_entity_id"),
        F.col("text").alias("subject_name"))
    return watch.join(subjects, "watch_doc_id").dropDuplicates(["watch_doc_id", "subject_entity_id"])


def alerts(documents: DataFrame, mentions: DataFrame, links: DataFrame, previous: DataFrame | None,
           now: dt.datetime) -> tuple[DataFrame, DataFrame]:
    """``gold.alerts`` (access fields: the hit document's) and ``gold.alert_evidence``
    (``watch``, ``hit`` and, one link away, every ``link`` document)."""
    watched = watched_subjects(documents, mentions)
    subjects = watched.select("watch_doc_id", "watch_source", "watch_title", "subject_entity_id", "subject_name")
    touched = mentions.where(F.col("entity_id").isNotNull()).select("doc_id", "entity_id").distinct()
    same = (subjects.join(touched.withColumnRenamed("entity_id", "subject_entity_id"), "subject_entity_id")
            .where(F.col("doc_id") != F.col("watch_doc_id"))
            .withColumn("kind", F.lit("same_entity"))
            .withColumn("via_entity_id", F.lit(None).cast("string"))
            .withColumn("via_relation", F.lit(None).cast("string")))
    to_identifiers = links.where(F.col("relation").isin(*TO_IDENTIFIER))  # any identifier a person has
    through = (to_identifiers
               .groupBy(F.col("src_entity_id").alias("subject_entity_id"),
                        F.col("dst_entity_id").alias("via_entity_id"))
               .agg(F.min("relation").alias("via_relation")))
    one_link = (subjects.join(through, "subject_entity_id")
                .join(touched.withColumnRenamed("entity_id", "via_entity_id"), "via_entity_id")
                .where(F.col("doc_id") != F.col("watch_doc_id"))
                .join(same.select("watch_doc_id", "doc_id"), ["watch_doc_id", "doc_id"], "left_anti")
                .withColumn("kind", F.lit("one_link")))
    hits = same.unionByName(one_link).withColumn("finding_id", finding_id("alert", "watch_doc_id", "doc_id",
                                                                          "via_entity_id"))
    hit_docs = documents.select("doc_id", "source", "title", "event_date", *access_group())
    rows = hits.join(hit_docs, "doc_id").withColumnRenamed("finding_id", "alert_id")
    found = first_seen(rows, "alert_id", "raised_at", previous, now).select(*ALERT_COLUMNS)

    watch_access = watched.select("watch_doc_id", *ACCESS).dropDuplicates(["watch_doc_id"])
    keyed = found.select(F.col("alert_id").alias("finding_id"), "watch_doc_id", "doc_id", "subject_entity_id",
                         "via_entity_id", "via_relation", *ACCESS)
    link_evidence = (keyed.where(F.col("via_entity_id").isNotNull())
                     .select("finding_id", "subject_entity_id", "via_entity_id", "via_relation")
                     .join(to_identifiers.select(
                         F.col("src_entity_id").alias("subject_entity_id"),
                         F.col("dst_entity_id").alias("via_entity_id"),
                         "doc_ids", *access_group()), ["subject_entity_id", "via_entity_id"]))
    evidence = (evidence_rows(keyed.drop(*ACCESS).join(watch_access, "watch_doc_id"), "watch", "watch_doc_id")
                .unionByName(evidence_rows(keyed, "hit", "doc_id"))
                .unionByName(evidence_rows(link_evidence, "link", "doc_ids", relation=F.col("via_relation"))))
    return found, evidence


def subjects_touched(mentions: DataFrame, links: DataFrame, changes: Mapping[str, TableChange]) -> DataFrame:
    """``subject_entity_id`` of every subject whose alerts a change may alter: each entity a changed
    mention or document names (as it was and is) — as a subject, or as an identifier linked to one —
    and each subject whose links to identifiers changed."""
    named = [c.keys("entity_id") for c in (changes.get("gold/mentions"),) if c is not None]
    documents = changes.get("gold/documents")
    if documents is not None:
        named.append(mentions.join(documents.keys("doc_id"), "doc_id", "left_semi").select("entity_id"))
    entities = reduce(DataFrame.unionByName, named or [mentions.limit(0).select("entity_id")]).distinct()
    to_identifiers = F.col("relation").isin(*TO_IDENTIFIER)
    holders = [links.where(to_identifiers).join(entities.withColumnRenamed("entity_id", "dst_entity_id"),
                                                "dst_entity_id", "left_semi").select("src_entity_id")]
    relinked = changes.get("gold/entity_links")
    if relinked is not None:
        holders += [side.where(to_identifiers).select("src_entity_id") for side in (relinked.added, relinked.removed)]
    subjects = entities.unionByName(reduce(DataFrame.unionByName, holders).withColumnRenamed("src_entity_id",
                                                                                             "entity_id"))
    return subjects.where(F.col("entity_id").isNotNull()).distinct().withColumnRenamed("entity_id",
                                                                                       "subject_entity_id")


def alerts_of(subjects: DataFrame, documents: DataFrame, mentions: DataFrame, links: DataFrame,
              previous: DataFrame | None, now: dt.datetime) -> tuple[DataFrame, DataFrame]:
    """:func:`alerts` of these subjects (``subject_entity_id``) alone, reading only what they rest on:
    the mentions of them and of the identifiers linked to them, and those documents."""
    subject = subjects.select(F.col("subject_entity_id").alias("src_entity_id"))
    # What they rest on is a sliver of each table, read many times by alerts(): computed once.
    held = checkpoint(links.where(F.col("relation").isin(*TO_IDENTIFIER))
                      .join(F.broadcast(subject), "src_entity_id", "left_semi"))
    entities = subject.select(F.col("src_entity_id").alias("entity_id")).unionByName(
        held.select(F.col("dst_entity_id").alias("entity_id"))).distinct()
    named = checkpoint(mentions.join(F.broadcast(entities), "entity_id", "left_semi"))
    read = checkpoint(documents.join(F.broadcast(named.select("doc_id").distinct()), "doc_id", "left_semi"))
    found, evidence = alerts(read, named, held,
                             None if previous is None else previous.join(subjects, "subject_entity_id", "left_semi"),
                             now)
    found = found.join(subjects, "subject_entity_id", "left_semi")
    return found, evidence.join(found.select(F.col("alert_id").alias("finding_id")), "finding_id", "left_semi")
