"""The SQL of ``sql/``: written once in Trino's dialect, bound to values, run by either engine.

This is the one place where SQL is translated between dialects (through sqlglot).
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

SOURCE_DIALECT = "trino"


def sql_dir() -> Path:
    return Path(os.environ.get("INSIGHT_SQL_DIR", Path(__file__).resolve().parent.parent / "sql"))


@cache
def read_sql(name: str) -> str:
    """The text of ``sql/<name>.sql``."""
    return (sql_dir() / f"{name}.sql").read_text(encoding="utf-8")


def literal(value: Any) -> exp.Expression:
    """A sqlglot literal for a Python value; quoting is sqlglot's, never string pasting."""
    if isinstance(value, exp.Expression):
        return value
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, (int, float)):
        return exp.Literal.number(value)
    if isinstance(value, dt.datetime):  # an instant: naive means UTC
        utc = (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc)
        return exp.cast(exp.Literal.string(f"{utc:%Y-%m-%d %H:%M:%S.%f} UTC"), "TIMESTAMP WITH TIME ZONE")
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, (list, tuple)):
        return exp.Array(expressions=[literal(v) for v in value])
    if value is None:
        return exp.Null()
    raise TypeError(f"cannot bind {type(value).__name__} into SQL")


@lru_cache(maxsize=256)
def _parsed(sql: str) -> exp.Expression:
    """Parsing costs milliseconds a search pays per statement: each text is parsed once
    (``transform`` below works on a copy, so the cached tree is never changed)."""
    return sqlglot.parse_one(sql, read=SOURCE_DIALECT)


def bind(sql: str, params: Mapping[str, Any]) -> exp.Expression:
    """Parses Trino SQL and replaces each ``:name`` placeholder by its value.

    ``x IN (:name)`` with a list becomes ``x IN (v1, v2, …)`` (``IN (NULL)`` for none): a list of
    literals is what engines push down to file statistics, where ``contains(array, x)`` is not.
    """
    tree = _parsed(sql)
    missing = {p.name for p in tree.find_all(exp.Placeholder)} - set(params)
    if missing:
        raise KeyError(f"unbound SQL parameters: {', '.join(sorted(missing))}")

    def substitute(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.In) and len(node.expressions) == 1 and isinstance(node.expressions[0], exp.Placeholder):
            value = params[node.expressions[0].name]
            if isinstance(value, (list, tuple)):
                items = [literal(v) for v in value] or [exp.Null()]
                return exp.In(this=node.this.transform(substitute), expressions=items)
        if isinstance(node, exp.Placeholder) and node.name in params:
            return literal(params[node.name]).copy()
        return node

    return tree.transform(substitute)


def to_dialect(tree: exp.Expression, dialect: str) -> str:
    return tree.sql(dialect=dialect)
