"""Mentions and records → ``gold.mentions``, ``gold.entities`` and ``gold.entity_links``.

- Identifiers (phone, e-mail, identity document, VIN, plate, IBAN, IMEI, wallet, IP) are one
  entity per canonical value: ``phone:+5491155551234``.
- Person records are clustered by :mod:`pipelines.resolve.persons`; a cluster is one entity,
  ``person:<hash of its smallest record id>``.
- A person named in free text joins the person entity whose names contain every word of it,
  looked up by a pair of its words (order-free: "PEREZ GOMEZ JUAN" meets "JUAN PEREZ GOMEZ");
  among several namesakes, the one sharing an identifier the document (or its message, or an
  attachment of it) also names, else (three words or more) the one whose name reads in the
  mention's order, else the one seen elsewhere with the persons this document names for sure (see
  ``_companion_clues``); with none to tell them apart, or no record at all, the name stays an
  entity of its own document.
- Places and organizations are one entity per folded name.

Every derived row carries the access fields of its evidence: an entity or a link has one row per
access group of the documents it comes from, so a user who may not see a document never learns of
it through an entity's names, properties or links (the views filter these rows like documents).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import BooleanType
from pyspark.sql.window import Window

from pipelines.canonical import canonical_names
from pipelines.config import StageSettings
from pipelines.conform import ACCESS, access_group
from pipelines.identifiers import IDENTIFIER_TYPES
from pipelines.resolve.person_names import RECORD, TEXT, text_persons
from pipelines.resolve.persons import (
    FEATURE_SCHEMA,
    THRESHOLD,
    blocking_keys,
    cluster_persons,
    cluster_persons_spark,
    person_features,
    train_model,
)
from pipelines.resolve.relations import ASSOCIATED_WITH, CO_MENTIONED, POSSIBLY_SAME_AS, RELATION_OF, SAME_AS
from pipelines.spark import checkpoint

STRONG_IDENTIFIERS = ("identity_document", "phone", "email")  # what person records hold, compared by the model
GOLD_MENTION_COLUMNS = ["mention_id", "doc_id", "entity_id", "entity_type", "field", "text", "value", "country",
                        "start", "end", "extractor", "confidence", *ACCESS]
ENTITY_COLUMNS = ["row_id", "entity_id", "entity_type", "name", "names", "properties", "sources", "first_seen",
                  "last_seen", "mentions", "documents", *ACCESS]
LINK_COLUMNS = ["row_id", "src_entity_id", "dst_entity_id", "relation", "doc_ids", "weight", *ACCESS]
# What each gold table's files are cut by (the first column, in ranges) and sorted on: its look-up key.
ENTITY_CLUSTER = ("entity_id",)
LINK_CLUSTER = ("src_entity_id",)


# A name left undecided is a possible link of its namesakes only when they are this few: "JUAN
# PEREZ" may name thousands of entities, each of them not a clue to anyone.
MAX_NAMESAKES = 8

CLUSTER_COLUMNS = ["record_id", "entity_id"]
RECORD_FACTS = ["record_id", "date_of_birth", "sex", "nationalities"]


def _row_id(*columns: Column | str) -> Column:
    """A row's key: its identity and the access group of its evidence, hashed."""
    parts = [F.col(c) if isinstance(c, str) else c for c in columns]
    access = [F.col("owner_country"), F.array_join(F.array_sort("restricted_to"), ","), F.col("classification")]
    return F.sha1(F.concat_ws("|", *parts, *access))


def person_input_rows(records: DataFrame) -> DataFrame:
    """The records the person model reads: persons, and the identifiers held by a record."""
    return records.where((F.col("record_type") == "person") | (
        F.col("record_type").isin(*STRONG_IDENTIFIERS) & F.col("related_record_id").isNotNull()))


def person_inputs(records: DataFrame) -> DataFrame:
    """Person records with the canonical identifiers they hold (``type:value``), as the model reads them."""
    held = (records.where(F.col("record_type").isin(*STRONG_IDENTIFIERS) & F.col("related_record_id").isNotNull()
                          & F.col("canonical").isNotNull())
            .groupBy(F.col("related_record_id").alias("record_id"))
            .agg(F.array_sort(F.collect_set(F.concat_ws(":", "record_type", "canonical"))).alias("identifiers")))
    return (records.where(F.col("record_type") == "person")
            .select("record_id", "given_names", "family_name", "full_name", "date_of_birth", "sex", "nationalities")
            .join(held, "record_id", "left"))


