"""The Trino side of the surface (no Trino server here): every statement `insight trino-sql` writes
parses as Trino SQL, and its views, run embedded with `current_user` set to each sample user, show
exactly the rows the embedded engine's views show that user."""
import re

import duckdb
import pytest
import sqlglot
from deltalake import DeltaTable
from sqlglot import exp

from insight.engine import EmbeddedEngine, gold_tables, secured_views, view_columns
from insight.sqlfiles import SOURCE_DIALECT
from insight.trino import CATALOG, statements
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


def _trino_views_embedded(paths: LakePaths, users, user_id: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"ATTACH ':memory:' AS {CATALOG}")
    for table in gold_tables():
        con.register(f"gold_{table}_files", DeltaTable(paths.table("gold", table)).to_pyarrow_dataset())
    for statement in statements("s3://insight/lake", users.values()):
        tree = sqlglot.parse_one(statement, read=SOURCE_DIALECT)
        if isinstance(tree, exp.Create) and tree.kind == "SCHEMA":
            con.execute(f"CREATE SCHEMA {tree.this.sql('duckdb')}")
            if tree.this.db == "gold":
                for table in gold_tables():
                    con.execute(f"CREATE VIEW {CATALOG}.gold.{table} AS SELECT * FROM gold_{table}_files")
            continue
        as_user = tree.transform(lambda n: exp.Literal.string(user_id) if isinstance(n, exp.CurrentUser) else n)
        con.execute(as_user.sql("duckdb"))
    return con


@pytest.mark.parametrize("user_id", ["analyst_ar", "analyst_cl", "analyst_pe", "gs_analyst"])
def test_the_trino_views_show_each_user_what_the_embedded_engine_shows(sample_home, users, user_id):
    paths = LakePaths.from_env(sample_home)
    trino = _trino_views_embedded(paths, users, user_id)
    embedded = EmbeddedEngine(paths, users[user_id])
    try:
        for view in secured_views():
            on_trino = sorted(map(str, trino.sql(f"SELECT * FROM {CATALOG}.search.{view}").fetchall()))
            at_home = sorted(map(str, embedded.con.sql(f"SELECT * FROM {view}").fetchall()))
            assert on_trino == at_home, view
        assert trino.execute(f"SELECT count(*) FROM {CATALOG}.search.documents").fetchone()[0] > 0
    finally:
        embedded.close()
        trino.close()


def test_the_access_rules_filter_each_user_as_the_embedded_engine_does(sample_home, users):
    from insight.trino import access_rules

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
