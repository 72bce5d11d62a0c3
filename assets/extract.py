"""Extraction assets: the tagger trained here, and every document read for what it names."""

import inspect
from pathlib import Path

import dagster as dg
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from assets.increments import Increment, increment, refreshed
from assets.metadata import count_markdown, table_metadata
from assets.models import NER_MODEL
from assets.policies import FRESHNESS, OWNERS, RETRY, stoppable
from assets.resources import LakeResource, SparkResource, StagesResource, tables
from generator import people, prose, texts
from generator import training as labelled
from pipelines import delta, watermarks
from pipelines.changes import TableChange, table_change
from pipelines.conform import document_root
from pipelines.extract import heldout, tagger, tokens, training
from pipelines.extract.increment import gazetteer_change, union_ids
from pipelines.extract.job import MENTION_CLUSTER, MENTIONS_PER_DOCUMENT, build_gazetteer, extract_mentions
from pipelines.extract.names import Gazetteer
from pipelines.extract.tagger import Tagger
from pipelines.index.lookup import documents_naming, index_terms
from pipelines.lakehouse import Lakehouse, Scope, WriteResult
from pipelines.layout import clustered, files_for

ITERATIONS, REGULARIZATION = 150, 1e-5
# The code a trained model is a function of: its features, its training and its data's generator.
_MODEL_SOURCES = (tokens, tagger, training, prose, labelled, texts, people)


class NerTraining(dg.Config):
    texts: int = 8000  # labelled texts (about 45 tokens each)
    seed: int = labelled.TRAINING_SEED
    held_out: int = 400  # held-out texts scored after training (family and seed never trained on)


def _scores(scores: dict) -> dict[str, dict[str, float]]:
    return {f"{kind} / {language}": {"precision": round(s.precision, 4), "recall": round(s.recall, 4),
                                    "f1": round(s.f1, 4), "tp": s.tp, "fp": s.fp, "fn": s.fn}
            for (kind, language), s in sorted(scores.items())}


@dg.asset(
    key=NER_MODEL, group_name="extract", kinds={"spark", "python"}, owners=OWNERS,
    description="The statistical tagger of persons, organizations and places: a token classifier trained "
    "by Spark MLlib on labelled texts the generator writes (every phrasing family but the held-out one), "
    "scored on the held-out family and seed. Reproducible from its seed; trained once per configuration "
    "and code, then reused from the cache.",
)
@stoppable
def ner_model(context: dg.AssetExecutionContext, config: NerTraining, lake: LakeResource,
              spark: SparkResource, stages: StagesResource) -> dg.MaterializeResult:
    settings = {"texts": config.texts, "seed": config.seed, "held_out": config.held_out,
                "iterations": ITERATIONS, "regularization": REGULARIZATION, "features": tokens.FEATURES}
    key = training.model_key(settings, [inspect.getsource(m) for m in _MODEL_SOURCES])
    cache = Path(stages.model_cache) / "ner"
    model = training.cached_tagger(cache, key)
    reused = model is not None
    if model is None:
        session = spark.session()
        context.log.info(f"training the tagger on {config.texts:,} labelled texts (seed {config.seed})")
        run = training.train(session, labelled.training_examples(config.seed), config.texts, ITERATIONS,
                             REGULARIZATION)
        context.log.info(f"trained on {run.tokens:,} tokens in {run.seconds:.0f} s; scoring {config.held_out} "
                         "held-out texts")
        held = labelled.held_out_set(config.held_out)
        model = run.tagger
        model.card = {
            "key": key, **settings, "tokens": run.tokens, "training_seconds": round(run.seconds, 1),
            "iterations_run": run.iterations, "families": list(prose.TRAINING_FAMILIES),
            "held_out_family": prose.HELD_OUT_FAMILY, "held_out_seed": prose.HELD_OUT_SEED,
            "lexicon": list(tokens.LEXICON_LOCALES),
            "held_out_scores": {name: _scores(heldout.score(held, heldout.found_names(session, held, t)))
                                for name, t in (("tagger", model), ("rules", None))},
        }
    training.publish(model, cache, key, lake.paths.model("ner"))
    card = model.card
    person = card["held_out_scores"]["tagger"].get(f"{heldout.UNRECORDED} / all", {})
    origin = "from the cache" if reused else f"trained in {card['training_seconds']:.0f} s"
    summary = (f"tagger {key} ({origin}): held-out persons no record names "
               f"P {person.get('precision', 0):.3f} R {person.get('recall', 0):.3f}")
    return dg.MaterializeResult(metadata={
        "summary": summary, "model_key": key, "reused_from_cache": reused, "texts": card["texts"],
        "tokens": card["tokens"],
        "training_seconds": card["training_seconds"], "seed": card["seed"],
        "held_out_family": card["held_out_family"], "held_out_seed": card["held_out_seed"],
        "unrecorded_person_precision": person.get("precision", 0.0),
        "unrecorded_person_recall": person.get("recall", 0.0),
        "held_out_scores": dg.MetadataValue.json(card["held_out_scores"]),
        "path": dg.MetadataValue.path(str(lake.paths.model("ner"))),
    })