def person_entity_id(cluster: Column) -> Column:
    return F.concat(F.lit("person:"), F.substring(F.sha1(cluster), 1, 16))


def person_features_of(records: DataFrame) -> DataFrame:
    """The model's features (:data:`~pipelines.resolve.persons.FEATURE_SCHEMA`) of the person
    records of ``records``, computed by the executors."""
    return person_inputs(records).mapInPandas(
        lambda batches: (person_features(b.to_dict("records")) for b in batches), FEATURE_SCHEMA)


def train_person_model(records: DataFrame, engine: str = "duckdb", seed: int = 1,
                       memory_limit: str = StageSettings.resolution_memory) -> dict[str, Any]:
    """The person model trained on the person records of ``records`` on ``engine`` (its JSON names
    the engine's SQL dialect); :class:`~pipelines.resolve.linkage.Untrainable` when they are too
    few, or too few alike, to learn from."""
    features = person_features_of(records)
    if engine == "spark":
        return train_model(features.persist(), seed)
    return train_model(features.toPandas(), seed, memory_limit)


def person_clusters(records: DataFrame, model: dict[str, Any] | None, threshold: float = THRESHOLD,
                    engine: str = "duckdb", memory_limit: str = StageSettings.resolution_memory) -> DataFrame:
    """(record_id, entity_id) of every person record of ``records``, by ``model`` on either engine
    (None: no model could be trained yet, each record is a person of its own).

    ``duckdb``: only the compared columns reach the driver, streamed, and Splink runs there
    (within ``memory_limit``, spilling past it).
    ``spark``: the features are computed by the executors and Splink's Spark backend runs the
    same model; nothing is collected.
    """
    spark = records.sparkSession
    if model is None:
        clusters = person_inputs(records).select("record_id", F.col("record_id").alias("cluster"))
    elif engine == "spark":
        clusters = cluster_persons_spark(person_features_of(records).persist(), model, threshold)
    else:
        inputs = person_inputs(records)
        found = cluster_persons(person_features(row.asDict() for row in inputs.toLocalIterator()), model, threshold,
                                memory_limit=memory_limit)
        frame = pd.DataFrame({"record_id": list(found), "cluster": list(found.values())}, dtype="string")
        schema = "record_id string, cluster string"
        clusters = spark.createDataFrame(frame, schema) if len(frame) else spark.createDataFrame([], schema)
    return clusters.select("record_id", person_entity_id(F.col("cluster")).alias("entity_id"))


def persons_changed(added: DataFrame, removed: DataFrame) -> DataFrame:
    """(``record_id``) of the persons whose features a change of ``silver.records`` touches: person
    rows added or removed, and the holders of identifier rows added or removed."""
    rows = person_input_rows(added.unionByName(removed))
    return rows.select(F.when(F.col("record_type") == "person", F.col("record_id"))
                       .otherwise(F.col("related_record_id")).alias("record_id")).distinct()


def persons_to_recluster(records: DataFrame, changed: DataFrame, clusters: DataFrame) -> DataFrame:
    """(``record_id``) of the persons whose cluster a change may alter, a set no edge of the model
    leaves: the ``changed`` persons; those sharing a blocking key with one (their new edges); and
    every member of the present clusters of either (edges a change removed, and the edges that
    tie the rest of a cluster to them). ``clusters``: ``silver.person_clusters`` as it is."""
    keys = blocking_keys(person_features_of(records))
    changed_keys = keys.join(changed.withColumnRenamed("record_id", "unique_id"), "unique_id", "left_semi")
    sharing = (keys.join(changed_keys.select("key").distinct(), "key", "left_semi")
               .select(F.col("unique_id").alias("record_id")))
    near = changed.unionByName(sharing).distinct()
    hit = clusters.join(near, "record_id", "left_semi").select("entity_id").distinct()
    return near.unionByName(clusters.join(hit, "entity_id", "left_semi").select("record_id")).distinct()


