"""Delta tables without Spark: what the query side, the reports and the orchestrator's metadata
read, and the audit's one-row appends.

With :mod:`pipelines.lakehouse` (Spark's reads and writes) this is the only code that touches
``deltalake``: a command such as ``insight search`` opens the lake here without importing Spark.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
from deltalake import DeltaTable, write_deltalake
from deltalake.exceptions import DeltaError, TableNotFoundError
from deltalake.transaction import CommitProperties


class VersionGone(LookupError):
    """The version a reader asked for is no longer in the table's log (it was cleaned up)."""


def is_table(uri: str) -> bool:
    return DeltaTable.is_deltatable(uri)


def open_table(uri: str) -> DeltaTable | None:
    """The table at its current version, or None where there is none."""
    try:
        return DeltaTable(uri)
    except TableNotFoundError:
        return None


@dataclass(frozen=True)
class Snapshot:
    """One version of a table as a reader sees it: its live files and schema."""

    uri: str
    files: list[str]
    schema: pa.Schema
    table: DeltaTable

    def dataset(self) -> pads.Dataset:
        return self.table.to_pyarrow_dataset()


def snapshot(uri: str, as_of: dt.datetime | None = None) -> Snapshot | None:
    """The table now, or at its last version committed at or before ``as_of``; None where there was
    no table (yet). Raises :class:`VersionGone` for a version the log no longer holds."""
    table = open_table(uri)
    if table is None:
        return None
    if as_of is not None:
        earlier = [h["version"] for h in table.history() if h["timestamp"] <= as_of.timestamp() * 1000]
        if not earlier:
            return None
        try:
            table.load_as_version(max(earlier))
        except DeltaError:
            raise VersionGone(f"{uri} as of {as_of.isoformat()}") from None
    return Snapshot(table.table_uri.rstrip("/"), table.file_uris(),
                    pa.schema(table.schema().to_arrow()), table)


def files_at(uri: str, version: int) -> list[str]:
    """The live data files of the table at ``version``; :class:`VersionGone` when its log no longer
    holds that version (or never did)."""
    try:
        return DeltaTable(uri, version=version).file_uris()
    except DeltaError:  # TableNotFoundError is one too
        raise VersionGone(f"{uri} at version {version}") from None


def read_arrow(uri: str, columns: list[str] | None = None, filter: pc.Expression | None = None) -> pa.Table | None:
    """The table's rows (``columns`` of those ``filter`` keeps), or None where there is no table."""
    table = open_table(uri)
    return None if table is None else table.to_pyarrow_dataset().to_table(columns=columns, filter=filter)


def read_live_files(uri: str, files: Sequence[str], columns: list[str], max_bytes: int) -> pa.Table | None:
    """``columns`` of some live data files of the table at ``uri`` (named as :func:`files_at` names
    them), read on the driver; None when they hold more than ``max_bytes`` or one of them is no
    longer live (then Spark reads them)."""
    table = open_table(uri)
    if table is None:
        return None
    actions = add_actions(table)
    entries = zip(actions.column("path").to_pylist(), actions.column("size_bytes").to_pylist())
    live = dict(zip(table.file_uris(), entries))
    if any(f not in live for f in files) or sum(live[f][1] for f in files) > max_bytes:
        return None
    dataset = table.to_pyarrow_dataset()
    return pads.FileSystemDataset.from_paths([live[f][0] for f in files], schema=dataset.schema, format=dataset.format,
                                             filesystem=dataset.filesystem).to_table(columns=columns)


def head_rows(uri: str, rows: int, columns: list[str] | None = None) -> list[dict[str, Any]]:
    table = open_table(uri)
    return [] if table is None else table.to_pyarrow_dataset().head(rows, columns=columns).to_pylist()


def version(uri: str) -> int | None:
    table = open_table(uri)
    return None if table is None else table.version()


def schema(uri: str) -> pa.Schema:
    table = open_table(uri)
    if table is None:
        raise FileNotFoundError(f"no Delta table at {uri}")
    return pa.schema(table.schema().to_arrow())


def origin_of(run_id: str, assets: Sequence[str], reflects: Mapping[str, int] | None = None,
              settings: str = "") -> dict[str, Any]:
    """What a commit records of the work that made it: the orchestrator's run and the assets of the
    step; for a step of an increment also the versions of its inputs the table now ``reflects`` and
    its ``settings``, so that the commit itself is the table's watermark (``pipelines/watermarks.py``)."""
    found: dict[str, Any] = {"writer": "insight", "run_id": run_id, "assets": ",".join(sorted(assets))}
    if reflects is not None:
        found.update(reflects=dict(reflects), settings=settings)
    return found


def commit_origin(commit: Mapping[str, Any]) -> dict[str, Any]:
    """The origin a commit of a table's history records (empty when it records none)."""
    try:
        found = json.loads(commit.get("userMetadata") or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def commits_after(uri: str, since: int) -> list[tuple[int, dict[str, Any]]]:
    """The versions committed after ``since`` (-1: all of them), oldest first, each with its origin."""
    table = open_table(uri)
    if table is None or table.version() <= since:
        return []
    return sorted((int(c["version"]), commit_origin(c)) for c in table.history(limit=table.version() - since))


def _commit(origin: Mapping[str, Any] | None) -> CommitProperties | None:
    if not origin:
        return None
    return CommitProperties(custom_metadata={"userMetadata": json.dumps(dict(origin), sort_keys=True)})


def append_rows(uri: str, rows: pa.Table, origin: Mapping[str, Any] | None = None) -> None:
    """Appends a few rows (the table is created with their schema): the audit's one event, a
    watermark; ``origin`` (:func:`origin_of`) is recorded in the commit."""
    write_deltalake(uri, rows, mode="append", commit_properties=_commit(origin))


def compact_small(uri: str, at: int, origin: Mapping[str, Any] | None = None) -> None:
    """Compacts a small append-only table into one file once it has ``at`` files, and checkpoints
    its log, so that reading it stays one file and one checkpoint however long it lives."""
    table = DeltaTable(uri)
    if len(table.file_uris()) >= at:
        table.optimize.compact(commit_properties=_commit(origin))
        table.create_checkpoint()
        table.cleanup_metadata()
        table.vacuum(dry_run=False)  # the compacted files, once older than the retention (a week)


def add_actions(table: DeltaTable) -> pa.Table:
    """The live files of a table with their statistics, as a pyarrow table."""
    return pa.table(table.get_add_actions(flatten=True))


def row_count(uri: str) -> int:
    """Rows in a Delta table, from its log's statistics (no data file is read); 0 where there is none."""
    table = open_table(uri)
    if table is None:
        return 0
    actions = add_actions(table)
    return int(pc.sum(actions.column("num_records")).as_py() or 0) if actions.num_rows else 0
