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

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from pipelines.changes import TableChange
from pipelines.conform import current_records, only_ids, touched_ids, touched_roots
from pipelines.lakehouse import Lakehouse, WriteResult, unchanged
from pipelines.sources import Sources

Build = Callable[[Mapping[str, DataFrame], Sources], DataFrame]


@dataclass(frozen=True)
class SilverTable:
    """A silver table conform writes: where, its key, how it is built from current records, and
    the column that names the raw record each row comes from (``pipelines.conform.document_root``)."""

    uri: str
    key: str
    build: Build
    root: Callable[[], Column]


def conform_whole(lakehouse: Lakehouse, bronze: Mapping[str, str], sources: Sources, table: SilverTable) -> WriteResult:
    """``table`` recomputed from every bronze row (``bronze``: each folder of raw/ → its table)."""
    current = current_records(_source_frames(lakehouse, bronze, sources), sources,
                              _read_if_any(lakehouse, bronze.get(sources.withdrawals.name)))
    return lakehouse.merge(table.build(current, sources), table.uri, [table.key], delete_missing=True)


def conform_changes(lakehouse: Lakehouse, bronze: Mapping[str, str], sources: Sources, table: SilverTable,
                    changes: Mapping[str, TableChange]) -> tuple[WriteResult, int]:
    """``table`` brought up to date with ``changes`` (each bronze folder's change since its
    watermark; a folder without one changed nothing); and how many records were recomputed."""
    withdrawn = changes.get(sources.withdrawals.name)
    new_rows = {name: change.added for name, change in changes.items() if name != sources.withdrawals.name}
    ids = {source: frame.cache() for source, frame in
           touched_ids(new_rows, withdrawn.added if withdrawn is not None else None, sources).items()}
    try:
        sizes = {source: frame.count() for source, frame in ids.items()}
        touched = {source: ids[source] for source, n in sizes.items() if n}
        if not touched:
            return unchanged(table.uri), 0
        rows, existing = _recomputed(lakehouse, bronze, sources, table, touched)
        return lakehouse.merge(rows, table.uri, [table.key], deleting=existing), sum(sizes.values())
    finally:
        for frame in ids.values():
            frame.unpersist()


def _source_frames(lakehouse: Lakehouse, bronze: Mapping[str, str], sources: Sources) -> dict[str, DataFrame]:
    """Every source's bronze table there is (the withdrawals apart)."""
    return {name: lakehouse.read(uri) for name, uri in bronze.items()
            if name != sources.withdrawals.name and lakehouse.exists(uri)}


def _read_if_any(lakehouse: Lakehouse, uri: str | None) -> DataFrame | None:
    return lakehouse.read(uri) if uri is not None and lakehouse.exists(uri) else None


def _recomputed(lakehouse: Lakehouse, bronze: Mapping[str, str], sources: Sources, table: SilverTable,
                ids: Mapping[str, DataFrame]) -> tuple[DataFrame, DataFrame]:
    """The rows of the touched records, and the keys of the rows they had (which go unless
    recomputed: a withdrawn record's, an attachment no longer sent)."""
    frames = _source_frames(lakehouse, bronze, sources)
    # Untouched sources take part with no rows (Spark reads nothing of an empty limit), so that
    # every builder sees the frames it expects.
    current = current_records(
        {**only_ids({s: frames[s] for s in ids}, ids, sources),
         **{s: df.limit(0) for s, df in frames.items() if s not in ids}},
        sources, _read_if_any(lakehouse, bronze.get(sources.withdrawals.name)))
    existing = (lakehouse.read(table.uri).select(table.key, table.root().alias("root"))
                .join(F.broadcast(touched_roots(ids, sources)), "root", "left_semi").select(table.key))
    return table.build(current, sources), existing
