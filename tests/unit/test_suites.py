"""The suites in expectations/ against the tables they check, without Spark."""
import json

import pytest

from pipelines.quality import (
    failed_last_time,
    load_suite,
    reads_whole,
    suite_tables,
    table_columns,
    verdicts_kept,
    whole_when_changed,
)
from pipelines.sources import SOURCES

SUITES = suite_tables()


def test_every_table_has_a_suite():
    expected = {f"bronze/{s}" for s in SOURCES.names} | {"bronze/quarantine", "bronze/landed_files",
                                                   "silver/documents", "silver/records", "silver/person_clusters",
                                                   "gold/documents", "gold/mentions", "gold/entities",
                                                   "gold/entity_links"}
    assert expected <= set(SUITES)


@pytest.mark.parametrize("table", SUITES)
def test_suite_names_only_columns_its_table_has(table):
    suite = load_suite(table)
    columns = set(table_columns(table))
    for expectation in suite["expectations"]:
        kwargs = expectation["kwargs"]
        named = [kwargs["column"]] if "column" in kwargs else kwargs.get("column_list", [])
        if isinstance(named, list):
            assert set(named) <= columns, f"{table}: {expectation['meta']['name']} names {set(named) - columns}"
        if expectation["type"] == "unexpected_rows_expectation":
            query = kwargs["unexpected_rows_query"]
            assert "{batch}" in query
            # GE formats the query: any other brace (a regex {6,14}) would break it at run time
            assert "{" not in query.replace("{batch}", "") and "}" not in query.replace("{batch}", "")
    for used in suite["meta"]["uses"]:
        assert used in SUITES, f"{table} reads {used}, which is not a table with a suite"


def test_a_suite_without_names_or_with_an_unknown_severity_is_refused(tmp_path):
    (tmp_path / "bronze").mkdir()
    unnamed = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}}
    (tmp_path / "bronze" / "x.json").write_text(json.dumps({"name": "x", "expectations": [unnamed]}))
    with pytest.raises(ValueError, match="unique meta.name"):
        load_suite("bronze/x", tmp_path)
    graded = {**unnamed, "meta": {"name": "a_present", "severity": "fatal"}}
    (tmp_path / "bronze" / "x.json").write_text(json.dumps({"name": "x", "expectations": [graded]}))
    with pytest.raises(ValueError, match="severity must be one of error, warn"):
        load_suite("bronze/x", tmp_path)


@pytest.mark.parametrize("table", SUITES)
def test_a_suite_is_scoped_by_a_column_of_its_table(table):
    """An increment validates the rows of the scope values that changed: the scope is a column; an
    expectation may only ask for the whole table, always or when a table its suite reads changed."""
    suite = load_suite(table)
    scope = suite["meta"].get("scope")
    assert scope is None or scope in table_columns(table)
    assert {e["meta"].get("scope") for e in suite["expectations"]} <= {None, "table"}
    assert whole_when_changed(suite) <= set(suite["meta"].get("uses", []))


def test_an_increment_reads_the_whole_table_for_an_expectation_whose_watched_table_changed():
    suite = load_suite("silver/documents")
    by_name = {e["meta"]["name"]: e for e in suite["expectations"]}
    someone_else = by_name["withdrawal_by_someone_else"]
    assert reads_whole(someone_else, {"bronze/withdrawals"})
    assert not reads_whole(someone_else, set()) and not reads_whole(someone_else, {"bronze/notices"})
    assert reads_whole(by_name["attachment_has_its_message"], set())


def test_an_edited_suite_is_validated_whole_and_a_failed_expectation_until_it_passes():
    suite = load_suite("bronze/smv")
    kept = verdicts_kept(suite, ["no_schema_drift"])
    assert failed_last_time(suite, kept) == {"no_schema_drift"}
    assert failed_last_time(suite, verdicts_kept(suite, [])) == frozenset()
    first = suite["expectations"][0]
    edited = {**suite, "expectations": [{**first, "kwargs": {**first["kwargs"], "mostly": 0.5}},
                                        *suite["expectations"][1:]]}
    added = {**suite, "expectations": [*suite["expectations"], {**first, "meta": {**first["meta"], "name": "new"}}]}
    assert failed_last_time(edited, kept) is None and failed_last_time(added, kept) is None
    assert failed_last_time(suite, "") is None  # kept before the suite's version was: validated whole once
