"""The embedded engine: DuckDB over the gold Delta tables, with the secured views of ``sql/views``.

DuckDB reads each table through deltalake's Arrow dataset (the live files of the Delta log).
The unfiltered tables sit in schema ``gold``; the views analysts query carry the access rule.
"""
from __future__ import annotations

from typing import Any, Mapping

import duckdb
import pyarrow as pa
from deltalake import DeltaTable
from deltalake.exceptions import TableNotFoundError

from insight.access import visible_predicate
from insight.sql_guard import checked_query
from insight.sqlfiles import bind, read_sql, sql_dir, to_dialect
from insight.users import User
from pipelines.config import LakePaths

DIALECT = "duckdb"


class LakeNotReady(RuntimeError):
    """The gold tables do not exist yet."""


def secured_views() -> list[str]:
    """Names of the views in ``sql/views`` (each file creates the view of its name)."""
    return sorted(p.stem for p in (sql_dir() / "views").glob("*.sql"))


class EmbeddedEngine:
    """One DuckDB connection per user session; nothing here starts Spark."""

    def __init__(self, paths: LakePaths, user: User) -> None:
        self.user = user
        self.con = duckdb.connect(config={"threads": 2})
        self.con.execute("CREATE SCHEMA gold")
        visible = visible_predicate(user)
        for view in secured_views():
            self._register_gold(paths, view)
            tree = bind(read_sql(f"views/{view}"), {"visible": visible})
            self.con.execute(to_dialect(tree, DIALECT))
        # Analysts' SQL may read only the registered tables: no files, no extensions.
        self.con.execute("SET enable_external_access = false")
        self.con.execute("SET lock_configuration = true")

    def _register_gold(self, paths: LakePaths, name: str) -> None:
        try:
            dataset = DeltaTable(paths.table("gold", name)).to_pyarrow_dataset()
        except TableNotFoundError:
            raise LakeNotReady(f"no gold.{name} table in {paths.lake}: run `insight materialize` first") from None
        self.con.register(f"gold_{name}_files", dataset)
        self.con.execute(f"CREATE VIEW gold.{name} AS SELECT * FROM gold_{name}_files")

    def run(self, name: str, params: Mapping[str, Any]) -> pa.Table:
        """Runs ``sql/<name>.sql`` bound to ``params``."""
        return self.con.sql(to_dialect(bind(read_sql(name), params), DIALECT)).to_arrow_table()

    def sql(self, statement: str) -> pa.Table:
        """An analyst's Trino SQL over the secured views; anything else is refused."""
        tree = checked_query(statement, secured_views())
        return self.con.sql(to_dialect(tree, DIALECT)).to_arrow_table()

    def close(self) -> None:
        self.con.close()