def persons_of(records: DataFrame, persons: DataFrame) -> DataFrame:
    """The rows of ``records`` the model reads for ``persons`` (``record_id``): their person rows
    and the identifiers they hold."""
    ids = F.broadcast(persons.select("record_id").distinct())
    own = records.where(F.col("record_type") == "person").join(ids, "record_id", "left_semi")
    held = (records.where(F.col("record_type").isin(*STRONG_IDENTIFIERS))
            .join(ids.withColumnRenamed("record_id", "related_record_id"), "related_record_id", "left_semi"))
    return own.unionByName(held)


def in_name_order(words: list[str], sequence: list[str]) -> bool:
    """Whether ``words`` read in the order of ``sequence`` from some starting word on, going round:
    "PEREZ MENDOZA RAUL" and "RAUL MENDOZA" are in the order of RAUL PEREZ MENDOZA, "RAUL MENDOZA
    PEREZ" (another man: first and second surnames swapped) is not."""
    for start in range(len(sequence)):
        remaining = iter(sequence[start:] + sequence[:start])
        if all(word in remaining for word in words):
            return True
    return False


@F.pandas_udf(BooleanType())
def _in_any_order(words: pd.Series, sequences: pd.Series) -> pd.Series:
    return pd.Series([any(in_name_order(list(w), list(s)) for s in seqs) for w, seqs in zip(words, sequences)])


def _clue(kind: Column, value: Column) -> Column:
    return F.concat_ws(":", kind, F.when(kind == "alias", canonical_names(value)).otherwise(value))


def person_clues(records: DataFrame) -> DataFrame:
    """(record_id, clue) of person records: the identifiers held (a plate through its vehicle) and the aliases."""
    held = records.where(F.col("record_type").isin(*IDENTIFIER_TYPES) & F.col("canonical").isNotNull()).select(
        "record_id", "record_type", "canonical", "related_record_id")
    owner = records.where(F.col("record_type") == "person").select(F.col("record_id").alias("owner"))
    direct = held.join(owner, held.related_record_id == owner.owner).select("owner", "record_type", "canonical")
    vehicles = held.where(F.col("record_type") == "vehicle").select(
        F.col("record_id").alias("vehicle"), F.col("related_record_id").alias("owner"))
    through = (held.where(F.col("record_type") == "plate").join(vehicles, held.related_record_id == vehicles.vehicle)
               .select("owner", "record_type", "canonical"))
    identifiers = direct.unionByName(through).select(
        F.col("owner").alias("record_id"), _clue(F.col("record_type"), F.col("canonical")).alias("clue"))
    aliases = records.where(F.col("record_type") == "person").select(
        "record_id", F.explode("aliases").alias("alias")).select(
        "record_id", _clue(F.lit("alias"), F.col("alias")).alias("clue"))
    return identifiers.unionByName(aliases).where(F.col("clue").isNotNull())


@dataclass(frozen=True)
class _Namesakes:
    """The person entities' names, as free-text names look them up."""
    words: DataFrame  # entity_id, known (every word of its names), sequences (each name's words in order)
    keys: DataFrame  # entity_id, key (a pair of its words)
    probes: DataFrame  # key, probe (a third word), entity_id


def _namesakes(names: DataFrame, clusters: DataFrame) -> _Namesakes:
    """The person entities' names, from their records' rows of ``silver.person_names``."""
    people = (names.where(F.col("kind") == RECORD)
              .select(F.col("name_id").alias("record_id"), "key", "words", "sequence").join(clusters, "record_id"))
    words = people.groupBy("entity_id").agg(F.array_distinct(F.flatten(F.collect_list("words"))).alias("known"),
                                            F.collect_set("sequence").alias("sequences"))
    keys = people.where(F.col("key").isNotNull()).select("entity_id", "key").distinct()
    probes = keys.join(words.select("entity_id", F.explode("known").alias("probe")), "entity_id")
    return _Namesakes(words, keys, probes)


def _keyed(names: DataFrame, mentions: DataFrame) -> DataFrame:
    """The ``mentions`` (``mention_id``) named in text with two words or more, with the sound keys
    of their words (``sequence`` as written, ``words`` sorted) and the look-up keys of
    :func:`_candidates`, from ``names`` (``silver.person_names``)."""
    return (names.where(F.col("kind") == TEXT)
            .select(F.col("name_id").alias("mention_id"), "doc_id", "words", "sequence", "key", "probe")
            .join(mentions.select("mention_id"), "mention_id", "left_semi"))


