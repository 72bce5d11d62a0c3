"""Conform, whole or by increment: the bronze tables into one silver table.

Bronze is append-only, so what changed since a silver table's watermark is the bronze rows landed
since (new records, versions re-sent) and the withdrawals landed since. An increment recomputes
the records of those ids alone, from every version of them (latest wins, withdrawals applied,
``pipelines/conform.py``), and replaces their silver rows; every other row stays as it is. The
orchestrator (``assets/conform.py``) keeps the watermarks and says which to run.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import reduce

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from pipelines import delta
from pipelines.changes import TableChange
from pipelines.conform import current_records, only_ids, touched_ids, touched_roots
from pipelines.lakehouse import Lakehouse, Scope, WriteResult, unchanged
from pipelines.layout import clustered, files_for
from pipelines.sources import Sources
from pipelines.spark import checkpoint

Build = Callable[[Mapping[str, DataFrame], Sources], DataFrame]


@dataclass(frozen=True)
class SilverTable:
    """A silver table conform writes: where, how it is built from current records, the
    column that names the raw record each row comes from (``pipelines.conform.document_root``), and
    the columns its files are cut by and sorted on (the document: an increment rewrites few files)."""

    uri: str
    build: Build
    root: Callable[[], Column]
    cluster: tuple[str, ...]


def conform_whole(lakehouse: Lakehouse, bronze: Mapping[str, str], sources: Sources, table: SilverTable) -> WriteResult:
    """``table`` recomputed from every bronze row (``bronze``: each folder of raw/ → its table)."""
    current = current_records(_source_frames(lakehouse, bronze, sources), sources,
                              _read_if_any(lakehouse, bronze.get(sources.withdrawals.name)))
    rows = sum(delta.row_count(uri) for uri in bronze.values())
    return lakehouse.overwrite(clustered(table.build(current, sources), *table.cluster, files=files_for(rows)),
                               table.uri)


def conform_changes(lakehouse: Lakehouse, bronze: Mapping[str, str], sources: Sources, table: SilverTable,
                    changes: Mapping[str, TableChange]) -> tuple[WriteResult, int]:
    """``table`` brought up to date with ``changes`` (each bronze folder's change since its
    watermark; a folder without one changed nothing); and how many records were recomputed."""
    withdrawn = changes.get(sources.withdrawals.name)
    withdrawals = withdrawn.added if withdrawn is not None and not withdrawn.empty else None
    # A source with no new rows is touched only by withdrawals.
    new_rows = {name: change.added for name, change in changes.items()
                if name != sources.withdrawals.name and (not change.empty or withdrawals is not None)}
    if not new_rows:
        return unchanged(table.uri), 0
    tagged = checkpoint(reduce(DataFrame.unionByName, [
        ids.withColumn("source", F.lit(source))
        for source, ids in touched_ids(new_rows, withdrawals, sources).items()]))
    sizes = {row["source"]: row["count"] for row in tagged.groupBy("source").count().collect()}
    if not sizes:
        return unchanged(table.uri), 0
    touched = {source: tagged.where(F.col("source") == source).select("id") for source in sizes}
    rows, existing = _recomputed(lakehouse, bronze, sources, table, touched)
    scope = Scope(table.cluster[0], existing.unionByName(rows.select(table.cluster[0])))
    return lakehouse.replace(rows, table.uri, scope, table.cluster), sum(sizes.values())


def _source_frames(lakehouse: Lakehouse, bronze: Mapping[str, str], sources: Sources) -> dict[str, DataFrame]:
    """Every source's bronze table there is (the withdrawals apart)."""
    return {name: lakehouse.read(uri) for name, uri in bronze.items()
            if name != sources.withdrawals.name and lakehouse.exists(uri)}


def _read_if_any(lakehouse: Lakehouse, uri: str | None) -> DataFrame | None:
    return lakehouse.read(uri) if uri is not None and lakehouse.exists(uri) else None


def _recomputed(lakehouse: Lakehouse, bronze: Mapping[str, str], sources: Sources, table: SilverTable,
                ids: Mapping[str, DataFrame]) -> tuple[DataFrame, DataFrame]:
    """The rows of the touched records, and the values of the table's first cluster column (its
    document) their rows had: those rows go unless recomputed (a withdrawn record's, an attachment
    no longer sent)."""
    frames = _source_frames(lakehouse, bronze, sources)
    # Untouched sources take part with no rows (Spark reads nothing of an empty limit), so that
    # every builder sees the frames it expects.
    current = current_records(
        {**only_ids({s: frames[s] for s in ids}, ids, sources),
         **{s: df.limit(0) for s, df in frames.items() if s not in ids}},
        sources, _read_if_any(lakehouse, bronze.get(sources.withdrawals.name)))
    column = table.cluster[0]
    existing = (lakehouse.read(table.uri).select(column, table.root().alias("root"))
                .join(F.broadcast(touched_roots(ids, sources)), "root", "left_semi").select(column))
    return table.build(current, sources), existing
