"""Pattern assets: watchlist alerts, hidden cross-border links, trends and hotspots.

Alerts and hidden links keep the time each was first found across rebuilds (the previous table
is read before it is replaced), so "new since" survives every materialize.
"""
import datetime as dt
from typing import Any

import dagster as dg
from pyspark.sql import DataFrame

from assets.metadata import table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY
from assets.resources import LakeResource, SparkResource, StagesResource, tables
from pipelines.lakehouse import Lakehouse
from pipelines.patterns.alerts import ALERT_COLUMNS, alerts
from pipelines.patterns.findings import EVIDENCE_COLUMNS
from pipelines.patterns.hidden_links import HIDDEN_LINK_COLUMNS, hidden_links
from pipelines.patterns.trends import HOTSPOT_COLUMNS, TREND_COLUMNS, classified_documents, hotspots, trends
from pipelines.sources import Sources

_COMMON: dict[str, Any] = dict(group_name="patterns", kinds={"spark", "delta"}, owners=OWNERS,
                               freshness_policy=FRESHNESS)


def _spec(name: str, description: str, ins: dict[str, dg.AssetIn]) -> dg.AssetSpec:
    """A table of a multi-asset reading ``ins`` (Dagster wants them as each table's deps as well)."""
    deps = [i.key for i in ins.values() if i.key is not None]
    return dg.AssetSpec(["gold", name], description=description, deps=deps, **_COMMON)


def _previous(lakehouse: Lakehouse, uri: str) -> DataFrame | None:
    """The table as it stood before this run (cached: it is about to be replaced)."""
    return lakehouse.read(uri).cache() if lakehouse.exists(uri) else None


def _write_findings(context: dg.AssetExecutionContext, lake: LakeResource, lakehouse: Lakehouse, name: str,
                    found: DataFrame, evidence: DataFrame, previous: DataFrame | None,
                    preview: list[str]) -> list[dg.MaterializeResult]:
    evidence_name = f"{name.rstrip('s')}_evidence"  # alerts → alert_evidence
    uri, evidence_uri = lake.paths.table("gold", name), lake.paths.table("gold", evidence_name)
    try:
        found = found.cache()
        result = lakehouse.overwrite(found, uri)
        evidence_result = lakehouse.overwrite(evidence.select(*EVIDENCE_COLUMNS), evidence_uri)
    finally:
        found.unpersist()
        if previous is not None:
            previous.unpersist()
    return [dg.MaterializeResult(asset_key=["gold", name], metadata=table_metadata(uri, result, preview)),
            dg.MaterializeResult(asset_key=["gold", evidence_name],
                                 metadata=table_metadata(evidence_uri, evidence_result, EVIDENCE_COLUMNS[:4]))]


_ALERT_INS = tables(documents="gold/documents", mentions="gold/mentions", links="gold/entity_links")
_HIDDEN_LINK_INS = tables(links="gold/entity_links")
_TREND_INS = tables(documents="silver/documents")


@dg.multi_asset(retry_policy=RETRY, ins=_ALERT_INS, specs=[
    _spec("alerts", "Watchlist hits: every document touching the subject of a notice or diffusion (same entity, "
          "or one link away through a phone, identity document, vehicle or account), raised once.", _ALERT_INS),
    _spec("alert_evidence", "The documents each alert rests on (watch, hit, link), with their access fields.",
          _ALERT_INS),
])
def gold_alerts(context: dg.AssetExecutionContext, documents: DataFrame, mentions: DataFrame, links: DataFrame,
                lake: LakeResource, spark: SparkResource):
    lakehouse = lake.lakehouse(spark, context)
    previous = _previous(lakehouse, lake.paths.table("gold", "alerts"))
    found, evidence = alerts(documents, mentions, links, previous, dt.datetime.now(dt.timezone.utc))
    yield from _write_findings(context, lake, lakehouse, "alerts", found.select(*ALERT_COLUMNS), evidence, previous,
                               ["raised_at", "kind", "watch_title", "title"])


@dg.multi_asset(retry_policy=RETRY, ins=_HIDDEN_LINK_INS, specs=[
    _spec("hidden_links", "Two persons joined through a third entity by links from two countries' data, first "
          "seen when.", _HIDDEN_LINK_INS),
    _spec("hidden_link_evidence", "The documents of each hidden link's two links, with their access fields.",
          _HIDDEN_LINK_INS),
])
def gold_hidden_links(context: dg.AssetExecutionContext, links: DataFrame, lake: LakeResource, spark: SparkResource):
    lakehouse = lake.lakehouse(spark, context)
    previous = _previous(lakehouse, lake.paths.table("gold", "hidden_links"))
    found, evidence = hidden_links(links, previous, dt.datetime.now(dt.timezone.utc))
    yield from _write_findings(context, lake, lakehouse, "hidden_links", found.select(*HIDDEN_LINK_COLUMNS), evidence,
                               previous, HIDDEN_LINK_COLUMNS[2:])


def trend_assets(sources: Sources) -> list[dg.AssetsDefinition]:
    """``gold/trends`` and ``gold/hotspots`` from silver documents, classified by the offence fields of
    ``sources``."""

    @dg.multi_asset(retry_policy=RETRY, ins=_TREND_INS, specs=[
        _spec("trends", "Documents by country, month, offence category (one taxonomy over four languages) and "
              "source, per access group.", _TREND_INS),
        _spec("hotspots", "Reports by H3 cell, month and offence category, per access group.", _TREND_INS),
    ])
    def gold_trends(context: dg.AssetExecutionContext, documents: DataFrame, lake: LakeResource,
                    spark: SparkResource, stages: StagesResource):
        lakehouse = lake.lakehouse(spark, context)
        classified = classified_documents(documents, sources).cache()
        try:
            for name, frame, columns in (
                    ("trends", trends(classified), TREND_COLUMNS),
                    ("hotspots", hotspots(classified, stages.settings.hotspot_resolution), HOTSPOT_COLUMNS)):
                uri = lake.paths.table("gold", name)
                result = lakehouse.overwrite(frame.select(*columns), uri)
                yield dg.MaterializeResult(asset_key=["gold", name], metadata=table_metadata(uri, result, columns[:5]))
        finally:
            classified.unpersist()

    return [gold_trends]
