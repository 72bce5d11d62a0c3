"""Which documents, entities and links an increment of resolution computes again.

What resolution decides of a document depends on more than the document (``entities.py``): a
name in text is looked up among every person entity holding its words (so a new or changed
person record, or a cluster that split or merged, concerns every document naming those words),
a message and its attachments are read together, and a name the document alone cannot decide is
decided by whom its namesakes are named with elsewhere. So an increment:

1. starts from the documents whose mentions, record or message changed, those naming a person
   whose records or cluster changed (found by the name keys of ``silver.person_names``), and those
   whose record's subject changed cluster (:func:`changed_documents`);
2. adds every document that names — for sure, or as a candidate — a person one of those documents
   names: the persons whose company (the network of who is named with whom) may have changed
   (:func:`documents_to_resolve`, the documents whose rows are written);
3. resolves them beside every document naming a person they may name, for their network
   (:func:`documents_to_read`), and keeps the rows of the documents of step 2.

Every set is closed under communications (a message and its attachments) and is a superset of
what the change can reach: resolving a document again that did not change writes nothing.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from pipelines.changes import TableChange
from pipelines.resolve.person_names import RECORD, TEXT


@dataclass(frozen=True)
class Resolution:
    """The tables resolution reads, as they are now (``gold`` as it stood before this run wrote it)."""

    mentions: DataFrame  # silver.mentions
    records: DataFrame  # silver.records
    documents: DataFrame  # silver.documents
    clusters: DataFrame  # silver.person_clusters
    names: DataFrame  # silver.person_names
    gold: DataFrame  # gold.mentions


def _among(frame: DataFrame, keys: DataFrame, column: str) -> DataFrame:
    """The rows of ``frame`` whose ``column`` is one of ``keys`` (a frame of that column), the keys
    broadcast: an increment's key sets are small, but Spark cannot tell (a checkpoint has no
    statistics) and would sort both sides — most of an increment's time at 100k documents."""
    return frame.join(F.broadcast(keys), column, "left_semi")


def _union(frames: list[DataFrame], column: str) -> DataFrame:
    return reduce(DataFrame.unionByName, [f.select(column) for f in frames]).distinct()


def _both(change: TableChange | None, column: str, where: str | None = None) -> list[DataFrame]:
    """``column`` of the rows a change added and removed (those ``where`` keeps)."""
    if change is None:
        return []
    sides = [change.added, change.removed]
    return [(side.where(where) if where else side).select(column) for side in sides]


def communications(documents: DataFrame, doc_ids: DataFrame, gone: Sequence[DataFrame] = ()) -> DataFrame:
    """``doc_ids`` with every other document of their communications (a message and its
    attachments); ``gone``: documents no longer there (``doc_id``, ``parent_doc_id``), whose
    communication counts too."""
    root = F.coalesce("parent_doc_id", "doc_id").alias("root")
    members = documents.select("doc_id", root)
    roots = _union([_among(members, doc_ids, "doc_id").select("root"),
                    doc_ids.select(F.col("doc_id").alias("root")), *[g.select(root) for g in gone]], "root")
    return _union([_among(members, roots, "root"), doc_ids], "doc_id")


def entities_of_records(clusters: DataFrame, records: DataFrame) -> DataFrame:
    """``entity_id`` of the clusters of ``records`` (``record_id``)."""
    return _among(clusters, records.select("record_id").distinct(), "record_id").select("entity_id").distinct()


def name_keys(names: DataFrame, clusters: DataFrame, entities: DataFrame) -> DataFrame:
    """``key``: every key of the records of ``entities`` (``entity_id``)."""
    records = _among(clusters, entities, "entity_id").select(F.col("record_id").alias("name_id"))
    return (_among(names.where((F.col("kind") == RECORD) & F.col("key").isNotNull()), records, "name_id")
            .select("key").distinct())


