"""The Trino statements and rules, without a server: every statement `insight trino-sql` writes
parses as Trino SQL, each user's row filters keep what the embedded engine shows him, and infra/
holds exactly the catalog `insight trino-config` writes (test_trino_server.py runs them on Trino)."""
import re
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from insight.engine import EmbeddedEngine, gold_tables, secured_views, view_columns
from insight.sqlfiles import SOURCE_DIALECT
from insight.trino.statements import statements
from insight.users import load_users
from pipelines.config import LakePaths

_CALL = re.compile(r"^CALL insight\.system\.register_table\(schema_name => 'gold', table_name => '\w+', "
                   r"table_location => 's3://insight/lake/gold/\w+'\)$")


@pytest.fixture(scope="module")
def users(sample_home):
    return load_users(LakePaths.from_env(sample_home).users_file)


def test_every_statement_parses_as_trino(users):
    written = statements("s3://insight/lake", users.values(), register=True)
    calls = [s for s in written if s.startswith("CALL ")]
    assert len(calls) == len(gold_tables()) and all(_CALL.match(c) for c in calls)
    for statement in written:
        if statement not in calls:
            tree = sqlglot.parse_one(statement, read=SOURCE_DIALECT)
            assert isinstance(tree, (exp.Create,)), statement


def test_the_access_rules_filter_each_user_as_the_embedded_engine_does(sample_home, users):
    from insight.trino.statements import access_rules

    paths = LakePaths.from_env(sample_home)
    rules = access_rules(users.values())
    assert rules["tables"][-1] == {"privileges": []}  # whatever is not granted is refused
    everyone = EmbeddedEngine(paths, users["gs_analyst"])  # sees every row the sample holds
    for user in users.values():
        embedded = EmbeddedEngine(paths, user)
        try:
            granted = [r for r in rules["tables"] if r.get("user") == re.escape(user.id)]
            assert sorted(r["table"] for r in granted) == secured_views()
            for rule in granted:
                assert (rule["schema"], rule["privileges"]) == ("search", ["SELECT"])
                table = rule["table"]
                # A view showing access fields carries the filter; one that counts or joins rows
                # (alerts' evidence, trends) applies the rule inside and shows none to filter on.
                shows_access = {"owner_country", "restricted_to", "classification"} <= set(view_columns(table))
                assert ("filter" in rule) == shows_access, table
                if "filter" in rule:
                    condition = sqlglot.parse_one(rule["filter"], read=SOURCE_DIALECT).sql("duckdb")
                    filtered = everyone.con.sql(f"SELECT count(*) FROM {table} WHERE {condition}").fetchall()[0][0]
                    shown = embedded.con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0]
                    # an alert needs more than its own row visible (its notice, its link's evidence)
                    assert filtered >= shown if table == "alerts" else filtered == shown, (user.id, table)
        finally:
            embedded.close()
    everyone.close()


@pytest.mark.unit  # no Spark, outside tests/unit beside the tests of its subject
def test_infra_holds_the_catalog_and_rules_files_insight_writes(tmp_path):
    from insight.trino.config import write_catalog

    write_catalog(tmp_path, "s3://insight/lake", "s3://insight/metastore", "/etc/trino/rules.json")
    infra = Path(__file__).resolve().parent.parent / "infra" / "trino" / "etc"
    for written in ("catalog/insight.properties", "access-control.properties"):
        assert (infra / written).read_text() == (tmp_path / written).read_text(), written
