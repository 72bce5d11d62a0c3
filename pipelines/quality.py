"""Great Expectations suites from ``expectations/`` validated on Spark DataFrames.

A suite is data: Great Expectations' own JSON, one file per table, each expectation named
(``meta.name``) and graded (``meta.severity``: ``error`` blocks what depends on the table,
``warn`` only flags). What the contract knows — a table's columns, the valid country codes and
classifications, today's date — reaches a suite as suite parameters (``{"$PARAMETER": ...}``)
so that it is declared once, in code. Cross-table rules (reconciliation, referential integrity)
are ``unexpected_rows_expectation`` queries over the other tables, registered as temporary
views named ``<layer>_<table>`` for the time of the validation (and ``ref_countries(code)``,
``ref_sources(source, kind)``: each source and the kind of its documents).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession

from pipelines.conform import DOCUMENT_COLUMNS, RECORD_COLUMNS
from pipelines.extract.job import MENTION_SCHEMA
from pipelines.index.build import EDGE_COLUMNS, IDENTIFIER_COLUMNS, NAME_COLUMNS, STATS_COLUMNS, TERM_COLUMNS
from pipelines.lakehouse import Scope
from pipelines.land.sources import LANDED_FILES_SCHEMA, QUARANTINE_SCHEMA, bronze_schema
from pipelines.patterns.alerts import ALERT_COLUMNS
from pipelines.patterns.findings import EVIDENCE_COLUMNS
from pipelines.patterns.hidden_links import HIDDEN_LINK_COLUMNS
from pipelines.patterns.offences import CATEGORIES, UNCLASSIFIED
from pipelines.patterns.trends import HOTSPOT_COLUMNS, TREND_COLUMNS
from pipelines.publish import GOLD_DOCUMENT_COLUMNS
from pipelines.resolve.entities import CLUSTER_COLUMNS, ENTITY_COLUMNS, GOLD_MENTION_COLUMNS, LINK_COLUMNS
from pipelines.resolve.person_names import PERSON_NAME_COLUMNS
from pipelines.resolve.relations import RELATIONS
from pipelines.sources import SOURCES, Sources
from pipelines.vocabulary import CLASSIFICATIONS, COUNTRIES, SECRETARIAT

if TYPE_CHECKING:
    from great_expectations.data_context import AbstractDataContext

SEVERITIES = ("error", "warn")
EXAMPLES = 10  # failing values or rows shown per expectation


def table_columns(table: str, sources: Sources = SOURCES) -> list[str]:
    """The columns a table must have, in order, from the code that writes it."""
    layer, name = table.split("/")
    if layer == "bronze" and name in sources.landed:
        return bronze_schema(sources.spec(name)).names
    return {
        "bronze/quarantine": QUARANTINE_SCHEMA.names,
        "bronze/landed_files": LANDED_FILES_SCHEMA.names,
        "silver/documents": DOCUMENT_COLUMNS,
        "silver/records": RECORD_COLUMNS,
        "silver/mentions": MENTION_SCHEMA.names,
        "silver/person_clusters": CLUSTER_COLUMNS,
        "silver/person_names": PERSON_NAME_COLUMNS,
        "gold/documents": GOLD_DOCUMENT_COLUMNS,
        "gold/mentions": GOLD_MENTION_COLUMNS,
        "gold/entities": ENTITY_COLUMNS,
        "gold/entity_links": LINK_COLUMNS,
        "gold/search_terms": TERM_COLUMNS,
        "gold/search_stats": STATS_COLUMNS,
        "gold/search_names": NAME_COLUMNS,
        "gold/search_identifiers": IDENTIFIER_COLUMNS,
        "gold/search_edges": EDGE_COLUMNS,
        "gold/alerts": ALERT_COLUMNS,
        "gold/alert_evidence": EVIDENCE_COLUMNS,
        "gold/hidden_links": HIDDEN_LINK_COLUMNS,
        "gold/hidden_link_evidence": EVIDENCE_COLUMNS,
        "gold/trends": TREND_COLUMNS,
        "gold/hotspots": HOTSPOT_COLUMNS,
    }[table]


def suite_tables() -> list[str]:
    """Every table that has a suite, as ``layer/name``."""
    root = resources.files("expectations")
    return sorted(f"{layer.name}/{suite.name[:-5]}" for layer in root.iterdir() if layer.is_dir()
                  for suite in layer.iterdir() if suite.name.endswith(".json"))


def load_suite(table: str, root: Traversable | None = None) -> dict[str, Any]:
    """The suite of ``layer/name`` (from ``root``, by default the ``expectations`` package), checked."""
    layer, name = table.split("/")
    root = root or resources.files("expectations")
    suite = json.loads(root.joinpath(layer, f"{name}.json").read_text(encoding="utf-8"))
    names = [e.get("meta", {}).get("name") for e in suite["expectations"]]
    if None in names or len(set(names)) != len(names):
        raise ValueError(f"expectations/{table}.json: every expectation needs a unique meta.name")
    for expectation in suite["expectations"]:
        severity = expectation["meta"].setdefault("severity", "error")
        if severity not in SEVERITIES:
            raise ValueError(f"expectations/{table}.json: {expectation['meta']['name']}: severity must be one of "
                             f"{', '.join(SEVERITIES)}")
    return suite


def suite_parameters(table: str, today: dt.date | None = None, sources: Sources = SOURCES) -> dict[str, Any]:
    return {
        "columns": table_columns(table, sources),
        "countries": sorted(COUNTRIES),
        "owners": sorted(COUNTRIES | {SECRETARIAT}),
        "classifications": list(CLASSIFICATIONS),
        "relations": list(RELATIONS),
        "sources": list(sources.names),
        "landed": list(sources.landed),
        "document_kinds": list(sources.document_kinds),
        "offence_categories": [category for category, _ in CATEGORIES] + [UNCLASSIFIED],
        "today": (today or dt.date.today()).isoformat(),
    }


def view_name(table: str) -> str:
    return table.replace("/", "_")


@dataclass(frozen=True)
class Outcome:
    """One expectation's verdict, with what an engineer needs to see why it failed."""

    name: str
    severity: str
    success: bool
    description: str
    expectation: str
    observed: Any = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    examples: list[Any] = field(default_factory=list)
    error: str | None = None