def _candidates(keyed: DataFrame, names: _Namesakes) -> tuple[DataFrame, DataFrame]:
    """A named mention's namesakes: every entity whose names hold all of its words.

    A common pair of words ("JUAN|PEREZ") is shared by thousands of entities at a million
    documents, so no mention meets them all. A mention of three words or more looks its entities
    up by a third word, which each candidate must know anyway: ``longer`` (mention_id, doc_id,
    entity_id, in_order, candidates) lists them. A mention of two words matches every entity
    holding the pair, so ``pair`` (mention_id, doc_id, key, candidates) only counts them; those
    that can win are found from the clues. Both give the decision of meeting them all.
    """
    longer = (keyed.where(F.col("probe").isNotNull()).join(names.probes, ["key", "probe"])
              .join(names.words, "entity_id")
              .where(F.size(F.array_except("words", "known")) == 0)
              .select("mention_id", "doc_id", "entity_id", _in_any_order("sequence", "sequences").alias("in_order"),
                      F.count("*").over(Window.partitionBy("mention_id")).alias("candidates")))
    pair = keyed.where(F.col("probe").isNull()).select("mention_id", "doc_id", "key").join(
        names.keys.groupBy("key").agg(F.count("*").alias("candidates")), "key")
    return longer, pair


def _few_namesakes(longer: DataFrame, pair: DataFrame, names: _Namesakes) -> DataFrame:
    """(mention_id, doc_id, entity_id): every namesake of the mentions that have at most ``MAX_NAMESAKES``."""
    return (longer.where(F.col("candidates") <= MAX_NAMESAKES).select("mention_id", "doc_id", "entity_id")
            .unionByName(pair.where(F.col("candidates") <= MAX_NAMESAKES).join(names.keys, "key")
                         .select("mention_id", "doc_id", "entity_id")))


def _shared(candidates: DataFrame, doc_clues: DataFrame, entity_clues: DataFrame, on: list[str]) -> DataFrame:
    """(mention_id, doc_id, entity_id, shared): how many of its document's clues each candidate shares.
    A clue's ``evidence`` (the document it was learnt from, null for records) must be another
    document: a mention does not vouch for itself."""
    return (candidates.join(doc_clues, "doc_id").join(entity_clues, on)
            .where(F.col("evidence").isNull() | (F.col("evidence") != F.col("doc_id")))
            .groupBy("mention_id", "doc_id", "entity_id").agg(F.countDistinct("clue").alias("shared")))


def _decide(longer: DataFrame, pair: DataFrame, names: _Namesakes, doc_clues: DataFrame,
            entity_clues: DataFrame) -> DataFrame:
    """(mention_id, doc_id, entity_id) for the mentions that have one namesake, or whose namesakes
    the clues (``clue`` by document; ``clue``, ``evidence`` by entity) tell apart, or, for three
    words or more, the order of the words."""
    shared = _shared(longer.select("mention_id", "doc_id", "entity_id"), doc_clues, entity_clues, ["entity_id", "clue"])
    longer = longer.join(shared, ["mention_id", "doc_id", "entity_id"], "left").fillna(0, ["shared"])
    only = pair.where(F.col("candidates") == 1).join(names.keys, "key").select(
        "mention_id", "doc_id", "entity_id", "candidates", F.lit(0).cast("long").alias("shared"))
    sharing = _shared(pair, doc_clues, entity_clues.join(names.keys, "entity_id"), ["clue", "key"]).join(
        pair.select("mention_id", "candidates"), "mention_id")
    # Two words say little of order ("RAUL PEREZ" reads in both RAUL PEREZ MENDOZA and RAUL
    # MENDOZA PEREZ): a pair's candidates are told apart by clues alone.
    pair = (only.join(sharing.select("mention_id"), "mention_id", "left_anti").unionByName(sharing)
            .withColumn("in_order", F.lit(False)))

    # Candidates sharing no clue are left out of ``pair``; they would rank below every one that does.
    # Then the one whose names read in the mention's order: the same words in another order name
    # another man ("RAUL MENDOZA PEREZ" is not RAUL PEREZ MENDOZA).
    by_mention = Window.partitionBy("mention_id").orderBy(F.desc("shared"), F.desc("in_order"), "entity_id")
    scored = (longer.select("mention_id", "doc_id", "entity_id", "candidates", "shared", "in_order")
              .unionByName(pair)
              .withColumn("rank", F.row_number().over(by_mention))
              .withColumn("next_shared", F.coalesce(F.lead("shared").over(by_mention), F.lit(0)))
              .withColumn("next_in_order", F.coalesce(F.lead("in_order").over(by_mention), F.lit(False))))
    better = (F.col("shared") > F.col("next_shared")) | (
        (F.col("shared") == F.col("next_shared")) & F.col("in_order") & ~F.col("next_in_order"))
    return scored.where((F.col("rank") == 1) & ((F.col("candidates") == 1) | better)).select(
        "mention_id", "doc_id", "entity_id")


