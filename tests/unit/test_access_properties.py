"""The access rule, property-tested: on generated records and users, every path that applies it —
the embedded engine's views, Trino's views (bound to current_user) and Trino's row filters —
returns exactly the rows the rule of contracts/raw-sources.md, applied by hand, allows."""
import duckdb
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from insight.access import visible_predicate
from insight.sqlfiles import SOURCE_DIALECT, bind, sql_dir, to_dialect
from insight.trino.statements import users_view, visible_to, visible_to_current_user
from insight.users import User

COUNTRIES = ["AR", "BR", "CL", "CO", "PE", "FR"]
LEVELS = ["public", "official", "restricted", "confidential"]

records = st.lists(st.tuples(st.sampled_from([*COUNTRIES, "IP"]),
                             st.lists(st.sampled_from(COUNTRIES), max_size=3, unique=True),
                             st.sampled_from(LEVELS)), min_size=1, max_size=30)
users = st.one_of(
    st.builds(lambda c, level: User(f"u_{c.lower()}", c, level), st.sampled_from(COUNTRIES), st.sampled_from(LEVELS)),
    st.builds(lambda level: User("u_gs", "IP", level, ("secretariat",)), st.sampled_from(LEVELS)),
)


def by_hand(user: User, owner: str, restricted: list[str], classification: str) -> bool:
    if LEVELS.index(classification) > LEVELS.index(user.clearance):
        return False
    return "secretariat" in user.roles or not restricted or owner == user.country or user.country in restricted


def _table(rows) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("ATTACH ':memory:' AS insight")
    con.execute("CREATE SCHEMA insight.access")
    con.execute("CREATE TABLE t (i INT, owner_country VARCHAR, restricted_to VARCHAR[], classification VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", [(i, *row) for i, row in enumerate(rows)])
    return con


def _seen(con: duckdb.DuckDBPyConnection, condition: str) -> set[int]:
    return {i for (i,) in con.execute(f"SELECT i FROM t WHERE {condition}").fetchall()}


@settings(max_examples=300, deadline=None)
@given(rows=records, user=users)
def test_every_path_applies_the_rule_as_written(rows, user):
    con = _table(rows)
    allowed = {i for i, row in enumerate(rows) if by_hand(user, *row)}
    assert _seen(con, to_dialect(visible_predicate(user), "duckdb")) == allowed, "embedded view"
    assert _seen(con, sqlglot.parse_one(visible_to(user), read=SOURCE_DIALECT).sql("duckdb")) == allowed, \
        "Trino row filter"
    con.execute(sqlglot.parse_one(users_view([user]), read=SOURCE_DIALECT).sql("duckdb"))
    as_user = visible_to_current_user().transform(
        lambda n: exp.Literal.string(user.id) if isinstance(n, exp.CurrentUser) else n)
    assert _seen(con, as_user.sql("duckdb")) == allowed, "Trino view (current_user)"


@settings(max_examples=100, deadline=None)
@given(rows=records, user=users, other=users)
def test_a_trino_view_shows_nobody_else_s_rows(rows, user, other):
    """Two analysts in access.users: the view bound to current_user gives each his own rows only."""
    if user.id == other.id:
        return
    con = _table(rows)
    con.execute(sqlglot.parse_one(users_view([user, other]), read=SOURCE_DIALECT).sql("duckdb"))
    for who in (user, other):
        as_who = visible_to_current_user().transform(
            lambda n, who=who: exp.Literal.string(who.id) if isinstance(n, exp.CurrentUser) else n)
        assert _seen(con, as_who.sql("duckdb")) == {i for i, row in enumerate(rows) if by_hand(who, *row)}


def test_search_and_entity_sql_read_only_the_secured_views():
    """The query-time SQL (search, entity) never names a gold table: it can only see through the views."""
    for path in [*(sql_dir() / "search").glob("*.sql"), *(sql_dir() / "entity").glob("*.sql")]:
        tree = bind(path.read_text(), {p.name: [] for p in sqlglot.parse_one(path.read_text(), read=SOURCE_DIALECT)
                                        .find_all(exp.Placeholder)})
        assert not any(t.db for t in tree.find_all(exp.Table)), path.name