@lru_cache(maxsize=1)
def _context(persist: bool) -> AbstractDataContext:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.data_sources.add_spark("insight", persist=persist)
    return context


def reference_views(spark: SparkSession, sources: Sources = SOURCES) -> dict[str, DataFrame]:
    """The reference tables every suite's queries may read, beside the lake's own."""
    return {"ref/countries": spark.createDataFrame([(c,) for c in sorted(COUNTRIES)], "code string"),
            "ref/sources": spark.createDataFrame([(s.name, s.kind) for s in sources], "source string, kind string")}


def validate(df: DataFrame, table: str, suite: Mapping[str, Any] | None = None,
             views: Mapping[str, DataFrame] | None = None, today: dt.date | None = None,
             sources: Sources = SOURCES, hold: bool = True) -> list[Outcome]:
    """Runs ``table``'s suite (or ``suite``) on ``df``; ``views`` are the tables its queries read, ``sources``
    the registry the suite's parameters and ``ref_sources`` come from. ``hold`` keeps ``df`` and the
    views in memory for the time of the validation: the right choice for a suite of many expectations; for a few
    over a large table, reading only the columns each needs from the lake costs less than holding
    every column of every row."""
    suite = dict(suite or load_suite(table))
    context = _context(hold)
    spark = df.sparkSession
    # Every expectation is one or more Spark jobs over the table (a query expectation two): held
    # in memory, the table and its views are read from the lake once.
    held: list[DataFrame] = []

    def keep(frame: DataFrame) -> DataFrame:
        if not frame.is_cached:
            held.append(frame.persist(StorageLevel.MEMORY_AND_DISK))
        return frame

    registered = []
    try:
        for name, frame in {**reference_views(spark, sources), **(views or {})}.items():
            (keep(frame) if hold else frame).createOrReplaceTempView(view_name(name))
            registered.append(view_name(name))
        data = keep(df) if hold else df
        parameters = suite_parameters(table, today, sources)
        # Verdicts and counts first; the failing values or rows only of what failed: fetching them
        # is a Spark job per expectation, a quarter of a small validation's jobs when all pass.
        results = _run(context, table, suite["expectations"], data, parameters,
                       {"result_format": "BASIC", "partial_unexpected_count": 0})
        failed = [e for e, r in zip(suite["expectations"], results) if not r.success]
        if failed:
            shown = _run(context, table, [_with_rows_shown(e) for e in failed], data, parameters,
                         {"result_format": "SUMMARY", "partial_unexpected_count": EXAMPLES})
            again = {r.expectation_config.meta["name"]: r for r in shown}
            results = [again.get(r.expectation_config.meta["name"], r) for r in results]
    finally:
        for name in registered:
            spark.catalog.dropTempView(name)
        for frame in held:
            frame.unpersist()
    by_name = {e["meta"]["name"]: e for e in suite["expectations"]}
    return [_outcome(r, by_name) for r in results]