@dg.asset(
    key=["silver", "mentions"], ins=tables(documents="silver/documents", records="silver/records"), deps=[NER_MODEL],
    group_name="extract", kinds={"spark", "delta"}, owners=OWNERS, freshness_policy=FRESHNESS, retry_policy=RETRY,
    description="What every document names — phones, e-mails, identity documents, plates, VINs, IBANs, IMEIs, "
    "wallets, IP addresses, dates, persons, aliases, organizations, places — with offsets, canonical value, "
    "extractor and confidence; structured fields as mentions without offsets. Access fields of the document. "
    "Incremental: only the documents a change touches are read again (pipelines/extract/increment.py).",
)
@stoppable
def silver_mentions(context: dg.AssetExecutionContext, documents: DataFrame, records: DataFrame, lake: LakeResource,
                    spark: SparkResource, stages: StagesResource) -> dg.MaterializeResult:
    extractor = stages.settings.extractor
    model = Tagger.load(lake.paths.model("ner")) if extractor == "tagger" else None
    settings = extractor if model is None else f"{extractor} {model.card.get('key', '')}"
    uri = lake.paths.table("silver", "mentions")
    inputs = {name: lake.uri(context.asset_key_for_input(name.split("/")[-1]))
              for name in ("silver/documents", "silver/records")}
    step = increment(context, lake, inputs, settings)
    lakehouse = lake.lakehouse(spark, context, step.mark)
    gazetteer = build_gazetteer(records)

    def whole() -> WriteResult:
        files = files_for(lake.input_rows(context, "documents") * MENTIONS_PER_DOCUMENT)
        return lakehouse.overwrite(clustered(extract_mentions(documents, records, model, gazetteer), *MENTION_CLUSTER,
                                             files=files), uri)

    def by_change(changes: dict[str, TableChange]) -> tuple[WriteResult, dict[str, int]]:
        touched = _touched_documents(context, lakehouse, lake, step, changes, documents, gazetteer)
        if touched is None:
            return whole(), {}
        scope = Scope("doc_id", touched.cache())
        try:
            rows = extract_mentions(scope.rows_of(documents), scope.rows_of(records), model, gazetteer)
            return lakehouse.replace(rows, uri, scope, MENTION_CLUSTER), {"documents_read": scope.size}
        finally:
            touched.unpersist()

    result, refresh = refreshed(step, lakehouse, whole, by_change)
    metadata = {**table_metadata(uri, result, ["doc_id", "type", "text", "canonical", "extractor"]), **refresh}
    metadata["mentions_by_type"] = dg.MetadataValue.md(count_markdown(uri, "type"))
    metadata["extractor"] = extractor
    if model is not None:
        metadata["model_key"] = model.card.get("key", "")
    return dg.MaterializeResult(metadata=metadata)


def _touched_documents(context: dg.AssetExecutionContext, lakehouse: Lakehouse, lake: LakeResource, step: Increment,
                       changes: dict[str, TableChange], documents: DataFrame, gazetteer: Gazetteer) -> DataFrame | None:
    """The ``doc_id`` of every document whose mentions ``changes`` (since the watermark) may change
    (every document of each group concerned, and the documents gone); None: read them all."""
    document_change, record_change = changes.get("silver/documents"), changes.get("silver/records")
    changed = [c for c in (document_change, record_change) if c is not None]
    gone = union_ids([c.keys("doc_id") for c in changed] or [documents.limit(0)], "doc_id")
    roots = [c.keys("doc_id") for c in changed]
    if document_change is not None:
        roots.append(document_change.added.select(document_root().alias("doc_id")))
        roots.append(document_change.removed.select(document_root().alias("doc_id")))
    persons = [c for c in ((record_change.added, record_change.removed) if record_change else ())
               if not c.where(F.col("record_type") == "person").isEmpty()]
    group = documents.select("doc_id", document_root().alias("root"))
    if persons:
        naming = _naming_documents(context, lakehouse, lake, step, gazetteer)
        if naming is None:
            return None
        roots.append(group.join(naming, "doc_id", "left_semi").select(F.col("root").alias("doc_id")))
    members = group.join(F.broadcast(union_ids(roots or [documents.limit(0)], "doc_id")
                                     .withColumnRenamed("doc_id", "root")), "root", "left_semi")
    return union_ids([members.select("doc_id"), gone], "doc_id")


def _naming_documents(context: dg.AssetExecutionContext, lakehouse: Lakehouse, lake: LakeResource, step: Increment,
                      gazetteer: Gazetteer) -> DataFrame | None:
    """The documents whose reading a change of the gazetteer may change, found through the search
    index and the documents it does not reflect yet; None where the index cannot say."""
    assert step.last is not None
    records_uri = step.inputs["silver/records"]
    since = step.last.inputs.get("silver/records", -1)
    try:
        before = lakehouse.read_version(records_uri, since) if since >= 0 else lakehouse.read(records_uri).limit(0)
        old = build_gazetteer(before)
    except delta.VersionGone:
        step.reason = f"the log of silver/records no longer holds version {since}"
        return None
    requirements = gazetteer_change(old, gazetteer)
    if not requirements:
        return lakehouse.spark.createDataFrame([], "doc_id string")
    needs = [index_terms(r) for r in requirements]
    reflected = _indexed_version(lake)
    if any(n is None for n in needs) or reflected is None:
        step.reason = ("the gazetteer changed in words the index keeps no term for" if reflected is not None
                       else "the gazetteer changed and the search index does not say which documents it reflects")
        return None
    unindexed = table_change(lakehouse, step.inputs["silver/documents"], reflected, step.versions["silver/documents"])
    if unindexed is None:
        step.reason = "the gazetteer changed and the log no longer says what the index reflects"
        return None
    context.log.info(f"the gazetteer changed: {len(requirements):,} names to look up in the index")
    postings = lakehouse.read(lake.paths.table("gold", "search_terms"))
    naming = documents_naming(lakehouse.spark, postings, [n for n in needs if n is not None])
    return union_ids([naming, unindexed.keys("doc_id")], "doc_id")


def _indexed_version(lake: LakeResource) -> int | None:
    """The version of silver/documents the search index reflects (its watermark records what its
    input, gold/documents, reflected when it was built); None when the index has no watermark."""
    terms = watermarks.read(lake.paths.watermarks, "gold/search_terms")
    return None if terms is None else terms.inputs.get("silver/documents")
