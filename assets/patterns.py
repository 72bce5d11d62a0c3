"""Pattern assets: watchlist alerts, hidden cross-border links, trends and hotspots.

Alerts and hidden links keep the time each was first found across rebuilds (the findings as they
stood are read before they are replaced), so "new since" survives every materialize; an increment
finds again only the findings about what it touched (a subject, a middle). Trends and hotspots
are counts kept by difference.
"""
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import dagster as dg
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from assets.increments import increment, refreshed
from assets.metadata import table_metadata
from assets.policies import FRESHNESS, OWNERS, RETRY, stoppable
from assets.resources import LakeResource, SparkResource, StagesResource, tables
from pipelines.changes import TableChange
from pipelines.lakehouse import Lakehouse, Scope, WriteResult
from pipelines.patterns.alerts import ALERT_COLUMNS, alerts, alerts_of, subjects_touched
from pipelines.patterns.findings import EVIDENCE_COLUMNS
from pipelines.patterns.hidden_links import HIDDEN_LINK_COLUMNS, hidden_links, hidden_links_through, vias_touched
from pipelines.patterns.trends import (
    HOTSPOT_COLUMNS,
    HOTSPOT_COUNT,
    TREND_COLUMNS,
    TREND_COUNT,
    classified_documents,
    hotspots,
    trends,
)
from pipelines.sources import Sources
from pipelines.spark import checkpoint
from pipelines.tally import adjusted

_COMMON: dict[str, Any] = dict(group_name="patterns", kinds={"spark", "delta"}, owners=OWNERS,
                               freshness_policy=FRESHNESS)


def _spec(name: str, description: str, ins: dict[str, dg.AssetIn]) -> dg.AssetSpec:
    """A table of a multi-asset reading ``ins`` (Dagster wants them as each table's deps as well)."""
    deps = [i.key for i in ins.values() if i.key is not None]
    return dg.AssetSpec(["gold", name], description=description, deps=deps, **_COMMON)


Found = tuple[DataFrame, DataFrame]  # findings (alerts, hidden links) and their evidence


@dataclass(frozen=True)
class _Findings:
    """A kind of finding: its table and evidence table, the column an increment scopes it by (what
    it is about: a subject, a middle) and its id column."""

    name: str
    evidence: str
    about: str
    id: str
    columns: list[str]
    preview: list[str]


def _findings(context: dg.AssetExecutionContext, lake: LakeResource, spark: SparkResource, kind: _Findings,
              inputs: dict[str, str], whole: Callable[[DataFrame | None], Found],
              touched: Callable[[dict[str, TableChange]], DataFrame],
              about: Callable[[DataFrame, DataFrame | None], Found]) -> Iterator[dg.MaterializeResult]:
    """Both tables of a kind of finding brought up to date, each with its own watermark: whole
    (``whole(previous)``), or for what the change ``touched`` (``about(scope, previous)``: the findings
    about it, replaced). ``previous``: the findings as they stood, whose first-seen times are kept."""
    uri = lake.paths.table("gold", kind.name)
    # One computation serves both tables of a step that read the same: the findings, the inputs'
    # changes and what those touched.
    computed: dict[tuple, Found] = {}
    known: dict[tuple[str, int, int], TableChange] = {}
    scopes: dict[tuple, DataFrame] = {}

    def found(lakehouse: Lakehouse, key: tuple, scope: DataFrame | None) -> Found:
        """The findings (whole, or about ``scope``) of the inputs ``key`` names: versions, or changes."""
        if key not in computed:
            previous = lakehouse.read(uri) if lakehouse.exists(uri) else None
            rows, evidence = whole(previous) if scope is None else about(scope, previous)
            computed[key] = (rows.select(*kind.columns).cache(), evidence.select(*EVIDENCE_COLUMNS).cache())
        return computed[key]

    def refresh(table: str, which: int, scope_of: Callable[[Lakehouse, DataFrame, DataFrame], Scope]):
        step = increment(context, lake, {name: lake.uri(context.asset_key_for_input(i)) for i, name in inputs.items()},
                         key=dg.AssetKey(["gold", table]), known=known)
        lakehouse = lake.lakehouse(spark, context, step.mark)
        table_uri = lake.paths.table("gold", table)

        def by_change(changes: dict[str, TableChange]) -> tuple[WriteResult, dict[str, int]]:
            seen = tuple(sorted((name, c.since, c.until) for name, c in changes.items()))
            if seen not in scopes:
                scopes[seen] = checkpoint(touched(changes))
            scope = scopes[seen]
            rows = found(lakehouse, seen, scope)
            return (lakehouse.replace(rows[which], table_uri, scope_of(lakehouse, scope, rows[0])),
                    {"findings_recomputed": rows[0].count()})

        def whole_table() -> WriteResult:
            return lakehouse.overwrite(found(lakehouse, tuple(sorted(step.versions.items())), None)[which], table_uri)

        result, metadata = refreshed(step, lakehouse, whole_table, by_change)
        preview = kind.preview if which == 0 else EVIDENCE_COLUMNS[:4]
        return dg.MaterializeResult(asset_key=["gold", table],
                                    metadata={**table_metadata(table_uri, result, preview), **metadata})

    def evidence_scope(lakehouse: Lakehouse, scope: DataFrame, rows: DataFrame) -> Scope:
        """The findings about ``scope`` (what the change touched) in the table as it stands, and found now."""
        before = lakehouse.read(uri).join(scope, kind.about, "left_semi") if lakehouse.exists(uri) else rows.limit(0)
        return Scope("finding_id", before.select(F.col(kind.id).alias("finding_id")).unionByName(
            rows.select(F.col(kind.id).alias("finding_id"))))

    try:
        # The evidence first: its scope is every finding about the change, as it stood and as it is now.
        yield refresh(kind.evidence, 1, evidence_scope)
        yield refresh(kind.name, 0, lambda _, scope, __: Scope(kind.about, scope))
    finally:
        for frames in computed.values():
            for frame in frames:
                frame.unpersist()