def _run(context: AbstractDataContext, table: str, expectations: list[dict[str, Any]], df: DataFrame,
         parameters: dict[str, Any], result_format: dict[str, Any]) -> list[Any]:
    """Great Expectations' results of ``expectations`` on ``df``, in their order, in ``result_format``."""
    import great_expectations as gx

    run = uuid.uuid4().hex[:12]
    source = context.data_sources.get("insight")
    asset = source.add_dataframe_asset(f"{view_name(table)}_{run}")
    batch = asset.add_batch_definition_whole_dataframe("whole")
    gx_suite = context.suites.add(gx.ExpectationSuite(name=f"{table}:{run}", expectations=expectations))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{table}:{run}", data=batch, suite=gx_suite))
    try:
        result = definition.run(batch_parameters={"dataframe": df}, expectation_parameters=parameters,
                                result_format=result_format)
    finally:
        context.validation_definitions.delete(definition.name)
        context.suites.delete(gx_suite.name)
        source.delete_asset(asset.name)  # a long-lived process validates again and again
    order = {e["meta"]["name"]: i for i, e in enumerate(expectations)}
    return sorted(result.results, key=lambda r: order[r.expectation_config.meta["name"]])


_WARM_UP_SUITE = {"expectations": [
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"},
     "meta": {"name": "warm_up_column", "severity": "warn"}},
    {"type": "unexpected_rows_expectation", "kwargs": {"unexpected_rows_query": "SELECT * FROM {batch} WHERE id < 0"},
     "meta": {"name": "warm_up_query", "severity": "warn"}},
]}


def warm_up(df: DataFrame) -> None:
    """Imports Great Expectations and validates ``df`` (a column ``id``) with a column and a query
    expectation: a long-lived process does it while idle, so that the first table it validates for a
    new file does not pay the import and the JVM's first run of those code paths."""
    validate(df, "bronze/landed_files", _WARM_UP_SUITE)


def whole_when_changed(suite: Mapping[str, Any]) -> set[str]:
    """The tables a change to which concerns rows of the suite's table that did not change (a
    withdrawal names a document it does not touch): the expectations reading them name them in
    ``"meta": {"whole_when_changed": [...]}``."""
    return {t for e in suite["expectations"] for t in e["meta"].get("whole_when_changed", [])}


def reads_whole(expectation: Mapping[str, Any], changed: set[str], failing: frozenset[str] = frozenset()) -> bool:
    """Whether an increment validates ``expectation`` on every row: it asks for the whole table,
    one of the tables in its ``whole_when_changed`` is among ``changed``, or it is among ``failing``
    (it failed when last validated — a warning, since an error blocks —: the rows that failed it
    may not have changed, and its verdict must stay theirs until it passes)."""
    meta = expectation["meta"]
    return (meta.get("scope") == "table" or meta["name"] in failing
            or bool(changed & set(meta.get("whole_when_changed", []))))


def verdicts_kept(suite: Mapping[str, Any], failed: list[str]) -> str:
    """What the checks watermark keeps of a validation (its settings): the version of the suite it
    ran and the expectations that failed."""
    return json.dumps({"suite": _digest(suite), "failing": sorted(failed)}, sort_keys=True)


def failed_last_time(suite: Mapping[str, Any], kept: str) -> frozenset[str] | None:
    """The expectations that failed when ``suite`` last validated its table, from what
    :func:`verdicts_kept` kept; None when that validation ran another version of the suite (an
    expectation added or edited since, which must not pass unrun): validate every expectation whole."""
    try:
        state = json.loads(kept)
    except ValueError:
        return None
    if not isinstance(state, dict) or state.get("suite") != _digest(suite):
        return None
    return frozenset(state.get("failing", []))