def _companion_clues(sure: DataFrame, possible: DataFrame, open_docs: DataFrame) -> tuple[DataFrame, DataFrame]:
    """The network as clues, for the documents ``open_docs`` (doc_id) whose names are undecided.
    ``sure`` (doc_id, entity_id) are the persons a document names for sure, ``possible`` those it
    may name (sure, or a namesake of a name left undecided).

    A person named for sure in a document *meets* everyone it may name. An entity's clues are
    itself and those it met, each with that document as evidence; a document's, the persons it
    names for sure and those they met in other documents. So of the namesakes of "Sophie
    Bernard" beside PEDRO SANTOS DE SILVA, the one whose own record names a "Pedro Santos de
    Silva" wins (though that name was itself left undecided there), as does one who met someone
    he met (an associate's associate), or one the document already names; a namesake never seen
    near him does not. Only a sure person meets: two namesakes left undecided beside SOPHIE
    BERNARD are not both her associates.
    """
    clue = lambda column: F.concat(F.lit("person:"), column)  # noqa: E731
    met = (sure.alias("a").join(possible.alias("b"), "doc_id").where(F.col("a.entity_id") != F.col("b.entity_id"))
           .select(F.col("a.entity_id").alias("entity_id"), F.col("b.entity_id").alias("neighbour"), "doc_id"))
    itself = sure.select("entity_id", F.col("entity_id").alias("neighbour"), F.lit(None).cast("string").alias("doc_id"))
    entity_clues = (met.unionByName(itself)
                    .select("entity_id", clue(F.col("neighbour")).alias("clue"), F.col("doc_id").alias("evidence"))
                    .distinct())
    named = sure.join(open_docs, "doc_id")
    around = (named.join(met.withColumnRenamed("doc_id", "evidence"), "entity_id")
              .where(F.col("evidence") != F.col("doc_id")).select("doc_id", F.col("neighbour").alias("entity_id")))
    doc_clues = named.unionByName(around).select("doc_id", clue(F.col("entity_id")).alias("clue")).distinct()
    return doc_clues, entity_clues


def _record_persons(mentions: DataFrame, clusters: DataFrame) -> DataFrame:
    """A record's person mentions (its structured mention is the record itself) with the entity of
    the record's cluster (null for a record not clustered)."""
    return mentions.where((F.col("type") == "person") & (F.col("extractor") == "structured")).join(
        clusters.withColumnRenamed("record_id", "mention_id"), "mention_id", "left")


def _communications(documents: DataFrame) -> DataFrame:
    """(doc_id, communication): a message and its attachments are one communication, the message's id."""
    return documents.select("doc_id", F.coalesce("parent_doc_id", "doc_id").alias("communication"))


def _communication_clues(doc_clues: DataFrame, documents: DataFrame) -> DataFrame:
    """(doc_id, clue): each document's clues and those of the rest of its communication: a message
    names what its attachments name (the passport scanned with it), and they what it names."""
    member = _communications(documents)
    spread = (doc_clues.join(member, "doc_id").select("communication", "clue")
              .join(member, "communication").select("doc_id", "clue"))
    return doc_clues.unionByName(spread).distinct()


