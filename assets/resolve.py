"""Resolution assets: the person model, person records clustered, every mention given its entity,
entities and their links.

The gold tables are laid out on the key a search looks them up by (mentions by document, entities
by id, links by their source), see ``pipelines/layout.py``; an increment rewrites the rows of the
persons, documents and entities a change touches (``pipelines/resolve/increment.py``).
"""

import datetime as dt
import inspect
import time
from functools import reduce
from typing import Any

import dagster as dg
from pyspark.sql import DataFrame

from assets.increments import full_refresh_requested, increment, refreshed
from assets.metadata import count_markdown, table_metadata
from assets.models import PERSON_MODEL
from assets.policies import FRESHNESS, OWNERS, RETRY, stoppable
from assets.resources import LakeResource, SparkResource, StagesResource, tables
from pipelines.changes import TableChange
from pipelines.extract.job import MENTION_CLUSTER
from pipelines.extract.training import model_key
from pipelines.lakehouse import Scope, WriteResult, unchanged
from pipelines.layout import clustered, files_for
from pipelines.resolve import linkage, persons
from pipelines.resolve.entities import (
    CLUSTER_COLUMNS,
    ENTITY_CLUSTER,
    ENTITY_COLUMNS,
    GOLD_MENTION_COLUMNS,
    LINK_CLUSTER,
    LINK_COLUMNS,
    entities,
    entity_links,
    mention_entities,
    person_clusters,
    persons_changed,
    persons_of,
    persons_to_recluster,
    train_person_model,
)
from pipelines.resolve.increment import (
    Resolution,
    changed_documents,
    communications,
    documents_to_read,
    documents_to_resolve,
    entities_to_summarize,
    linked_entities,
    names_for,
)
from pipelines.resolve.linkage import Untrainable
from pipelines.resolve.person_names import PERSON_NAME_CLUSTER, PERSON_NAME_COLUMNS, person_names
from pipelines.resolve.persons import MissingModel, load_model, model_digest, retrain_reason, save_model
from pipelines.spark import checkpoint

_COMMON: dict[str, Any] = dict(group_name="resolve", kinds={"spark", "delta"}, owners=OWNERS,
                               freshness_policy=FRESHNESS,
               retry_policy=RETRY)


# The code a trained person model is a function of: what it compares and how it is trained.
_PERSON_MODEL_SOURCES = (persons, linkage)


class PersonModelTraining(dg.Config):
    retrain: bool = False  # train again on the records as they are now (else the kept model serves)
    seed: int = 1  # of the random pairs u is estimated on


@dg.asset(key=PERSON_MODEL, ins=tables(records="silver/records"), group_name="resolve", kinds={"splink", "python"},
          owners=OWNERS,
          description="The Splink model that tells whether two person records are one person (names, dates of birth, "
          "sex, nationality, shared identifiers), trained unsupervised on the person records. Kept between runs: "
          "increments score new records with it; trained again by a full refresh (the nightly job), when asked "
          "(config retrain: true), when its code or the resolution engine changed, and on each run until the "
          "records are enough to train it.")
@stoppable
def person_model(context: dg.AssetExecutionContext, config: PersonModelTraining, records: DataFrame,
                 lake: LakeResource, stages: StagesResource) -> dg.MaterializeResult:
    settings = stages.settings
    folder = lake.paths.model("persons")
    definition = model_key({"engine": settings.resolution_engine, "seed": config.seed},
                           [inspect.getsource(m) for m in _PERSON_MODEL_SOURCES])
    kept = load_model(folder)
    why = retrain_reason(kept[1] if kept else None, definition, asked=config.retrain,
                         full=full_refresh_requested(context))
    if why is not None or kept is None:
        context.log.info(f"training the person model ({why}) on {settings.resolution_engine}")
        started = time.perf_counter()
        trained_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        card: dict[str, Any] = {"definition": definition, "engine": settings.resolution_engine,
                                "seed": config.seed, "trained_at": trained_at}
        try:
            model = train_person_model(records, settings.resolution_engine, config.seed, settings.resolution_memory)
            card["model"] = model_digest(model)
        except Untrainable as untrainable:  # each person its own until the records are enough
            model, card["model"], card["untrained"] = None, "none", str(untrainable)
            context.log.warning(f"no person model: {untrainable}")
        card["training_seconds"] = round(time.perf_counter() - started, 1)
        save_model(folder, model, card)
    else:
        model, card = kept
    origin = f"trained ({why}) in {card['training_seconds']:.0f} s" if why else f"kept, trained {card['trained_at']}"
    summary = (f"no person model: {card['untrained']}" if model is None
               else f"person model {card['model']} ({origin})")
    return dg.MaterializeResult(metadata={
        "summary": summary, "model_key": card["model"], "retrained": why is not None,
        "trained_at": card["trained_at"], "engine": card["engine"], "path": dg.MetadataValue.path(str(folder)),
        "probability_two_random_records_match": model["probability_two_random_records_match"] if model else 0.0,
    })