def naming(names: DataFrame, keys: DataFrame) -> DataFrame:
    """``doc_id`` of the documents naming in text a person under one of ``keys``."""
    return _among(names.where(F.col("kind") == TEXT), keys, "key").select("doc_id").distinct()


def candidates(names: DataFrame, clusters: DataFrame, doc_ids: DataFrame) -> DataFrame:
    """``entity_id`` of every person a name in text of these documents may be: those whose records
    hold its key."""
    keys = _among(names.where(F.col("kind") == TEXT), doc_ids, "doc_id").select("key").distinct()
    records = _among(names.where(F.col("kind") == RECORD), keys, "key").select(F.col("name_id").alias("record_id"))
    return entities_of_records(clusters, records)


def _persons_named(r: Resolution, doc_ids: DataFrame) -> DataFrame:
    """``entity_id`` of the persons these documents name for sure or may name: as they were resolved
    (``gold``), their subjects' clusters now, and every candidate of their names in text."""
    resolved = _among(r.gold.where(F.col("entity_type") == "person"), doc_ids, "doc_id")
    subjects = _among(r.mentions.where((F.col("type") == "person") & (F.col("extractor") == "structured")),
                      doc_ids, "doc_id").select(F.col("mention_id").alias("record_id"))
    return _union([resolved.select("entity_id"), entities_of_records(r.clusters, subjects),
                   candidates(r.names, r.clusters, doc_ids)], "entity_id")


def _documents_resolved_with(r: Resolution, entities: DataFrame) -> DataFrame:
    """``doc_id`` of the documents resolved as naming one of ``entities`` (``gold``)."""
    return _among(r.gold.where(F.col("entity_type") == "person"), entities, "entity_id").select("doc_id").distinct()


def changed_persons(records: DataFrame, clusters: DataFrame, changes: dict[str, TableChange]) -> DataFrame:
    """``entity_id`` of the persons whose names, clues, facts or members a change of records or
    clusters touches, as they were and as they are: a person record, an identifier a record holds
    (a plate through its vehicle), a record that changed cluster."""
    records_change, clusters_change = changes.get("silver/records"), changes.get("silver/person_clusters")
    held = _union(_both(records_change, "related_record_id", "related_record_id IS NOT NULL") or
                  [records.limit(0).select("related_record_id")], "related_record_id")
    owners = (_among(records, held.withColumnRenamed("related_record_id", "record_id"), "record_id")
              .where(F.col("related_record_id").isNotNull()).select(F.col("related_record_id").alias("record_id")))
    touched = _union([*_both(records_change, "record_id", "record_type = 'person'"),
                      held.select(F.col("related_record_id").alias("record_id")), owners,
                      *_both(clusters_change, "record_id")], "record_id")
    return _union([entities_of_records(clusters, touched), *_both(clusters_change, "entity_id")], "entity_id")


def changed_keys(names: DataFrame, clusters: DataFrame, persons: DataFrame,
                 changes: dict[str, TableChange]) -> DataFrame:
    """``key`` of the names of ``persons`` (:func:`changed_persons`) now, and of every record name
    that changed (as it was too): the names in text whose namesakes may have changed."""
    old = _both(changes.get("silver/person_names"), "key", f"kind = '{RECORD}' AND key IS NOT NULL")
    return _union([name_keys(names, clusters, persons), *old], "key")


def changed_documents(r: Resolution, changes: dict[str, TableChange]) -> DataFrame:
    """``doc_id`` of the documents whose own resolution (before the network) may differ: their
    mentions, document, communication, subjects' clusters or the namesakes of their names changed."""
    mentions, documents = changes.get("silver/mentions"), changes.get("silver/documents")
    records, clusters = changes.get("silver/records"), changes.get("silver/person_clusters")
    keys = changed_keys(r.names, r.clusters, changed_persons(r.records, r.clusters, changes), changes)
    subjects = _both(clusters, "record_id")
    moved = [_among(r.records, _union(subjects, "record_id"), "record_id").select("doc_id")] if subjects else []
    direct = _union([*_both(mentions, "doc_id"), *_both(documents, "doc_id"), *_both(records, "doc_id"),
                     naming(r.names, keys), *moved], "doc_id")
    gone = [documents.added, documents.removed] if documents is not None else []
    return communications(r.documents, direct, gone)


