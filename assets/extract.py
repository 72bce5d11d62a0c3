"""Extraction assets: the tagger trained here, and every document read for what it names."""

import inspect
from pathlib import Path

import dagster as dg
from pyspark.sql import DataFrame

from assets.metadata import count_markdown, table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY
from assets.resources import LakeResource, SparkResource, StagesResource, tables
from generator import people, prose, texts
from generator import training as labelled
from pipelines.extract import heldout, tagger, tokens, training
from pipelines.extract.job import extract_mentions
from pipelines.extract.tagger import Tagger

NER_MODEL = dg.AssetKey(["models", "ner"])
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
    "extractor and confidence; structured fields as mentions without offsets. Access fields of the document.",
)
def silver_mentions(context: dg.AssetExecutionContext, documents: DataFrame, records: DataFrame, lake: LakeResource,
                    spark: SparkResource, stages: StagesResource) -> dg.MaterializeResult:
    extractor = stages.settings.extractor
    model = Tagger.load(lake.paths.model("ner")) if extractor == "tagger" else None
    uri = lake.paths.table("silver", "mentions")
    result = lake.lakehouse(spark, context).merge(extract_mentions(documents, records, model), uri, ["mention_id"],
                                                  delete_missing=True)
    metadata = table_metadata(uri, result, ["doc_id", "type", "text", "canonical", "extractor"])
    metadata["mentions_by_type"] = dg.MetadataValue.md(count_markdown(uri, "type"))
    metadata["extractor"] = extractor
    if model is not None:
        metadata["model_key"] = model.card.get("key", "")
    return dg.MaterializeResult(metadata=metadata)
