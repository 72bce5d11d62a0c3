"""Extraction in Spark: silver documents and records → ``silver.mentions``.

One :class:`Extractor` is built per Python worker (its gazetteer arrives once, broadcast) and
reads batches of documents through ``mapInArrow``. A message and its attachments are read
together, so the nationalities of the persons a message names help to read the phone numbers
in its attachments. Structured fields become mentions too (extractor ``structured``), so one
table answers "where does this value occur". Every mention carries its document's access fields.

Another engine (a Spark NLP pipeline where its JAR exists) can take the place of
:class:`Extractor`: it has to return :class:`Mention` objects for a text.
"""
from __future__ import annotations

from typing import Any, Iterator

import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from pipelines.canonical import canonical_names
from pipelines.conform import ACCESS
from pipelines.extract.finders import find_identifiers
from pipelines.extract.mentions import MENTION_FIELDS, Mention
from pipelines.extract.names import Gazetteer, find_names
from pipelines.land.landing import spark_schema
from pipelines.sources import SOURCES
from pipelines.spark import record_batches, shared, shared_value

MENTION_SCHEMA = pa.schema([pa.field("mention_id", pa.string()), *MENTION_FIELDS,
                            pa.field("owner_country", pa.string()), pa.field("restricted_to", pa.list_(pa.string())),
                            pa.field("classification", pa.string())])
# The documents that open with a header rendered from their fields, then their author's text (not their parts).
HEADED_KINDS = frozenset(s.kind for s in SOURCES if s.free_text)
STRUCTURED_TYPES = {"person": "person", "identity_document": "identity_document", "phone": "phone", "email": "email",
                    "plate": "plate", "vehicle": "vehicle", "address": "location"}
_BATCH = 2048


class Extractor:
    """Everything one worker needs to read a document: the gazetteer and the finders."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def extract(self, text: str, regions: list[str], known_persons: set[str] = frozenset()) -> tuple[
            list[Mention], set[str]]:
        """Mentions in ``text`` and the nationalities of the persons it names."""
        names = find_names(text, self.gazetteer)
        persons = [(m.start, self.gazetteer.nationalities_of(m.text)) for m in names if m.type == "person"]
        if known_persons:
            persons.append((-10**6, set(known_persons)))  # named by the message an attachment belongs to
        identifiers = find_identifiers(text, regions, persons)
        kept = [n for n in names if not any(n.overlaps(i) for i in identifiers)]
        return sorted(identifiers + kept, key=lambda m: m.start), {c for _, cs in persons for c in cs}


def _field(source: str, body: str, start: int) -> str:
    """The header block a message or report opens with (From/To/Subject; Offence/Agency/Place:
    lines rendered from its fields) is told apart from what its author wrote."""
    if source in HEADED_KINDS:
        split = body.find("\n\n")
        return "header" if 0 <= start < split else "body"
    return "body"


def _mentions(extractor: Extractor, batches: Iterator[pa.RecordBatch]) -> Iterator[dict[str, Any]]:
    group, group_persons = None, set()
    for batch in batches:
        for doc in batch.to_pylist():
            if doc["_group"] != group:
                group, group_persons = doc["_group"], set()
            regions = [r for r in [doc["owner_country"], *(doc["restricted_to"] or []), doc["country"]] if r]
            access = {k: doc[k] for k in ACCESS}
            for name, text in (("title", doc["title"]), ("body", doc["body"])):
                if not text:
                    continue
                found, nationalities = extractor.extract(text, regions, group_persons)
                if doc["parent_doc_id"] is None:
                    group_persons |= nationalities
                for m in found:
                    field = name if name == "title" else _field(doc["source"], text, m.start)
                    yield {"mention_id": f"{doc['doc_id']}|{field}|{m.start}|{m.type}", "doc_id": doc["doc_id"],
                           "field": field, "type": m.type, "text": m.text, "canonical": m.canonical,
                           "country": m.country, "start": m.start, "end": m.end, "extractor": m.extractor,
                           "confidence": m.confidence, **access}


def _extract_fn(gazetteer: Any):
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return record_batches(_mentions(Extractor(shared(gazetteer)), batches), MENTION_SCHEMA, _BATCH)

    return run


def build_gazetteer(records: DataFrame) -> Gazetteer:
    """The names of every person record (notices, diffusions, nominals, SLTD holders), with nationalities.

    Only distinct names reach the driver: at most one row per person, not per record.
    """
    persons = (records.where(F.col("record_type") == "person")
               .select("given_names", "family_name", "aliases", "nationalities")
               .dropDuplicates(["given_names", "family_name"]))
    return Gazetteer.from_records((r.given_names, r.family_name, r.aliases, r.nationalities)
                                  for r in persons.toLocalIterator())


def text_mentions(documents: DataFrame, gazetteer: Gazetteer | Any) -> DataFrame:
    """Mentions found in every document's title and body (``gazetteer`` may be a Spark broadcast)."""
    group = F.coalesce("parent_doc_id", "doc_id")
    ordered = (documents.select("doc_id", "parent_doc_id", "source", "title", "body", "country", *ACCESS)
               .withColumn("_group", group)
               .repartition(group)
               .sortWithinPartitions("_group", F.col("parent_doc_id").asc_nulls_first(), "doc_id"))
    return ordered.mapInArrow(_extract_fn(gazetteer), spark_schema(MENTION_SCHEMA))


def structured_mentions(records: DataFrame) -> DataFrame:
    """What structured fields name, as mentions without offsets."""
    kinds = F.create_map(*[F.lit(x) for pair in STRUCTURED_TYPES.items() for x in pair])
    person = F.col("record_type") == "person"
    text = F.when(person, F.coalesce("full_name", F.concat_ws(" ", "given_names", "family_name"))).otherwise(F.col("value"))
    canonical = F.when(person, canonical_names(text)).otherwise(F.col("canonical"))
    return (records.where(F.col("record_type").isin(list(STRUCTURED_TYPES)))
            .select(F.col("record_id").alias("mention_id"), "doc_id", F.concat(F.lit("record:"), "role").alias("field"),
                    kinds[F.col("record_type")].alias("type"), text.alias("text"), canonical.alias("canonical"),
                    F.col("value_country").alias("country"), F.lit(None).cast("int").alias("start"),
                    F.lit(None).cast("int").alias("end"), F.lit("structured").alias("extractor"),
                    F.lit(1.0).cast("float").alias("confidence"), *ACCESS)
            .where(F.col("text").isNotNull()))


def extract_mentions(documents: DataFrame, records: DataFrame) -> DataFrame:
    """``silver.mentions``: text mentions of every document plus the structured ones."""
    shared = shared_value(documents.sparkSession, build_gazetteer(records))
    return text_mentions(documents, shared).unionByName(structured_mentions(records))
