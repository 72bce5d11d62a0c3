"""What an analyst's SQL may do: one read-only query over the secured views, nothing else."""
from __future__ import annotations

from collections.abc import Iterable

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from insight.errors import InsightError
from insight.sqlfiles import SOURCE_DIALECT


class RefusedSql(InsightError):
    """SQL that is malformed or reaches past the secured views (a one-line reason)."""


def checked_query(sql: str, allowed_tables: Iterable[str]) -> exp.Query:
    """Parses Trino SQL and returns it if it only reads the allowed views; refuses otherwise."""
    allowed = {t.lower() for t in allowed_tables}
    try:
        statements = [s for s in sqlglot.parse(sql, read=SOURCE_DIALECT) if s is not None]
    except ParseError as exc:
        raise RefusedSql(f"SQL does not parse as Trino SQL: {str(exc).splitlines()[0]}") from None
    if len(statements) != 1:
        raise RefusedSql(f"one statement at a time (got {len(statements)})")
    tree = statements[0]
    if not isinstance(tree, exp.Query):
        raise RefusedSql(f"only SELECT queries are allowed, not {tree.key.upper()}")
    unknown = sorted({f.name.lower() for f in tree.find_all(exp.Anonymous)})
    if unknown:  # getenv, current_setting, and any engine-specific function sqlglot does not know as Trino's
        raise RefusedSql(f"function {unknown[0]} is not available: use Trino functions the embedded engine also runs")
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            raise RefusedSql(f"table functions are not allowed: {table.this.sql(SOURCE_DIALECT)}")
        if table.args.get("db") or table.args.get("catalog"):
            raise RefusedSql(f"unknown table {table.sql(SOURCE_DIALECT)}: query the views {', '.join(sorted(allowed))}")
        if table.name.lower() not in allowed | ctes:
            raise RefusedSql(f"unknown table {table.name}: query the views {', '.join(sorted(allowed))}")
    return tree
