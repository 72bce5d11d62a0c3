"""Asset checks: each table's Great Expectations suite, one Dagster check per expectation.

A suite runs once per table (one validation on the Spark DataFrame) and reports every
expectation as its own check, so the UI shows which rule failed, with failing examples.
``error`` expectations are blocking: when one fails, the assets that depend on the table do not
run. ``warn`` expectations only flag.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import dagster as dg

from assets.metadata import markdown_cell, markdown_table
from assets.resources import LakeResource, SparkResource
from pipelines.quality import Outcome, load_suite, suite_tables, validate
from pipelines.sources import Sources

_CELL = 80
# A table's checks run as one step, named this prefix and the table (``expectations_silver_records``).
CHECKS_OP_PREFIX = "expectations_"


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _examples_markdown(examples: list[Any]) -> str:
    if examples and all(isinstance(e, dict) for e in examples):
        return markdown_table(examples, _CELL, _json_text)
    return "\n".join(f"- `{markdown_cell(e, _CELL, _json_text)}`" for e in examples)


def check_result(key: dg.AssetKey, outcome: Outcome) -> dg.AssetCheckResult:
    metadata: dict[str, Any] = {"expectation": dg.MetadataValue.text(outcome.expectation)}
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
    uses = suite.get("meta", {}).get("uses", [])

    @dg.multi_asset_check(specs=specs, name=f"{CHECKS_OP_PREFIX}{table.replace('/', '_')}",
                          description=f"expectations/{table}.json, validated with Great Expectations on Spark.")
    def run_suite(lake: LakeResource, spark: SparkResource) -> Iterator[dg.AssetCheckResult]:
        lakehouse = lake.lakehouse(spark)
        views = {name: lakehouse.read(lake.paths.table(*name.split("/"))) for name in uses}
        frame = lakehouse.read(lake.paths.table(*table.split("/")))
        for outcome in validate(frame, table, suite, views, sources=sources):
            yield check_result(key, outcome)

    return run_suite


def table_checks(sources: Sources) -> list[dg.AssetChecksDefinition]:
    """Every suite of ``expectations/``, its parameters taken from ``sources``."""
    return [suite_checks(table, sources) for table in suite_tables()]
