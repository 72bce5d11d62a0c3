"""The search surface on Trino: the statements that register the gold Delta tables and create the
secured views of ``sql/views`` in a Trino catalog (``insight trino-sql``).

Embedded, a view is bound to one user's country and clearance. On Trino one definition serves
everyone: the access rule of ``sql/access/visible.sql`` is bound to the columns of the querying
user's row in ``access.users`` (``current_user`` is the querying user inside any Trino view), and
the view runs as its owner (``SECURITY DEFINER``), so analysts need no right on the gold tables.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from sqlglot import exp

from insight.access import access_rule, visible_predicate
from insight.engine import gold_tables, secured_views, view_columns
from insight.sqlfiles import SOURCE_DIALECT, bind, literal, read_sql
from insight.users import User
from pipelines.config import ACCESS

CATALOG = "insight"           # infra/trino/etc/catalog/insight.properties
GOLD_SCHEMA = "gold"          # the Delta tables, registered where Spark wrote them
SURFACE_SCHEMA = "search"     # the secured views analysts and BI tools query
ACCESS_SCHEMA = "access"      # who is who: read by the views, by no analyst
ADMIN = "admin"               # who registers the tables and owns the views
USER_COLUMNS = ("user_id", "user_country", "user_clearance_rank", "user_is_secretariat")


def users_view(users: Iterable[User]) -> str:
    """``access.users``: one row per analyst of ``config/users.yaml``, the columns the rule binds."""
    rows = [exp.Tuple(expressions=[literal(u.id), literal(u.country), literal(u.clearance_rank),
                                   literal(u.is_secretariat)]) for u in users]
    values = exp.Values(expressions=rows, alias=exp.TableAlias(
        this=exp.to_identifier("u"), columns=[exp.to_identifier(c) for c in USER_COLUMNS]))
    select = exp.select(*USER_COLUMNS).from_(values)
    return f"CREATE OR REPLACE VIEW {CATALOG}.{ACCESS_SCHEMA}.users AS {select.sql(SOURCE_DIALECT, comments=False)}"


def visible_to_current_user() -> exp.Expression:
    """The access rule, for whoever queries: bound to the querying user's row of ``access.users``."""
    rule = access_rule({c: exp.column(c, table="u") for c in USER_COLUMNS[1:]})
    lookup = (exp.select("1").from_(exp.table_("users", db=ACCESS_SCHEMA, catalog=CATALOG, alias="u"))
              .where(exp.column("user_id", table="u").eq(exp.CurrentUser())).where(rule))
    return exp.Exists(this=lookup)


def view_statement(view: str) -> str:
    """``sql/views/<view>.sql`` as a Trino view of the surface schema reading the gold schema."""
    tree = bind(read_sql(f"views/{view}"), {"visible": visible_to_current_user()})
    select = tree.expression

    def qualify(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and node.db == GOLD_SCHEMA and not node.catalog:
            return exp.table_(node.name, db=GOLD_SCHEMA, catalog=CATALOG, alias=node.alias or None)
        return node

    body = select.transform(qualify).sql(SOURCE_DIALECT, comments=False)
    return f"CREATE OR REPLACE VIEW {CATALOG}.{SURFACE_SCHEMA}.{view} SECURITY DEFINER AS {body}"


def schema_statements(lake_uri: str) -> list[str]:
    """The catalog's schemas; ``gold`` where Spark writes the gold tables."""
    lake = lake_uri.rstrip("/")
    return [f"CREATE SCHEMA IF NOT EXISTS {CATALOG}.{schema}" + (
        f" WITH (location = '{lake}/{GOLD_SCHEMA}')" if schema == GOLD_SCHEMA else "")
        for schema in (GOLD_SCHEMA, SURFACE_SCHEMA, ACCESS_SCHEMA)]


def register_statements(lake_uri: str, tables: Iterable[str]) -> list[str]:
    """Registration of gold tables, once per table: Trino reads each table's current schema and
    files from its Delta log at query time, so rewrites need no new registration."""
    lake = lake_uri.rstrip("/")
    return [f"CALL {CATALOG}.system.register_table(schema_name => '{GOLD_SCHEMA}', table_name => '{table}', "
            f"table_location => '{lake}/{GOLD_SCHEMA}/{table}')" for table in tables]


def surface_statements(users: Iterable[User]) -> list[str]:
    """``access.users`` and the views (idempotent: re-run after a change of users or of ``sql/views``)."""
    return [users_view(users), *(view_statement(view) for view in secured_views())]


def statements(lake_uri: str, users: Iterable[User], register: bool = False) -> list[str]:
    """Everything a new catalog needs, in order; with ``register``, the gold tables' registration."""
    return [*schema_statements(lake_uri), *(register_statements(lake_uri, gold_tables()) if register else []),
            *surface_statements(users)]


def visible_to(user: User) -> str:
    """The access rule bound to one user, as a Trino row filter (file-based access control)."""
    return visible_predicate(user).sql(SOURCE_DIALECT, comments=False)


def access_rules(users: Iterable[User], admin: str = ADMIN) -> dict:
    """Trino's file-based access-control rules (``rules.json``) from the same rule as the views.

    ``admin`` (who registers the tables and owns the views) may do everything; an analyst may
    only read the views of ``insight.search``, each with a row filter binding the rule to him (a
    second lock behind the views' own ``current_user`` rule), and nothing of ``gold`` or
    ``access``; whoever is not in ``users.yaml`` may do nothing.
    """
    users = list(users)
    analysts = "|".join(sorted(re.escape(u.id) for u in users))  # the rules' "user" is a regular expression
    tables: list[dict] = [{"user": admin, "privileges": ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP",
                                                         "GRANT_SELECT"]}]
    for user in sorted(users, key=lambda u: u.id):
        for view in secured_views():
            rule = {"user": re.escape(user.id), "catalog": CATALOG, "schema": SURFACE_SCHEMA, "table": view,
                    "privileges": ["SELECT"]}
            if set(ACCESS) <= set(view_columns(view)):
                rule["filter"] = visible_to(user)
            tables.append(rule)
    # SQLAlchemy's reflection (what BI tools and notebooks use) reads the comments of the tables a
    # user may see; no other system table is open to an analyst.
    tables.append({"user": analysts, "catalog": "system", "schema": "metadata", "table": "table_comments",
                   "privileges": ["SELECT"]})
    tables.append({"privileges": []})
    return {
        "catalogs": [{"user": admin, "allow": "all"},
                     {"user": analysts, "catalog": f"({CATALOG}|system)", "allow": "read-only"},
                     {"allow": "none"}],
        "schemas": [{"user": admin, "owner": True}, {"owner": False}],
        "tables": tables,
        # register_table, and no procedure for an analyst
        "procedures": [{"user": admin, "catalog": CATALOG, "schema": "system", "privileges": ["EXECUTE"]},
                       {"privileges": []}],
    }