def documents_to_resolve(r: Resolution, changed: DataFrame) -> DataFrame:
    """``doc_id`` of every document whose rows of ``gold.mentions`` may change: the ``changed``
    ones and every one that names (for sure, or as a candidate) a person they name, as they were
    and as they are: such a person's company may have changed."""
    persons = _persons_named(r, changed)
    concerned = _union([changed, _documents_resolved_with(r, persons),
                        naming(r.names, name_keys(r.names, r.clusters, persons))], "doc_id")
    return communications(r.documents, concerned)


def documents_to_read(r: Resolution, resolving: DataFrame) -> DataFrame:
    """``doc_id`` of the documents to resolve ``resolving`` beside: every document resolved as naming
    a person they may name (whose company decides between namesakes)."""
    persons = _persons_named(r, resolving)
    return _union([resolving, communications(r.documents, _documents_resolved_with(r, persons))], "doc_id")


def names_for(names: DataFrame, clusters: DataFrame, doc_ids: DataFrame) -> DataFrame:
    """The rows of ``silver.person_names`` resolving these documents reads: their names in text, and
    every name of each person one of those may be."""
    text = _among(names.where(F.col("kind") == TEXT), doc_ids, "doc_id")
    records = _among(clusters, candidates(names, clusters, doc_ids), "entity_id").select(
        F.col("record_id").alias("name_id"))
    return text.unionByName(_among(names.where(F.col("kind") == RECORD), records, "name_id"))


def _entities_of(gold: DataFrame, doc_ids: DataFrame) -> DataFrame:
    """``entity_id`` of everything ``gold`` (``gold.mentions``) says these documents name."""
    return _among(gold, doc_ids, "doc_id").where(F.col("entity_id").isNotNull()).select("entity_id")


def _changed_gold(changes: dict[str, TableChange]) -> list[DataFrame]:
    return [f.where(F.col("entity_id").isNotNull()) for f in _both(changes.get("gold/mentions"), "entity_id")]


def entities_to_summarize(gold: DataFrame, records: DataFrame, clusters: DataFrame,
                          changes: dict[str, TableChange]) -> DataFrame:
    """``entity_id`` of the rows of ``gold.entities`` a change may alter: the entities of the mentions
    that changed (as they were and are), the persons whose records or cluster changed, and what the
    documents that changed (their kind, their date) name."""
    documents = _both(changes.get("silver/documents"), "doc_id")
    return _union([*_changed_gold(changes), changed_persons(records, clusters, changes),
                   *([_entities_of(gold, _union(documents, "doc_id"))] if documents else [])], "entity_id")


def linked_entities(gold: DataFrame, records: DataFrame, documents: DataFrame, clusters: DataFrame,
                    names: DataFrame, changes: dict[str, TableChange]) -> DataFrame:
    """``entity_id`` of every entity whose links from it (``src_entity_id``) a change may alter.

    A link rests on one document or communication (a message and its attachments), both its ends
    named there — but for a possible identity, whose end is a namesake the document does not name.
    So: the entities of every mention that changed, the persons whose records or cluster changed,
    and every entity named in a communication where a mention, document or record changed (the
    other end of its links may be another entity now) or a name of those persons is read."""
    persons = changed_persons(records, clusters, changes)
    touched = _union([*_both(changes.get("silver/documents"), "doc_id"),
                      *_both(changes.get("silver/records"), "doc_id"),
                      *_both(changes.get("gold/mentions"), "doc_id"),
                      naming(names, changed_keys(names, clusters, persons, changes))], "doc_id")
    return _union([*_changed_gold(changes), persons, _entities_of(gold, communications(documents, touched))],
                  "entity_id")