@dg.asset(key=["silver", "person_clusters"], ins=tables(records="silver/records"), deps=[PERSON_MODEL], **_COMMON,
          description="Every person record and the person entity it belongs to, by the kept person model "
          "(models/persons). Incremental: the records a change may regroup — the persons changed, those "
          "sharing a blocking key with one, and the members of their clusters — are clustered again.")
@stoppable
def silver_person_clusters(context: dg.AssetExecutionContext, records: DataFrame, lake: LakeResource,
                           spark: SparkResource, stages: StagesResource) -> dg.MaterializeResult:
    settings = stages.settings
    uri = lake.paths.table("silver", "person_clusters")
    kept = load_model(lake.paths.model("persons"))
    if kept is None:
        raise MissingModel("no person model: materialize models/persons first")
    model, card = kept
    # A model trained again regroups every record: its key in the settings makes the step whole.
    step = increment(context, lake, {"silver/records": lake.uri(context.asset_key_for_input("records"))},
                     card["model"])
    lakehouse = lake.lakehouse(spark, context, step.mark)

    def grouped(rows: DataFrame) -> DataFrame:
        return person_clusters(rows, model, engine=settings.resolution_engine,
                               memory_limit=settings.resolution_memory).select(*CLUSTER_COLUMNS)

    def whole() -> WriteResult:
        return lakehouse.merge(grouped(records), uri, ["record_id"], delete_missing=True)

    def by_change(changes: dict[str, TableChange]) -> tuple[WriteResult, dict[str, int]]:
        change = changes["silver/records"]
        changed = checkpoint(persons_changed(change.added, change.removed))
        if changed.isEmpty():
            return unchanged(uri), {}  # no person, nor anything a person holds, changed
        regrouped = checkpoint(persons_to_recluster(records, changed, lakehouse.read(uri)))
        scope = Scope("record_id", regrouped.unionByName(changed))  # a removed person leaves its rows
        return lakehouse.replace(grouped(persons_of(records, regrouped)), uri, scope), \
            {"persons_changed": changed.count(), "persons_clustered": scope.size}

    result, metadata = refreshed(step, lakehouse, whole, by_change)
    return dg.MaterializeResult(metadata={**table_metadata(uri, result, CLUSTER_COLUMNS), **metadata})


@dg.asset(key=["silver", "person_names"], ins=tables(mentions="silver/mentions", records="silver/records"), **_COMMON,
          description="The sound keys of every person's name as resolution looks it up: each person named in text "
          "(two words or more) and each pair of words of each person record. Incremental: the names of the "
          "documents whose mentions or records changed are written again.")
