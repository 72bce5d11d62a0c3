"""Asset checks: each table's Great Expectations suite, one Dagster check per expectation.

A suite runs once per table (one validation on the Spark DataFrame) and reports every
expectation as its own check, so the UI shows which rule failed, with failing examples.
``error`` expectations are blocking: when one fails, the assets that depend on the table do not
run. ``warn`` expectations only flag.

On an increment a suite that names its ``scope`` (a column: ``doc_id``, ``src_file``) validates
only the rows of the scope values that changed since it last validated the table — and the tables
its queries read, where they hold that column, only for those values too; an expectation that
needs the whole table (``"meta": {"scope": "table"}``) still reads all of it, and so does one
that names, in ``whole_when_changed``, a table that changed since (a new withdrawal concerns a
document that did not change). What the suite last validated (the versions of the table and of
those) is kept as its watermark (``checks/<table>``), advanced only when no blocking
expectation failed, so a failure is found again until it is mended. A full refresh (the nightly
job) validates every table whole.
"""
import json
from collections.abc import Iterator
from typing import Any

import dagster as dg
from pyspark.sql import DataFrame

from assets.increments import full_refresh_requested
from assets.metadata import markdown_cell, markdown_table
from assets.policies import step_tags, stoppable
from assets.resources import LakeResource, SparkResource
from pipelines import delta, watermarks
from pipelines.changes import table_change
from pipelines.config import LakePaths
from pipelines.lakehouse import Lakehouse, Scope
from pipelines.quality import (
    Outcome,
    failed_last_time,
    load_suite,
    reads_whole,
    suite_tables,
    unchanged,
    validate,
    validate_scope,
    verdicts_kept,
    whole_when_changed,
)
from pipelines.sources import Sources
from pipelines.spark import checkpoint

_CELL = 80
# A table's checks run as one step, named this prefix and the table (``expectations_silver_records``).
CHECKS_OP_PREFIX = "expectations_"


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _examples_markdown(examples: list[Any]) -> str:
    if examples and all(isinstance(e, dict) for e in examples):
        return markdown_table(examples, _CELL, _json_text)
    return "\n".join(f"- `{markdown_cell(e, _CELL, _json_text)}`" for e in examples)


def check_result(key: dg.AssetKey, outcome: Outcome, validated: str = "the whole table") -> dg.AssetCheckResult:
    metadata: dict[str, Any] = {"expectation": dg.MetadataValue.text(outcome.expectation),
                                "validated": dg.MetadataValue.text(validated)}
    if outcome.unexpected_count is not None:
        metadata["unexpected_count"] = dg.MetadataValue.int(int(outcome.unexpected_count))
    if outcome.unexpected_percent is not None:
        metadata["unexpected_percent"] = dg.MetadataValue.float(float(outcome.unexpected_percent))
    if outcome.observed is not None:
        metadata["observed"] = dg.MetadataValue.text(markdown_cell(outcome.observed, _CELL, _json_text))
    if outcome.examples:
        metadata["failing_examples"] = dg.MetadataValue.md(_examples_markdown(outcome.examples))
    if outcome.error:
        metadata["error"] = dg.MetadataValue.text(outcome.error)
    return dg.AssetCheckResult(
        asset_key=key, check_name=outcome.name, passed=outcome.success, metadata=metadata,
        severity=dg.AssetCheckSeverity.ERROR if outcome.severity == "error" else dg.AssetCheckSeverity.WARN,
        description=outcome.description,
    )