def text_person_entities(mentions: DataFrame, clusters: DataFrame, records: DataFrame, documents: DataFrame,
                         names: DataFrame) -> DataFrame:
    """(mention_id, entity_id) for persons named in free text, resolved as the module says: first
    by the identifiers and aliases the document (or its communication: a message and its
    attachments) names, the order of the words, or a name only one entity holds; what that leaves
    undecided, by the persons the document names for sure (its records' subjects and the names so
    decided) and those each namesake is named with elsewhere. ``names``: ``silver.person_names``
    (:mod:`pipelines.resolve.person_names`) of at least these mentions and the records.
    """
    keyed = _keyed(names, text_persons(mentions))
    names = _namesakes(names, clusters)
    doc_clues = _communication_clues(
        mentions.where((F.col("type").isin(*IDENTIFIER_TYPES, "alias")) & (F.col("extractor") != "structured")
                       & F.col("canonical").isNotNull())
        .select("doc_id", _clue(F.col("type"), F.col("canonical")).alias("clue")).distinct(), documents)
    entity_clues = (person_clues(records).join(clusters, "record_id")
                    .select("entity_id", "clue", F.lit(None).cast("string").alias("evidence")).distinct())
    # Each read by both rounds: computed once, their lineage cut.
    longer, pair = (checkpoint(frame) for frame in _candidates(keyed, names))
    identified = checkpoint(_decide(longer, pair, names, doc_clues, entity_clues))

    longer, pair = (frame.join(identified, "mention_id", "left_anti") for frame in (longer, pair))
    subjects = _record_persons(mentions, clusters).where(F.col("entity_id").isNotNull())
    sure = subjects.select("doc_id", "entity_id").unionByName(identified.select("doc_id", "entity_id"))
    possible = _few_namesakes(longer, pair, names).select("doc_id", "entity_id")
    open_docs = longer.select("doc_id").unionByName(pair.select("doc_id")).distinct()
    networked = _decide(longer, pair, names,
                        *_companion_clues(sure.distinct(), sure.unionByName(possible).distinct(), open_docs))
    return identified.unionByName(networked).select("mention_id", "entity_id")


def _undecided_entity(doc_id: Column, value: Column) -> Column:
    """The entity of a name in free text no person entity could take: its own, in its document."""
    return person_entity_id(F.concat_ws("|", doc_id, value))


def possible_identities(gold_mentions: DataFrame, names: DataFrame, clusters: DataFrame) -> DataFrame:
    """``possibly_same_as`` links (src, dst, relation, doc_id, access) from a name left to its
    document to each of its namesakes, when they are at most ``MAX_NAMESAKES``: "Raúl Pérez,
    alias PETIT" in a Colombian report may be RAUL PEREZ MENDOZA or RAUL MENDOZA PEREZ, and an
    analyst looking at either should see the report and whom it names with him, as a lead."""
    undecided = gold_mentions.where((F.col("entity_type") == "person") & (F.col("extractor") != "structured")
                                    & (F.col("field") != "header")
                                    & (F.col("entity_id") == _undecided_entity(F.col("doc_id"), F.col("value"))))
    namesakes_of = _namesakes(names, clusters)
    namesakes = _few_namesakes(*_candidates(_keyed(names, undecided), namesakes_of), namesakes_of)
    return (undecided.select("mention_id", "doc_id", F.col("entity_id").alias("src"), *ACCESS)
            .join(namesakes.select("mention_id", F.col("entity_id").alias("dst")), "mention_id")
            .select("src", "dst", F.lit(POSSIBLY_SAME_AS).alias("relation"), "doc_id", *ACCESS))


def mention_entities(mentions: DataFrame, records: DataFrame, clusters: DataFrame, documents: DataFrame,
                     names: DataFrame) -> DataFrame:
    """``gold.mentions``: every mention with the entity it names (none for dates and aliases)."""
    structured_person = _record_persons(mentions, clusters)
    text_person = mentions.where((F.col("type") == "person") & (F.col("extractor") != "structured")).join(
        text_person_entities(mentions, clusters, records, documents, names), "mention_id", "left").withColumn(
        "entity_id", F.coalesce("entity_id", _undecided_entity(F.col("doc_id"), F.col("canonical"))))
    others = mentions.where(F.col("type") != "person").withColumn("entity_id", F.when(
        F.col("type").isin(*IDENTIFIER_TYPES) & F.col("canonical").isNotNull(),
        F.concat_ws(":", "type", "canonical")).when(
        F.col("type").isin("location", "organization") & F.col("canonical").isNotNull(),
        F.concat_ws(":", "type", "canonical")))
    return (structured_person.unionByName(text_person).unionByName(others)
            .select("mention_id", "doc_id", "entity_id", F.col("type").alias("entity_type"), "field", "text",
                    F.col("canonical").alias("value"), "country", "start", "end", "extractor", "confidence",
                    *access_group()))


