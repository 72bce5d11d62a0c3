"""Pattern assets: watchlist alerts, hidden cross-border links, trends and hotspots.

Alerts and hidden links keep the time each was first found across rebuilds (the previous table
is read before it is replaced), so "new since" survives every materialize.
"""
from __future__ import annotations

import datetime as dt

import dagster as dg
from pyspark.sql import DataFrame

from assets.bronze import bronze_keys, current_frames
from assets.metadata import table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY
from assets.resources import LakeResource, SparkResource
from pipelines.lakehouse import Lakehouse
from pipelines.patterns.alerts import ALERT_COLUMNS, alerts
from pipelines.patterns.findings import EVIDENCE_COLUMNS
from pipelines.patterns.hidden_links import HIDDEN_LINK_COLUMNS, hidden_links
from pipelines.patterns.trends import (HOTSPOT_COLUMNS, TREND_COLUMNS, classified_documents, hotspot_resolution,
                                       hotspots, trends)
from pipelines.sources import Sources

_COMMON = dict(group_name="patterns", kinds={"spark", "delta"}, owners=OWNERS, freshness_policy=FRESHNESS)
_GOLD = {name: dg.AssetKey(["gold", name]) for name in ("documents", "mentions", "entity_links")}


def _spec(name: str, description: str, deps: list[dg.AssetKey]) -> dg.AssetSpec:
    return dg.AssetSpec(["gold", name], deps=deps, description=description, **_COMMON)


def _previous(lakehouse: Lakehouse, uri: str) -> DataFrame | None:
    """The table as it stood before this run (cached: it is about to be replaced)."""
    return lakehouse.read(uri).cache() if lakehouse.exists(uri) else None


def _write_findings(lake: LakeResource, lakehouse: Lakehouse, name: str, found: DataFrame, evidence: DataFrame,
                    previous: DataFrame | None, preview: list[str]) -> list[dg.MaterializeResult]:
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


@dg.multi_asset(retry_policy=RETRY, specs=[
    _spec("alerts", "Watchlist hits: every document touching the subject of a notice or diffusion (same entity, "
          "or one link away through a phone, identity document, vehicle or account), raised once.",
          [_GOLD["documents"], _GOLD["mentions"], _GOLD["entity_links"]]),
    _spec("alert_evidence", "The documents each alert rests on (watch, hit, link), with their access fields.",
          [_GOLD["documents"], _GOLD["mentions"], _GOLD["entity_links"]]),
])
def gold_alerts(lake: LakeResource, spark: SparkResource):
    lakehouse = lake.lakehouse(spark)
    read = lambda name: lakehouse.read(lake.paths.table("gold", name))  # noqa: E731
    previous = _previous(lakehouse, lake.paths.table("gold", "alerts"))
    found, evidence = alerts(read("documents"), read("mentions"), read("entity_links"), previous,
                             dt.datetime.now(dt.timezone.utc))
    yield from _write_findings(lake, lakehouse, "alerts", found.select(*ALERT_COLUMNS), evidence, previous,
                               ["raised_at", "kind", "watch_title", "title"])


@dg.multi_asset(retry_policy=RETRY, specs=[
    _spec("hidden_links", "Two persons joined through a third entity by links from two countries' data, first "
          "seen when.",
          [_GOLD["entity_links"]]),
    _spec("hidden_link_evidence", "The documents of each hidden link's two links, with their access fields.",
          [_GOLD["entity_links"]]),
])
def gold_hidden_links(lake: LakeResource, spark: SparkResource):
    lakehouse = lake.lakehouse(spark)
    previous = _previous(lakehouse, lake.paths.table("gold", "hidden_links"))
    found, evidence = hidden_links(lakehouse.read(lake.paths.table("gold", "entity_links")), previous,
                                   dt.datetime.now(dt.timezone.utc))
    yield from _write_findings(lake, lakehouse, "hidden_links", found.select(*HIDDEN_LINK_COLUMNS), evidence,
                               previous, HIDDEN_LINK_COLUMNS[2:])


def trend_assets(sources: Sources) -> list[dg.AssetsDefinition]:
    """``gold/trends`` and ``gold/hotspots``: they read the offence fields of the bronze tables of ``sources``."""
    bronze = bronze_keys(sources)

    @dg.multi_asset(retry_policy=RETRY, specs=[
        _spec("trends", "Documents by country, month, offence category (one taxonomy over four languages) and "
              "source, per access group.", [_GOLD["documents"], *bronze]),
        _spec("hotspots", "Reports by H3 cell, month and offence category, per access group.",
              [_GOLD["documents"], *bronze]),
    ])
    def gold_trends(lake: LakeResource, spark: SparkResource):
        lakehouse, records = current_frames(lake, spark, sources)
        classified = classified_documents(lakehouse.read(lake.paths.table("gold", "documents")), records,
                                          sources).cache()
        reports = sources["reports"]
        try:
            for name, frame, columns in (
                    ("trends", trends(classified), TREND_COLUMNS),
                    ("hotspots", hotspots(classified, records[reports.name], reports, hotspot_resolution()),
                     HOTSPOT_COLUMNS)):
                uri = lake.paths.table("gold", name)
                result = lakehouse.overwrite(frame.select(*columns), uri)
                yield dg.MaterializeResult(asset_key=["gold", name], metadata=table_metadata(uri, result, columns[:5]))
        finally:
            classified.unpersist()

    return [gold_trends]