def suite_checks(table: str, sources: Sources) -> dg.AssetChecksDefinition:
    suite = load_suite(table)
    key = dg.AssetKey(table.split("/"))
    specs = [
        dg.AssetCheckSpec(e["meta"]["name"], asset=key, blocking=e["meta"]["severity"] == "error",
                          description=e.get("description"))
        for e in suite["expectations"]
    ]
    column = suite.get("meta", {}).get("scope")
    watched = whole_when_changed(suite)

    @dg.multi_asset_check(specs=specs, name=f"{CHECKS_OP_PREFIX}{table.replace('/', '_')}",
                          op_tags=step_tags(table),
                          description=f"expectations/{table}.json, validated with Great Expectations on Spark.")
    @stoppable
    def run_suite(context: dg.AssetCheckExecutionContext, lake: LakeResource,
                  spark: SparkResource) -> Iterator[dg.AssetCheckResult]:
        uri = lake.paths.table(*table.split("/"))
        version = delta.version(uri)
        mark = f"checks/{table}"
        read = watermarks.versions({name: lake.paths.table(*name.split("/")) for name in watched})
        last = None if full_refresh_requested(context) else watermarks.read(lake.paths.watermarks, mark)
        failing = None if last is None else failed_last_time(suite, last.settings)
        if failing is None:  # never validated, --full, or the suite was edited since: every row
            last, failing = None, frozenset()
        changed = {t for t in watched if last is None or last.inputs.get(t) != read.get(t)}
        untouched = column is not None and last is not None and version is not None and \
            last.inputs.get(table) == version
        if untouched and not any(reads_whole(e, changed, failing) for e in suite["expectations"]):
            # No row changed since the suite last validated the table, and no expectation reads it
            # whole: every verdict stands, known without a query (most tables, on a small increment).
            outcomes = [unchanged(e, version) for e in suite["expectations"]]
            validated = {o.name: "nothing: no row changed" for o in outcomes}
        else:
            outcomes, validated = _validated(lake.lakehouse(spark), lake.paths, table, suite, last, changed, failing,
                                             version, sources)
        for outcome in outcomes:
            yield check_result(key, outcome, validated[outcome.name])
        if version is not None and not any(o.severity == "error" and not o.success for o in outcomes):
            kept = verdicts_kept(suite, [o.name for o in outcomes if not o.success])
            watermarks.record(lake.paths.watermarks, mark, watermarks.Watermark({**read, table: version}, kept),
                              context.run.run_id)

    return run_suite


def _validated(lakehouse: Lakehouse, paths: LakePaths, table: str, suite: dict[str, Any],
               last: watermarks.Watermark | None, changed: set[str], failing: frozenset[str], version: int | None,
               sources: Sources) -> tuple[list[Outcome], dict[str, str]]:
    """The suite's outcomes on the rows of ``table`` that changed since it last validated the table
    (``last``; the whole table without), and what each expectation validated."""
    def rows(name: str, within: Scope | None = None) -> DataFrame:
        """A table of the lake: its rows in ``within``, or all of them."""
        uri = paths.table(*name.split("/"))
        return lakehouse.read(uri) if within is None else lakehouse.read_in(uri, within)

    scope = _changed_scope(lakehouse, paths.table(*table.split("/")), suite, last, table)
    if scope is None:
        views = {name: rows(name) for name in suite.get("meta", {}).get("uses", [])}
        outcomes = validate(rows(table), table, suite, views, sources=sources)
        return outcomes, {o.name: "the whole table" for o in outcomes}
    everywhere, outcomes = validate_scope(rows, table, suite, scope, changed, version, failing, sources)
    part = (f"the rows of the {scope.size:,} {scope.column} values that changed" if scope.size
            else "nothing: no row changed")
    return outcomes, {o.name: "the whole table" if o.name in everywhere else part for o in outcomes}


def _changed_scope(lakehouse: Lakehouse, uri: str, suite: dict[str, Any], last: watermarks.Watermark | None,
                   table: str) -> Scope | None:
    """The scope values of the rows that changed since the suite last validated the table (``last``);
    None when the suite names no scope, has not validated the table yet or its log no longer reaches back."""
    column = suite.get("meta", {}).get("scope")
    if column is None or last is None or table not in last.inputs:
        return None
    change = table_change(lakehouse, uri, last.inputs[table])
    return None if change is None else Scope(column, checkpoint(change.keys(column)))


def table_checks(sources: Sources) -> list[dg.AssetChecksDefinition]:
    """Every suite of ``expectations/``, its parameters taken from ``sources``."""
    return [suite_checks(table, sources) for table in suite_tables()]
