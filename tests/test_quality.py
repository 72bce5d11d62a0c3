"""The checks on the samples: all pass; a planted bad table blocks what depends on it; drift only warns."""
from __future__ import annotations

from pathlib import Path

import dagster as dg
import pyarrow as pa
from deltalake import DeltaTable, write_deltalake

from insight.materialize import RunOutcome

SMV_DRIFTED = (
    "vin,plate,plate_country,make,model,year,color,theft_date,reporting_country,owner_country,restricted_to,"
    "classification\n9BWZZZ377VT004251,BRA2E19,BR,VOLKSWAGEN,GOL,2019,PRATA,2024-01-20,BR,BR,,official\n"
)


def run_job(home: Path, job: str):
    from insight.materialize import run_refresh
    from pipelines.config import LakePaths

    return run_refresh(LakePaths.from_env(home), job=job)


def materialized(result) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def failed_checks(result) -> dict[tuple[str, str], str]:
    return {(e.asset_key.to_user_string(), e.check_name): e.severity.value
            for e in result.get_asset_check_evaluations() if not e.passed}



def test_every_check_passes_on_the_samples(sample_materialization):
    from assets.definitions import defs

    _, lines = sample_materialization
    checks = len(defs.get_repository_def().asset_graph.asset_check_keys)
    assert f"checks: {checks} passed, 0 failed" in lines


def test_a_planted_bad_table_trips_its_check_and_blocks_what_depends_on_it(lake_copy):
    uri = str(lake_copy / "lake" / "bronze" / "notices")
    good = DeltaTable(uri).to_pyarrow_table().slice(0, 1)
    bad = good.set_column(good.schema.get_field_index("classification"), "classification",
                          pa.array(["secret"], pa.string()))
    write_deltalake(uri, bad, mode="append")  # an unknown classification and a duplicate id in one file

    result = run_job(lake_copy, "refresh_notices")

    failed = failed_checks(result)
    assert failed[("bronze/notices", "classification_valid")] == "ERROR"
    assert failed[("bronze/notices", "id_unique_per_file")] == "ERROR"
    assert failed[("bronze/notices", "landed_rows_match_registry")] == "ERROR"  # 3 rows where 2 landed
    assert "bronze/notices" in materialized(result)
    assert not materialized(result) & {"silver/documents", "silver/records", "gold/documents"}
    evaluation = next(e for e in result.get_asset_check_evaluations() if e.check_name == "classification_valid")
    assert "secret" in evaluation.metadata["failing_examples"].value  # the failing value, shown in the UI
    outcome = RunOutcome.of(result)
    assert "bronze/notices classification_valid" in outcome.blocking and outcome.lines[0].startswith("checks: ")
    assert outcome.held_back == {dg.AssetKey(["bronze", "notices"])} and outcome.failure is None


def test_schema_drift_lands_warns_and_does_not_block(lake_copy):
    (lake_copy / "raw" / "smv" / "br-2024-drift.csv").write_text(SMV_DRIFTED, encoding="utf-8")

    result = run_job(lake_copy, "refresh_smv")

    assert result.success
    assert failed_checks(result) == {("bronze/smv", "no_schema_drift"): "WARN",
                                     ("bronze/landed_files", "no_schema_drift"): "WARN"}
    assert {"bronze/smv", "silver/documents", "gold/documents"} <= materialized(result)
    registry = DeltaTable(str(lake_copy / "lake" / "bronze" / "landed_files")).to_pyarrow_table().to_pylist()
    drifted = next(r for r in registry if r["src_file"] == "smv/br-2024-drift.csv")
    assert drifted["rows_landed"] == 1 and drifted["schema_drift"] == ["column 'colour' renamed to 'color'?"]
    smv = DeltaTable(str(lake_copy / "lake" / "bronze" / "smv")).to_pyarrow_table().to_pylist()
    assert next(r for r in smv if r["src_file"] == "smv/br-2024-drift.csv")["extra_fields"] == [("color", "PRATA")]

    again = run_job(lake_copy, "refresh_smv")  # nothing new: the rows that warned are there still, so is the warning
    assert again.success and failed_checks(again) == failed_checks(result)


def test_no_check_compares_every_row_with_every_row(sample_home, spark, lakehouse):
    """A join on anything but equal keys runs as a nested loop: fine on the samples, hours at
    scale (a search_edges check once held the 100k-document refresh for as long)."""
    from pipelines.config import LakePaths
    from pipelines.quality import load_suite, reference_views, suite_tables, view_name

    paths = LakePaths.from_env(sample_home)
    for name, frame in reference_views(spark).items():
        frame.createOrReplaceTempView(view_name(name))
    nested = []
    for table in suite_tables():
        if not lakehouse.exists(paths.table(*table.split("/"))):
            continue
        suite = load_suite(table)
        for name in [table, *suite["meta"].get("uses", [])]:
            lakehouse.read(paths.table(*name.split("/"))).createOrReplaceTempView(view_name(name))
        for expectation in suite["expectations"]:
            query = expectation["kwargs"].get("unexpected_rows_query")
            if query:
                plan = (spark.sql(query.replace("{batch}", view_name(table)))
                        ._jdf.queryExecution().sparkPlan().toString())
                if "NestedLoopJoin" in plan or "CartesianProduct" in plan:
                    nested.append(f"{table} {expectation['meta']['name']}")
    assert nested == []


def test_an_increment_validates_what_changed_and_a_full_refresh_every_row(lake_copy):
    import json

    from insight.materialize import run_refresh
    from pipelines.config import LakePaths

    notice = json.loads((lake_copy / "raw" / "notices" / "2024-03-01.jsonl").read_text(encoding="utf-8")
                        .splitlines()[0])
    (lake_copy / "raw" / "notices" / "fresh.jsonl").write_text(
        json.dumps({**notice, "notice_id": "2024/99999", "phones": [], "identity_documents": []}) + "\n",
        encoding="utf-8")

    def validated(result) -> dict[tuple[str, str], str]:
        return {(e.asset_key.to_user_string(), e.check_name): e.metadata["validated"].value
                for e in result.get_asset_check_evaluations()}

    result = run_job(lake_copy, "refresh_notices")
    assert result.success and not failed_checks(result)
    seen = validated(result)
    assert seen[("bronze/notices", "classification_valid")] == "the rows of the 1 src_file values that changed"
    assert seen[("silver/documents", "doc_id_unique")] == "the rows of the 1 doc_id values that changed"
    assert seen[("silver/documents", "attachment_has_its_message")] == "the whole table"
    assert seen[("gold/trends", "every_document_counted")] == "the whole table"  # a suite with no scope

    again = validated(run_job(lake_copy, "refresh_notices"))  # nothing new: every verdict stands, unqueried
    assert again[("bronze/notices", "classification_valid")] == "nothing: no row changed"
    assert again[("silver/documents", "doc_id_unique")] == "nothing: no row changed"
    assert again[("silver/documents", "attachment_has_its_message")] == "the whole table"

    full = run_refresh(LakePaths.from_env(lake_copy), [dg.AssetKey(["bronze", "notices"])], job="refresh_notices",
                       full=True)
    assert full.success and validated(full) and set(validated(full).values()) == {"the whole table"}