_ALERT_INS = tables(documents="gold/documents", mentions="gold/mentions", links="gold/entity_links")
_HIDDEN_LINK_INS = tables(links="gold/entity_links")
_TREND_INS = tables(documents="silver/documents")
_ALERTS = _Findings("alerts", "alert_evidence", "subject_entity_id", "alert_id", ALERT_COLUMNS,
                    ["raised_at", "kind", "watch_title", "title"])
_HIDDEN_LINKS = _Findings("hidden_links", "hidden_link_evidence", "via_entity_id", "path_id", HIDDEN_LINK_COLUMNS,
                          HIDDEN_LINK_COLUMNS[2:])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dg.multi_asset(retry_policy=RETRY, ins=_ALERT_INS, specs=[
    _spec("alerts", "Watchlist hits: every document touching the subject of a notice or diffusion (same entity, "
          "or one link away through a phone, identity document, vehicle or account), raised once. Incremental: "
          "the alerts of every subject a change touches are found again.", _ALERT_INS),
    _spec("alert_evidence", "The documents each alert rests on (watch, hit, link), with their access fields.",
          _ALERT_INS),
])
@stoppable
def gold_alerts(context: dg.AssetExecutionContext, documents: DataFrame, mentions: DataFrame, links: DataFrame,
                lake: LakeResource, spark: SparkResource):
    yield from _findings(
        context, lake, spark, _ALERTS,
        {"documents": "gold/documents", "mentions": "gold/mentions", "links": "gold/entity_links"},
        lambda previous: alerts(documents, mentions, links, previous, _now()),
        lambda changes: subjects_touched(mentions, links, changes),
        lambda subjects, previous: alerts_of(subjects, documents, mentions, links, previous, _now()))


@dg.multi_asset(retry_policy=RETRY, ins=_HIDDEN_LINK_INS, specs=[
    _spec("hidden_links", "Two persons joined through a third entity by links from two countries' data, first "
          "seen when. Incremental: the paths through both ends of every link that changed are found again.",
          _HIDDEN_LINK_INS),
    _spec("hidden_link_evidence", "The documents of each hidden link's two links, with their access fields.",
          _HIDDEN_LINK_INS),
])
@stoppable
def gold_hidden_links(context: dg.AssetExecutionContext, links: DataFrame, lake: LakeResource, spark: SparkResource):
    yield from _findings(
        context, lake, spark, _HIDDEN_LINKS, {"links": "gold/entity_links"},
        lambda previous: hidden_links(links, previous, _now()),
        lambda changes: vias_touched(changes["gold/entity_links"]),
        lambda vias, previous: hidden_links_through(vias, links, previous, _now()))


def trend_assets(sources: Sources) -> list[dg.AssetsDefinition]:
    """``gold/trends`` and ``gold/hotspots`` from silver documents, classified by the offence fields of
    ``sources``; whole, or kept by difference (the documents that changed taken out as they were and
    counted in as they are, :mod:`pipelines.tally`)."""

    @dg.multi_asset(retry_policy=RETRY, ins=_TREND_INS, specs=[
        _spec("trends", "Documents by country, month, offence category (one taxonomy over four languages) and "
              "source, per access group.", _TREND_INS),
        _spec("hotspots", "Reports by H3 cell, month and offence category, per access group.", _TREND_INS),
    ])
    @stoppable
    def gold_trends(context: dg.AssetExecutionContext, documents: DataFrame, lake: LakeResource,
                    spark: SparkResource, stages: StagesResource):
        inputs = {"silver/documents": lake.uri(context.asset_key_for_input("documents"))}
        resolution = stages.settings.hotspot_resolution
        every: list[DataFrame] = []  # the documents classified once, for whichever table is computed whole

        def refresh(name: str, count: Callable[[DataFrame], DataFrame], columns: list[str], measure: str,
                    settings: str) -> dg.MaterializeResult:
            uri = lake.paths.table("gold", name)
            step = increment(context, lake, inputs, settings, key=dg.AssetKey(["gold", name]))
            lakehouse = lake.lakehouse(spark, context, step.mark)

            def whole() -> WriteResult:
                if not every:
                    every.append(classified_documents(documents, sources).cache())
                return lakehouse.overwrite(count(every[0]).select(*columns), uri)

            def by_change(changes: dict[str, TableChange]) -> tuple[WriteResult, dict[str, int]]:
                change = changes["silver/documents"]
                rows = adjusted(lakehouse.read(uri), count(classified_documents(change.added, sources)),
                                count(classified_documents(change.removed, sources)),
                                [c for c in columns if c != measure], [measure])
                return lakehouse.overwrite(rows.select(*columns).coalesce(1), uri), {}

            result, metadata = refreshed(step, lakehouse, whole, by_change)
            return dg.MaterializeResult(asset_key=["gold", name],
                                        metadata={**table_metadata(uri, result, columns[:5]), **metadata})
        try:
            yield refresh("trends", trends, TREND_COLUMNS, TREND_COUNT, "")
            yield refresh("hotspots", lambda classified: hotspots(classified, resolution), HOTSPOT_COLUMNS,
                          HOTSPOT_COUNT, f"resolution {resolution}")
        finally:
            for frame in every:
                frame.unpersist()

    return [gold_trends]