@stoppable
def silver_person_names(context: dg.AssetExecutionContext, mentions: DataFrame, records: DataFrame,
                        lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    uri = lake.uri(context.asset_key)
    step = increment(context, lake, _inputs(context, lake, mentions="silver/mentions", records="silver/records"))
    lakehouse = lake.lakehouse(spark, context, step.mark)

    def whole() -> WriteResult:
        files = files_for(lake.input_rows(context, "mentions") // 2)
        return lakehouse.overwrite(clustered(person_names(mentions, records), *PERSON_NAME_CLUSTER, files=files), uri)

    def by_change(changes: dict[str, TableChange]) -> tuple[WriteResult, dict[str, int]]:
        scope = Scope("doc_id", reduce(DataFrame.unionByName, [c.keys("doc_id") for c in changes.values()]))
        rows = person_names(scope.rows_of(mentions), scope.rows_of(records))
        return lakehouse.replace(rows, uri, scope, PERSON_NAME_CLUSTER), {"documents_recomputed": scope.size}

    result, metadata = refreshed(step, lakehouse, whole, by_change)
    return dg.MaterializeResult(metadata={**table_metadata(uri, result, PERSON_NAME_COLUMNS[:5]), **metadata})


def _inputs(context: dg.AssetExecutionContext, lake: LakeResource, **names: str) -> dict[str, str]:
    """The tables an asset reads (input name → table name), as an increment's inputs: table name → URI."""
    return {table: lake.uri(context.asset_key_for_input(name)) for name, table in names.items()}


_RESOLUTION_INS = dict(mentions="silver/mentions", records="silver/records", documents="silver/documents",
                       clusters="silver/person_clusters", names="silver/person_names")


@dg.asset(key=["gold", "mentions"], ins=tables(**_RESOLUTION_INS), **_COMMON,
          description="Every mention with the entity it names: identifiers by canonical value, persons by "
          "their cluster (names in text by their words and the identifiers beside them), places by name. "
          "Incremental: the documents a change may resolve otherwise, and those naming the same persons, are "
          "resolved again (pipelines/resolve/increment.py).")
@stoppable
def gold_mentions(context: dg.AssetExecutionContext, mentions: DataFrame, records: DataFrame, documents: DataFrame,
                  clusters: DataFrame, names: DataFrame, lake: LakeResource,
                  spark: SparkResource) -> dg.MaterializeResult:
    uri = lake.paths.table("gold", "mentions")
    step = increment(context, lake, _inputs(context, lake, **_RESOLUTION_INS))
    lakehouse = lake.lakehouse(spark, context, step.mark)

    def whole() -> WriteResult:
        frame = mention_entities(mentions, records, clusters, documents, names).select(*GOLD_MENTION_COLUMNS)
        files = files_for(lake.input_rows(context, "mentions"))
        return lakehouse.overwrite(clustered(frame, *MENTION_CLUSTER, files=files), uri)

    def by_change(changes: dict[str, TableChange]) -> tuple[WriteResult, dict[str, int]]:
        current = Resolution(mentions, records, documents, clusters, names, lakehouse.read(uri))
        changed = checkpoint(changed_documents(current, changes))
        resolving = Scope("doc_id", checkpoint(documents_to_resolve(current, changed)))
        read = Scope("doc_id", checkpoint(documents_to_read(current, resolving.values)))
        frame = mention_entities(read.rows_of(mentions), records, clusters, read.rows_of(documents),
                                 names_for(names, clusters, read.values))
        rows = resolving.rows_of(frame.select(*GOLD_MENTION_COLUMNS))
        return lakehouse.replace(rows, uri, resolving, MENTION_CLUSTER), {
            "documents_changed": changed.count(), "documents_recomputed": resolving.size,
            "documents_read": read.size}

    result, refresh = refreshed(step, lakehouse, whole, by_change)
    metadata = {**table_metadata(uri, result, ["doc_id", "entity_id", "text"]), **refresh}
    metadata["mentions_by_type"] = dg.MetadataValue.md(count_markdown(uri, "entity_type"))
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(key=["gold", "entities"], ins=tables(mentions="gold/mentions", documents="silver/documents",
                                               records="silver/records", clusters="silver/person_clusters"),
          **_COMMON, description="One row per entity and access group of its evidence: canonical name, every name "
          "seen, properties, sources, first and last seen, mention and document counts. Incremental: the entities "
          "whose mentions, documents or records changed are summed up again.")
@stoppable
def gold_entities(context: dg.AssetExecutionContext, mentions: DataFrame, documents: DataFrame, records: DataFrame,
                  clusters: DataFrame, lake: LakeResource, spark: SparkResource) -> dg.MaterializeResult:
    uri = lake.paths.table("gold", "entities")
    step = increment(context, lake, _inputs(context, lake, mentions="gold/mentions", documents="silver/documents",
                                            records="silver/records", clusters="silver/person_clusters"))
    lakehouse = lake.lakehouse(spark, context, step.mark)

    def whole() -> WriteResult:
        files = files_for(lake.input_rows(context, "mentions") // 2)
        return lakehouse.overwrite(
            clustered(entities(mentions, documents, records, clusters).select(*ENTITY_COLUMNS), *ENTITY_CLUSTER,
                      files=files), uri)

    def by_change(changes: dict[str, TableChange]) -> tuple[WriteResult, dict[str, int]]:
        scope = Scope("entity_id", checkpoint(entities_to_summarize(mentions, records, clusters, changes)))
        named = scope.rows_of(mentions)
        rows = entities(named, Scope("doc_id", named.select("doc_id")).rows_of(documents), records, clusters)
        return (lakehouse.replace(rows.select(*ENTITY_COLUMNS), uri, scope, ENTITY_CLUSTER),
                {"entities_recomputed": scope.size})

    result, refresh = refreshed(step, lakehouse, whole, by_change)
    metadata = {**table_metadata(uri, result, ["entity_id", "name", "owner_country"]), **refresh}
    metadata["entities_by_type"] = dg.MetadataValue.md(count_markdown(uri, "entity_type"))
    return dg.MaterializeResult(metadata=metadata)


_LINK_INS = dict(mentions="gold/mentions", records="silver/records", documents="silver/documents",
                 clusters="silver/person_clusters", names="silver/person_names")


@dg.asset(key=["gold", "entity_links"], ins=tables(**_LINK_INS), **_COMMON,
          description="Links between entities (same-as, holds-document, uses-phone, drives-vehicle, "
          "pays-account, associated-with, co-mentioned, possibly-same-as) with their evidence documents, one row per "
          "access group. Incremental: the links from every entity a change touches are drawn again.")
@stoppable
def gold_entity_links(context: dg.AssetExecutionContext, mentions: DataFrame, records: DataFrame,
                      documents: DataFrame, clusters: DataFrame, names: DataFrame, lake: LakeResource,
                      spark: SparkResource) -> dg.MaterializeResult:
    uri = lake.paths.table("gold", "entity_links")
    step = increment(context, lake, _inputs(context, lake, **_LINK_INS))
    lakehouse = lake.lakehouse(spark, context, step.mark)

    def whole() -> WriteResult:
        frame = entity_links(mentions, records, documents, clusters, names)
        files = files_for(lake.input_rows(context, "mentions"))
        return lakehouse.overwrite(clustered(frame.select(*LINK_COLUMNS), *LINK_CLUSTER, files=files), uri)

    def by_change(changes: dict[str, TableChange]) -> tuple[WriteResult, dict[str, int]]:
        touched = Scope("entity_id",
                        checkpoint(linked_entities(mentions, records, documents, clusters, names, changes)))
        sources = Scope("src_entity_id", touched.values.withColumnRenamed("entity_id", "src_entity_id"))
        read = Scope("doc_id", checkpoint(communications(documents, touched.rows_of(mentions).select("doc_id"))))
        frame = entity_links(read.rows_of(mentions), read.rows_of(records), read.rows_of(documents), clusters,
                             names_for(names, clusters, read.values))
        return (lakehouse.replace(sources.rows_of(frame.select(*LINK_COLUMNS)), uri, sources, LINK_CLUSTER),
                {"entities_recomputed": sources.size, "documents_read": read.size})

    result, refresh = refreshed(step, lakehouse, whole, by_change)
    metadata = {**table_metadata(uri, result, ["src_entity_id", "relation", "dst_entity_id"]), **refresh}
    metadata["links_by_relation"] = dg.MetadataValue.md(count_markdown(uri, "relation"))
    return dg.MaterializeResult(metadata=metadata)
