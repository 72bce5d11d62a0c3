"""Extraction in Spark: silver documents and records → ``silver.mentions``.

One :class:`Extractor` is built per Python worker (its gazetteer and tagger arrive once,
broadcast) and reads batches of documents through ``mapInArrow``. A message and its attachments
are read together, so the nationalities of the persons a message names help to read the phone
numbers in its attachments. Structured fields become mentions too (extractor ``structured``), so
one table answers "where does this value occur". Every mention carries its document's access fields.

Two extractors read names (``$INSIGHT_EXTRACTOR``): ``tagger`` (the default: the statistical
tagger trained by the ``models/ner`` asset, with the gazetteer's rules beside it) and ``rules``
(the gazetteer and cue rules alone). Identifiers are read by their validating finders in both.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from pipelines.canonical import canonical_names
from pipelines.conform import ACCESS
from pipelines.extract.finders import find_identifiers
from pipelines.extract.mentions import MENTION_FIELDS, Mention
from pipelines.extract.names import VEHICLE_MAKES, Gazetteer, find_names
from pipelines.extract.tagger import Tagger
from pipelines.identifiers.name import canonical_name
from pipelines.sources import SOURCES
from pipelines.spark import record_batches, shared, shared_value, spark_schema

# Mentions are cut into files by document (silver and gold alike): an increment rewrites the few
# files that hold the documents it read again.
MENTION_CLUSTER = ("doc_id", "mention_id")
MENTIONS_PER_DOCUMENT = 10  # about, in generated documents: sizes the mentions' files
MENTION_SCHEMA = pa.schema([pa.field("mention_id", pa.string()), *MENTION_FIELDS,
                            pa.field("owner_country", pa.string()), pa.field("restricted_to", pa.list_(pa.string())),
                            pa.field("classification", pa.string())])
# The documents that open with a header rendered from their fields, then their author's text (not their parts).
HEADED_KINDS = frozenset(s.kind for s in SOURCES if s.free_text)
AUTHORED_KINDS = frozenset(k for s in SOURCES if s.free_text for k in s.document_kinds)  # and their parts
STRUCTURED_TYPES = {"person": "person", "identity_document": "identity_document", "phone": "phone", "email": "email",
                    "plate": "plate", "vehicle": "vehicle", "address": "location"}
_BATCH = 2048
class Extractor:
    """Everything one worker needs to read a document: the gazetteer, the tagger (if any) and the finders."""

    def __init__(self, gazetteer: Gazetteer, tagger: Tagger | None = None) -> None:
        self.gazetteer = gazetteer
        self.tagger = tagger

    def names(self, text: str, authored_from: int | None = None) -> list[Mention]:
        """Persons, aliases, organizations and places: the rules' alone, or — in what an author
        wrote, from ``authored_from`` on — the rules' aliases (a cue and quotes say it), then the
        tagger's finds, then the rules' where the tagger saw none."""
        ruled = find_names(text, self.gazetteer)
        if self.tagger is None or authored_from is None:
            return ruled
        aliases = [m for m in ruled if m.type == "alias"]
        tagged = [Mention(start, end, t.entity, text[start:end], canonical_name(text[start:end]), "tagger",
                          round(t.confidence, 3))
                  for t in self.tagger.tag(text[authored_from:])
                  for start, end in [(t.start + authored_from, t.end + authored_from)]]
        kept = list(aliases)
        for m in [*(m for m in tagged if not _known_otherwise(m, ruled)), *(m for m in ruled if m.type != "alias")]:
            if not any(m.overlaps(k) for k in kept):
                kept.append(m)
        return sorted(kept, key=lambda m: m.start)

    def extract(self, text: str, regions: list[str], known_persons: frozenset[str] | set[str] = frozenset(),
                authored_from: int | None = None) -> tuple[list[Mention], set[str]]:
        """Mentions in ``text`` and the nationalities of the persons it names (``authored_from``:
        where the text its author wrote begins, which the tagger reads; None for none)."""
        names = self.names(text, authored_from)
        persons = [(m.start, self.gazetteer.nationalities_of(m.text)) for m in names if m.type == "person"]
        if known_persons:
            persons.append((-10**6, set(known_persons)))  # named by the message an attachment belongs to
        identifiers = find_identifiers(text, regions, persons)
        kept = [n for n in names if not any(n.overlaps(i) or _labels(n, i, text) for i in identifiers)]
        return sorted(identifiers + kept, key=lambda m: m.start), {c for _, cs in persons for c in cs}


def _known_otherwise(tagged: Mention, ruled: list[Mention]) -> bool:
    """A person the tagger read where the rules know better: a run of words a vehicle make opens
    ("Toyota Hilux blanca"), or one word the place gazetteer reads as a place ("…, Bolivar")."""
    if tagged.type != "person":
        return False
    words = canonical_name(tagged.text).split()
    return bool(words) and (words[0] in VEHICLE_MAKES or len(words) == 1 and any(
        r.type == "location" and (r.start, r.end) == (tagged.start, tagged.end) for r in ruled))


def _labels(name: Mention, identifier: Mention, text: str) -> bool:
    """One word of a name right before an identifier is its label ("IBAN ES91…", "CPF 123…")."""
    return (name.extractor == "tagger" and " " not in name.text.strip() and 0 <= identifier.start - name.end <= 3
            and not text[name.end:identifier.start].strip(" :#"))


def _authored_from(source: str, body: str) -> int | None:
    """Where the text an author wrote begins in a document's body: after the header of a message
    or report, at once in an attachment; None in a document rendered from a record's fields,
    whose "Field: value" lines the rules read."""
    if source not in AUTHORED_KINDS:
        return None
    split = body.find("\n\n") if source in HEADED_KINDS else -1
    return split + 2 if split >= 0 else 0


def _field(source: str, body: str, start: int) -> str:
    """The header block a message or report opens with (From/To/Subject; Offence/Agency/Place:
    lines rendered from its fields) is told apart from what its author wrote."""
    if source in HEADED_KINDS:
        split = body.find("\n\n")
        return "header" if 0 <= start < split else "body"
    return "body"


def _mentions(extractor: Extractor, batches: Iterator[pa.RecordBatch]) -> Iterator[dict[str, Any]]:
    group: str | None = None
    group_persons: set[str] = set()
    for batch in batches:
        for doc in batch.to_pylist():
            if doc["_group"] != group:
                group, group_persons = doc["_group"], set()
            regions = [r for r in [doc["owner_country"], *(doc["restricted_to"] or []), doc["country"]] if r]
            access = {k: doc[k] for k in ACCESS}
            for name, text in (("title", doc["title"]), ("body", doc["body"])):
                if not text:
                    continue
                authored_from = _authored_from(doc["source"], text) if name == "body" else None
                found, nationalities = extractor.extract(text, regions, group_persons, authored_from)
                if doc["parent_doc_id"] is None:
                    group_persons |= nationalities
                for m in found:
                    field = name if name == "title" else _field(doc["source"], text, m.start)
                    yield {"mention_id": f"{doc['doc_id']}|{field}|{m.start}|{m.type}", "doc_id": doc["doc_id"],
                           "field": field, "type": m.type, "text": m.text, "canonical": m.canonical,
                           "country": m.country, "start": m.start, "end": m.end, "extractor": m.extractor,
                           "confidence": m.confidence, **access}


def _extract_fn(gazetteer: Any, tagger: Any):
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return record_batches(_mentions(Extractor(shared(gazetteer), shared(tagger)), batches), MENTION_SCHEMA, _BATCH)

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


def text_mentions(documents: DataFrame, gazetteer: Gazetteer | Any, tagger: Tagger | Any = None) -> DataFrame:
    """Mentions found in every document's title and body (``gazetteer`` and ``tagger`` may be Spark broadcasts)."""
    group = F.coalesce("parent_doc_id", "doc_id")
    ordered = (documents.select("doc_id", "parent_doc_id", "source", "title", "body", "country", *ACCESS)
               .withColumn("_group", group)
               .repartition(group)
               .sortWithinPartitions("_group", F.col("parent_doc_id").asc_nulls_first(), "doc_id"))
    return ordered.mapInArrow(_extract_fn(gazetteer, tagger), spark_schema(MENTION_SCHEMA))


