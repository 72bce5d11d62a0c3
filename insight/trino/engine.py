"""The Trino engine: the SQL of ``sql/`` and an analyst's own SQL, run on a Trino coordinator as
the querying user, over the secured views of ``insight.search``.

Nothing here filters or checks: Trino does, with the views' ``current_user`` rule and the row
filters and grants of ``rules.json``. What Trino refuses reaches the analyst as its one-line reason.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

import pyarrow as pa
import trino
from trino.exceptions import TrinoQueryError, TrinoUserError

from insight.engine import BadSql
from insight.errors import InsightError
from insight.sql_guard import RefusedSql
from insight.sqlfiles import SOURCE_DIALECT, bind, read_sql
from insight.trino.statements import CATALOG, SURFACE_SCHEMA
from insight.users import User
from pipelines.config import LakePaths

_SCALARS = {
    "varchar": pa.string(), "char": pa.string(), "bigint": pa.int64(), "integer": pa.int32(),
    "smallint": pa.int16(), "tinyint": pa.int8(), "double": pa.float64(), "real": pa.float32(),
    "boolean": pa.bool_(), "date": pa.date32(), "varbinary": pa.binary(),
}
_TIMESTAMP = re.compile(r"^timestamp(\(\d+\))?( with time zone)?$")


class TrinoUnavailable(InsightError):
    """Trino cannot be installed, started or reached (a one-line reason)."""


def connect(url: str, user: str) -> trino.dbapi.Connection:
    """A DB-API connection to the coordinator at ``url`` as ``user``, in the surface schema."""
    parsed = urlparse(url)
    return trino.dbapi.connect(host=parsed.hostname, port=parsed.port or (443 if parsed.scheme == "https" else 80),
                               http_scheme=parsed.scheme or "http", user=user, catalog=CATALOG,
                               schema=SURFACE_SCHEMA, source="insight")


def arrow_type(trino_type: str) -> pa.DataType | None:
    """The Arrow type of a Trino column type, as the embedded engine gives it (a map stays a map,
    not a struct of every key seen); None where Arrow should infer it from the values."""
    base = trino_type.split("(")[0] if not trino_type.startswith("timestamp") else trino_type
    if base in _SCALARS:
        return _SCALARS[base]
    if base.startswith("decimal"):
        return None
    match = _TIMESTAMP.match(trino_type)
    if match:
        return pa.timestamp("us", tz="UTC" if match.group(2) else None)
    if trino_type.startswith("array(") and trino_type.endswith(")"):
        inner = arrow_type(trino_type[len("array("):-1])
        return pa.list_(inner) if inner is not None else None
    if trino_type.startswith("map(") and trino_type.endswith(")"):
        key, value = (arrow_type(t) for t in _split_top_level(trino_type[len("map("):-1]))
        return pa.map_(key, value) if key is not None and value is not None else None
    return None


def _split_top_level(types: str) -> list[str]:
    """``varchar, array(varchar)`` → its two types (commas inside parentheses kept)."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(types):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(types[start:i].strip())
            start = i + 1
    return [*parts, types[start:].strip()]


class TrinoEngine:
    """One user's connection to a Trino coordinator."""

    def __init__(self, url: str, user: User) -> None:
        self.user = user
        self.url = url
        self._connection = connect(url, user.id)

    @classmethod
    def connect(cls, paths: LakePaths, user: User, url: str | None = None) -> TrinoEngine:
        """The coordinator at ``url``, else the local server of ``insight trino up`` for this home."""
        from insight.trino.server import LocalTrino  # the server's module reads this one's

        url = url or LocalTrino(paths).url()
        if url is None:
            raise TrinoUnavailable(f"no Trino runs for {paths.home}: start one with `insight trino up` "
                                   "(or set INSIGHT_TRINO_URL to a coordinator)")
        return cls(url, user)

    def run(self, name: str, params: Mapping[str, Any]) -> pa.Table:
        """Runs ``sql/<name>.sql`` bound to ``params``, as written (it is Trino's dialect)."""
        return self._query(bind(read_sql(name), params).sql(SOURCE_DIALECT))

    def sql(self, statement: str) -> pa.Table:
        """An analyst's SQL, sent as typed: Trino's access control decides what it may read."""
        return self._query(statement.strip().rstrip(";"))

    def _query(self, statement: str) -> pa.Table:
        cursor = self._connection.cursor()
        try:
            cursor.execute(statement)
            rows = cursor.fetchall()
        except TrinoUserError as exc:
            message = f"{exc.error_name}: {exc.message}".strip().splitlines()[0]
            if exc.error_name == "PERMISSION_DENIED":
                raise RefusedSql(f"refused by Trino: {message}") from None
            raise BadSql(f"bad SQL (Trino): {message}") from None
        except TrinoQueryError as exc:
            raise BadSql(f"Trino could not run it: {exc.error_name}: {exc.message}".splitlines()[0]) from None
        except (OSError, trino.exceptions.HttpError) as exc:
            raise TrinoUnavailable(f"Trino at {self.url} did not answer: {str(exc).splitlines()[0]}") from None
        description = cursor.description or []
        columns = {}
        for i, column in enumerate(description):
            values = [row[i] for row in rows]
            columns[column[0]] = pa.array(values, type=arrow_type(column[1]))
        return pa.table(columns)

    def close(self) -> None:
        self._connection.close()
