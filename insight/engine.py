"""The embedded engine: DuckDB over the gold Delta tables, with the secured views of ``sql/views``.

DuckDB reads each table through deltalake's Arrow dataset (the live files of the Delta log).
The unfiltered tables sit in schema ``gold``; the views analysts query carry the access rule.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from typing import Any, Protocol

import duckdb
import pyarrow as pa
from sqlglot import exp

from insight.access import visible_predicate
from insight.errors import InsightError
from insight.sql_guard import checked_query
from insight.sqlfiles import bind, read_sql, sql_dir, to_dialect
from insight.users import User
from pipelines.config import LakePaths
from pipelines.delta import VersionGone, is_table, schema, snapshot

DIALECT = "duckdb"


class LakeNotReady(InsightError):
    """The gold tables do not exist yet."""


class BadSql(InsightError):
    """An analyst's SQL the engine could not run (a one-line reason)."""


class NothingAsOf(InsightError):
    """A table did not exist yet at the date asked for, or its history from then was vacuumed."""


def secured_views() -> list[str]:
    """Names of the views in ``sql/views`` (each file creates the view of its name)."""
    return sorted(p.stem for p in (sql_dir() / "views").glob("*.sql"))


@cache
def _view_tree(view: str) -> exp.Expression:
    return bind(read_sql(f"views/{view}"), {"visible": exp.true()})


def gold_tables() -> list[str]:
    """The gold tables the views read (``gold.<name>`` anywhere in ``sql/views``)."""
    return sorted({t.name for view in secured_views() for t in _view_tree(view).find_all(exp.Table)
                   if t.db == "gold"})


def view_columns(view: str) -> list[str]:
    """The columns a view of ``sql/views`` shows."""
    return _view_tree(view).expression.named_selects


# How each gold table is read. By default DuckDB's own Parquet reader, which skips row groups on
# an IN list of any length (through an Arrow dataset, naming 300 entities read all of
# gold.entities at 1M: 430 ms, natively 67 ms). These few through delta-rs's Arrow dataset,
# whose files are pruned by the Delta log's statistics before any is opened: the term index
# (~100 files at 1M, a query's terms in a few) answers a BM25 query 2-4x faster so.
PRUNED_BY_LOG = frozenset({"search_terms"})


class Engine(Protocol):
    """What the query side needs of an engine: the user it answers as, the SQL files of ``sql/``
    bound to parameters, and an analyst's own SQL over the secured views."""

    user: User

    def run(self, name: str, params: Mapping[str, Any]) -> pa.Table: ...
    def sql(self, statement: str) -> pa.Table: ...
    def close(self) -> None: ...


class EmbeddedEngine:
    """One DuckDB connection per user session; nothing here starts Spark."""

    def __init__(self, paths: LakePaths, user: User, as_of: dt.datetime | None = None) -> None:
        """With ``as_of``, every gold table is read as its Delta version stood at that time."""
        self.user = user
        self.con = duckdb.connect(config={"threads": 2})
        self.con.execute("SET parquet_metadata_cache = true")
        self.con.execute("CREATE SCHEMA gold")
        visible = visible_predicate(user)
        self._directories: list[str] = []
        for table in gold_tables():
            self._register_gold(paths, table, as_of)
        for view in secured_views():
            tree = bind(read_sql(f"views/{view}"), {"visible": visible})
            self.con.execute(to_dialect(tree, DIALECT))
        # Analysts' SQL may read only the registered tables: no files (but the gold tables' own,
        # which the views read), no extensions.
        self.con.execute(f"SET allowed_directories = {_list_literal(self._directories)}")
        self.con.execute("SET enable_external_access = false")
        self.con.execute("SET lock_configuration = true")

    def _register_gold(self, paths: LakePaths, name: str, as_of: dt.datetime | None) -> None:
        uri = paths.table("gold", name)
        if not is_table(uri):
            raise LakeNotReady(f"no gold.{name} table in {paths.lake}: run `insight materialize` first")
        try:
            table = snapshot(uri, as_of)
        except VersionGone:
            raise NothingAsOf(f"gold.{name} as of {as_of.isoformat() if as_of else 'now'} is no longer in the lake "
                              "(its log was cleaned up)") from None
        if table is None:  # no version yet at ``as_of``: a table added to the lake later was then empty
            if name == "documents":
                raise NothingAsOf(f"the lake held no documents yet at {as_of.isoformat() if as_of else 'now'}")
            self.con.register(f"gold_{name}_files", schema(uri).empty_table())
            self.con.execute(f"CREATE VIEW gold.{name} AS SELECT * FROM gold_{name}_files")
            return
        files = table.files
        if files and name not in PRUNED_BY_LOG and all(_is_local(f) for f in files):
            self._directories.append(table.uri + "/")
            self.con.execute(f"CREATE VIEW gold.{name} AS SELECT * FROM read_parquet({_list_literal(files)}, "
                             "union_by_name = true)")
            return
        self.con.register(f"gold_{name}_files", table.dataset() if files else table.schema.empty_table())
        self.con.execute(f"CREATE VIEW gold.{name} AS SELECT * FROM gold_{name}_files")

    def run(self, name: str, params: Mapping[str, Any]) -> pa.Table:
        """Runs ``sql/<name>.sql`` bound to ``params``."""
        return self.con.sql(to_dialect(bind(read_sql(name), params), DIALECT)).to_arrow_table()

    def sql(self, statement: str) -> pa.Table:
        """An analyst's Trino SQL over the secured views; anything else is refused."""
        tree = checked_query(statement, secured_views())
        try:
            return self.con.sql(to_dialect(tree, DIALECT)).to_arrow_table()
        except duckdb.Error as exc:
            raise BadSql(f"bad SQL: {str(exc).strip().splitlines()[0]}") from None

    def close(self) -> None:
        self.con.close()


def _is_local(uri: str) -> bool:
    return "://" not in uri or uri.startswith("file://")


def _list_literal(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"