def _full_names(seen: Column) -> Column:
    """Every form written, less those that only repeat part of a longer one ("PEREZ GOMEZ")."""
    kept = F.filter(seen, lambda a: ~F.exists(seen, lambda b: (F.size(b["words"]) > F.size(a["words"]))
                                              & (F.size(F.array_except(a["words"], b["words"])) == 0)))
    return F.array_sort(F.array_distinct(F.transform(kept, lambda x: x["text"])))


def entities(gold_mentions: DataFrame, documents: DataFrame, records: DataFrame, clusters: DataFrame) -> DataFrame:
    """``gold.entities``: one row per entity and access group of its evidence.

    ``name`` is the most frequent canonical value (persons: the fullest name seen most often),
    ``names`` every form written, ``properties`` what records say of it (persons: dates of birth,
    sex, nationalities; identifiers: their country), ``sources`` the kinds of document it is in.
    """
    seen = gold_mentions.where(F.col("entity_id").isNotNull()).join(
        documents.select("doc_id", "source", "event_date"), "doc_id")
    group = ["entity_id", *ACCESS]
    best_name = (seen.groupBy(*group, "value").agg(F.count("*").alias("n"))
                 .withColumn("rank", F.row_number().over(Window.partitionBy(*group).orderBy(
                     F.desc("n"), F.desc(F.length("value")), "value")))
                 .where(F.col("rank") == 1).select(*group, F.col("value").alias("name")))
    person_facts = (records.where(F.col("record_type") == "person").select(*RECORD_FACTS, *access_group())
                    .join(clusters, "record_id")
                    .groupBy("entity_id", *ACCESS).agg(
                        F.array_join(F.array_sort(F.collect_set("date_of_birth")), ", ").alias("date_of_birth"),
                        F.array_join(F.array_sort(F.collect_set("sex")), ", ").alias("sex"),
                        F.array_join(F.array_sort(F.array_distinct(F.flatten(F.collect_list(
                            F.coalesce("nationalities", F.array().cast("array<string>")))))), ", ")
                        .alias("nationalities")))
    summary = seen.groupBy(*group).agg(
        F.first("entity_type").alias("entity_type"),
        _full_names(F.collect_set(F.struct("text", F.split(F.coalesce("value", "text"), " ").alias("words"))))
        .alias("names"),
        F.array_sort(F.collect_set("source")).alias("sources"),
        F.array_join(F.array_sort(F.collect_set("country")), ", ").alias("country"),
        F.min("event_date").alias("first_seen"), F.max("event_date").alias("last_seen"),
        F.count("*").alias("mentions"), F.countDistinct("doc_id").alias("documents"))
    properties = F.map_filter(F.create_map(
        F.lit("date_of_birth"), F.col("date_of_birth"), F.lit("sex"), F.col("sex"),
        F.lit("nationalities"), F.col("nationalities"), F.lit("country"), F.col("country")),
        lambda _, v: v.isNotNull() & (v != ""))
    return (summary.join(best_name, group).join(person_facts, group, "left")
            .select(_row_id("entity_id").alias("row_id"),
                    "entity_id", "entity_type", "name", "names", properties.alias("properties"), "sources",
                    "first_seen", "last_seen", "mentions", "documents", *ACCESS))