def _digest(suite: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(suite, sort_keys=True).encode()).hexdigest()[:16]


def validate_scope(rows: Callable[[str, Scope | None], DataFrame], table: str, suite: Mapping[str, Any],
                   scope: Scope, changed: set[str], version: int | None, failing: frozenset[str] = frozenset(),
                   sources: Sources = SOURCES) -> tuple[set[str], list[Outcome]]:
    """``suite`` on the rows of ``table`` in ``scope`` (what an increment wrote, ``version`` the
    table's), the tables its queries read (``meta.uses``) restricted to the scope too where they
    hold its column; on every row still an expectation of the whole table (``"meta": {"scope":
    "table"}``), one that names a table of ``changed`` (the tables that changed since the suite
    last validated) in its ``whole_when_changed`` and one of ``failing`` (those that failed then).
    ``rows(name, scope)`` reads a table of the lake, whole when ``scope`` is None. The names of
    those validated on every row, and the outcomes."""
    uses = suite.get("meta", {}).get("uses", [])
    everywhere = [e for e in suite["expectations"] if reads_whole(e, changed, failing)]
    part = [e for e in suite["expectations"] if not reads_whole(e, changed, failing)]
    if scope.size == 0:
        outcomes = [unchanged(e, version) for e in part]
    else:
        views = {name: rows(name, scope if scope.column in table_columns(name, sources) else None) for name in uses}
        outcomes = validate(rows(table, scope), table, {**suite, "expectations": part}, views,
                            sources=sources) if part else []
    if everywhere:
        # A few expectations over the whole table (usually one): each reads its own columns.
        outcomes += validate(rows(table, None), table, {**suite, "expectations": everywhere},
                             {name: rows(name, None) for name in uses}, sources=sources, hold=False)
    order = [e["meta"]["name"] for e in suite["expectations"]]
    return {e["meta"]["name"] for e in everywhere}, sorted(outcomes, key=lambda o: order.index(o.name))


def unchanged(expectation: Mapping[str, Any], version: int | None) -> Outcome:
    """The verdict of an expectation on a table no row of which changed since it last passed."""
    return Outcome(name=expectation["meta"]["name"], severity=expectation["meta"]["severity"], success=True,
                   description=expectation.get("description") or expectation["type"].replace("_", " "),
                   expectation=expectation["type"],
                   observed=f"no row changed since version {version} passed")


def _with_rows_shown(expectation: Mapping[str, Any]) -> dict[str, Any]:
    """A query expectation returns its offending rows only in the COMPLETE format (capped by GE)."""
    expectation = dict(expectation)
    if expectation["type"] == "unexpected_rows_expectation":
        expectation["kwargs"] = {**expectation["kwargs"], "result_format": {"result_format": "COMPLETE"}}
    return expectation


def _outcome(result: Any, by_name: Mapping[str, dict[str, Any]]) -> Outcome:
    config = result.expectation_config
    declared = by_name[config.meta["name"]]
    details = result.result or {}
    error = _exception(result.exception_info or {})
    examples = details.get("partial_unexpected_list") or (details.get("details") or {}).get("unexpected_rows") or []
    return Outcome(
        name=config.meta["name"], severity=config.meta["severity"], success=bool(result.success),
        description=declared.get("description") or config.type.replace("_", " "),
        expectation=config.type, observed=details.get("observed_value"),
        unexpected_count=details.get("unexpected_count"), unexpected_percent=details.get("unexpected_percent"),
        examples=[_plain(e) for e in examples[:EXAMPLES]], error=error,
    )


def _exception(info: Mapping[str, Any]) -> str | None:
    """The first line of what went wrong; GE reports it flat or per metric."""
    reports = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, Mapping)]
    for report in reports:
        if report.get("raised_exception"):
            lines = str(report.get("exception_message") or "the expectation raised").strip().splitlines()
            # Spark's errors reach Python as "An error occurred while calling o104.collectToPython."
            # followed by the Java exception: that line says why.
            cause = next((line.lstrip(": ") for line in lines if "Exception:" in line or "Error:" in line), None)
            return cause or lines[0]
    return None


def _plain(value: Any) -> Any:
    """A failing example as JSON-safe data (rows come back as Spark Rows or dicts)."""
    if hasattr(value, "asDict"):
        value = value.asDict(recursive=True)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