def structured_mentions(records: DataFrame) -> DataFrame:
    """What structured fields name, as mentions without offsets."""
    kinds = F.create_map(*[F.lit(x) for pair in STRUCTURED_TYPES.items() for x in pair])
    person = F.col("record_type") == "person"
    full_name = F.coalesce("full_name", F.concat_ws(" ", "given_names", "family_name"))
    text = F.when(person, full_name).otherwise(F.col("value"))
    canonical = F.when(person, canonical_names(text)).otherwise(F.col("canonical"))
    return (records.where(F.col("record_type").isin(list(STRUCTURED_TYPES)))
            .select(F.col("record_id").alias("mention_id"), "doc_id", F.concat(F.lit("record:"), "role").alias("field"),
                    kinds[F.col("record_type")].alias("type"), text.alias("text"), canonical.alias("canonical"),
                    F.col("value_country").alias("country"), F.lit(None).cast("int").alias("start"),
                    F.lit(None).cast("int").alias("end"), F.lit("structured").alias("extractor"),
                    F.lit(1.0).cast("float").alias("confidence"), *ACCESS)
            .where(F.col("text").isNotNull()))


def extract_mentions(documents: DataFrame, records: DataFrame, tagger: Tagger | None = None,
                     gazetteer: Gazetteer | None = None) -> DataFrame:
    """``silver.mentions``: text mentions of every document plus the structured ones (names read
    by ``tagger`` with the rules, or by the rules alone when it is None). The gazetteer is taken
    from ``records`` unless given (an increment reads some records' documents with every record's)."""
    spark = documents.sparkSession
    gazetteer = shared_value(spark, gazetteer if gazetteer is not None else build_gazetteer(records))
    model = shared_value(spark, tagger) if tagger is not None else None
    return text_mentions(documents, gazetteer, model).unionByName(structured_mentions(records))
