"""sql/ is Trino SQL: every file parses in Trino's dialect and its DuckDB form runs embedded."""
from pathlib import Path

import duckdb
import pytest
import sqlglot

from insight.access import visible_predicate
from insight.sql_guard import RefusedSql, checked_query
from insight.sqlfiles import bind, sql_dir, to_dialect
from insight.users import User

SQL_FILES = sorted(sql_dir().rglob("*.sql"))
ROWS = [  # owner, restricted_to, classification
    ("AR", [], "official"), ("CO", ["AR", "BR"], "restricted"), ("BR", ["AR", "CL", "CO"], "restricted"),
    ("PE", [], "public"), ("FR", [], "confidential"), ("CL", ["PE"], "official"),
]
USERS = [User("ar", "AR", "restricted"), User("cl", "CL", "official"), User("pe", "PE", "restricted"),
         User("us", "US", "public"), User("gs", "IP", "confidential", ("secretariat",))]


def test_there_is_sql_to_check():
    assert {p.parent.name for p in SQL_FILES} >= {"access", "views", "search"}


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: str(p.relative_to(sql_dir())))
def test_every_file_parses_as_trino(path: Path):
    tree = sqlglot.parse_one(path.read_text(), read="trino")
    assert tree is not None


def _by_hand(user: User, owner: str, restricted: list[str], classification: str) -> bool:
    ranks = ["public", "official", "restricted", "confidential"]
    if ranks.index(user.clearance) < ranks.index(classification):
        return False
    return "secretariat" in user.roles or not restricted or user.country == owner or user.country in restricted


@pytest.mark.parametrize("user", USERS, ids=lambda u: u.id)
def test_access_predicate_runs_embedded_and_agrees_with_the_rule(user: User):
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INT, owner_country VARCHAR, restricted_to VARCHAR[], classification VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", [(i, *row) for i, row in enumerate(ROWS)])
    predicate = to_dialect(visible_predicate(user), "duckdb")
    seen = {i for (i,) in con.execute(f"SELECT i FROM t WHERE {predicate}").fetchall()}
    assert seen == {i for i, row in enumerate(ROWS) if _by_hand(user, *row)}


def test_binding_quotes_values_and_demands_every_parameter():
    tree = bind("SELECT * FROM documents WHERE owner_country = :c", {"c": "AR' OR '1'='1"})
    assert tree.sql("trino") == "SELECT * FROM documents WHERE owner_country = 'AR'' OR ''1''=''1'"
    with pytest.raises(KeyError, match="unbound SQL parameters: c"):
        bind("SELECT :c", {})


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("SELECT * FROM gold.documents", "unknown table gold.documents"),
        ("SELECT * FROM gold_documents_files", "unknown table gold_documents_files"),
        ("SELECT * FROM read_parquet('/etc/passwd')", "table functions are not allowed"),
        ("SELECT 1; SELECT 2", "one statement at a time"),
        ("DROP VIEW documents", "only SELECT queries"),
        ("SELEC 1", "does not parse"),
    ],
)
def test_guard_refuses_what_escapes_the_views(sql, reason):
    with pytest.raises(RefusedSql, match=reason):
        checked_query(sql, ["documents"])


def test_guard_allows_ctes_and_subqueries_over_the_views():
    sql = ("WITH x AS (SELECT doc_id FROM documents) "
           "SELECT count(*) FROM x WHERE doc_id IN (SELECT doc_id FROM documents)")
    assert checked_query(sql, ["documents"]) is not None