def entity_links(gold_mentions: DataFrame, records: DataFrame, documents: DataFrame, clusters: DataFrame,
                 names: DataFrame) -> DataFrame:
    """``gold.entity_links``: edges with their evidence documents, one row per access group.

    From records: a person holds the documents, phones and e-mails listed with it; a plate is
    the same vehicle as its VIN. From a document's text: each identifier belongs to the person
    named nearest before it (after it when none is before), persons named together are
    associated, and every other pair of entities in the document (or in a message and its
    attachments) is co-mentioned. What an attachment naming no one lists belongs to the person its
    message names, when it names one.
    A name no person entity could take is possibly the same as each of its few namesakes
    (:func:`possible_identities`).
    """
    by_record = gold_mentions.where(F.col("extractor") == "structured").select(
        F.col("mention_id").alias("record_id"), "entity_id", "entity_type")
    related = (records.where(F.col("related_record_id").isNotNull())
               .select("record_id", "related_record_id", "doc_id", *access_group())
               .join(by_record, "record_id")
               .join(by_record.select(F.col("record_id").alias("related_record_id"),
                                      F.col("entity_id").alias("owner_id"), F.col("entity_type").alias("owner_type")),
                     "related_record_id"))
    relation = F.coalesce(F.create_map(*[F.lit(x) for kv in RELATION_OF.items() for x in kv])[F.col("entity_type")],
                          F.lit(ASSOCIATED_WITH))
    structured = related.select(
        F.col("owner_id").alias("src"), F.col("entity_id").alias("dst"),
        F.when(F.col("owner_type").isin("vehicle", "plate") & F.col("entity_type").isin("vehicle", "plate"),
               F.lit(SAME_AS)).otherwise(relation).alias("relation"),
        "doc_id", *ACCESS)
    in_text = gold_mentions.where((F.col("extractor") != "structured") & (F.col("field") != "header")
                                  & F.col("entity_id").isNotNull())
    persons = in_text.where(F.col("entity_type") == "person").select(
        "doc_id", "field", F.col("entity_id").alias("person"), F.col("start").alias("person_start"))
    things = in_text.where(F.col("entity_type").isin(*IDENTIFIER_TYPES))
    distance = F.when(F.col("person_start") <= F.col("start"), F.col("start") - F.col("person_start")).otherwise(
        F.lit(1 << 30) + F.col("person_start") - F.col("start"))  # before it first, then after it
    owner = (things.join(persons, ["doc_id", "field"])
             .withColumn("rank", F.row_number().over(Window.partitionBy("mention_id").orderBy(distance, "person")))
             .where(F.col("rank") == 1)
             .select(F.col("person").alias("src"), F.col("entity_id").alias("dst"), relation.alias("relation"),
                     "doc_id", *ACCESS))
    # An attachment that names no one (a seizure report) lists what belongs to the one person its
    # message names: the link stands on both documents.
    sole_person = (persons.groupBy(F.col("doc_id").alias("parent_doc_id"))
                   .agg(F.countDistinct("person").alias("n"), F.first("person").alias("src")).where(F.col("n") == 1))
    attached = (things.join(persons.select("doc_id").distinct(), "doc_id", "left_anti")
                .join(documents.where(F.col("parent_doc_id").isNotNull()).select("doc_id", "parent_doc_id"), "doc_id")
                .join(sole_person, "parent_doc_id")
                .select("src", F.col("entity_id").alias("dst"), relation.alias("relation"),
                        F.array("doc_id", "parent_doc_id").alias("evidence"), *ACCESS)
                .select("src", "dst", "relation", F.explode("evidence").alias("doc_id"), *ACCESS))
    # A message and its attachments are one communication: what one names is named with what the
    # others name (the passport scanned beside the two men the message is about), on both documents.
    named = (in_text.join(_communications(documents), "doc_id", "left")
             .select(F.coalesce("communication", "doc_id").alias("communication"), "doc_id", "entity_id",
                     "entity_type", *ACCESS).distinct())
    pairs = (named.alias("a").join(named.alias("b"), ["communication", *ACCESS])
             .where(F.col("a.entity_id") < F.col("b.entity_id"))
             .select(F.col("a.entity_id").alias("src"), F.col("b.entity_id").alias("dst"),
                     F.when((F.col("a.entity_type") == "person") & (F.col("b.entity_type") == "person"),
                            F.lit(ASSOCIATED_WITH)).otherwise(F.lit(CO_MENTIONED)).alias("relation"),
                     F.explode(F.array_distinct(F.array("a.doc_id", "b.doc_id"))).alias("doc_id"), *ACCESS))
    edges = (structured.unionByName(owner).unionByName(attached).unionByName(pairs)
             .unionByName(possible_identities(gold_mentions, names, clusters)).where(F.col("src") != F.col("dst")))
    return (edges.groupBy("src", "dst", "relation", *ACCESS)
            .agg(F.array_sort(F.collect_set("doc_id")).alias("doc_ids"))
            .select(_row_id("src", "dst", "relation").alias("row_id"),
                    F.col("src").alias("src_entity_id"), F.col("dst").alias("dst_entity_id"), "relation", "doc_ids",
                    F.size("doc_ids").cast("double").alias("weight"), *ACCESS))
