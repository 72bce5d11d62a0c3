"""Watermarks: the version of each input a table was last computed from.

An incremental step reads what changed in its inputs since its watermark, writes its table, and
only then records the versions it read. A run that dies between the two leaves the old
watermark: the next run reads the same change again and recomputes the same keys, which the
merge finds already written (it commits nothing). So a change is never lost, and never applied
twice in a way that shows.

A watermark also records the settings the table was computed with (the extractor and its model,
say): a table computed otherwise is recomputed whole.

They live in the lake, not in the orchestrator's storage, so that they move with the lake (a
command-line run keeps no Dagster instance), one row per step and run, the latest winning.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from pipelines import delta

SCHEMA = pa.schema([
    pa.field("table", pa.string()), pa.field("inputs", pa.string()), pa.field("settings", pa.string()),
    pa.field("run_id", pa.string()), pa.field("recorded_at", pa.timestamp("us", tz="UTC")),
])
# One small file per record: compacted when there are this many, so that reading stays one file.
_COMPACT_AT = 64


@dataclass(frozen=True)
class Watermark:
    """The versions of its inputs (by table name, ``silver/documents``) a table reflects, and its settings."""

    inputs: dict[str, int] = field(default_factory=dict)
    settings: str = ""


def read(uri: str, table: str) -> Watermark | None:
    """The last watermark recorded for ``table``; None when it has none (compute it whole)."""
    rows = delta.read_arrow(uri, filter=pc.field("table") == table)
    if rows is None or rows.num_rows == 0:
        return None
    last = rows.take([pc.index(rows.column("recorded_at"), pc.max(rows.column("recorded_at"))).as_py()])
    return Watermark({k: int(v) for k, v in json.loads(last.column("inputs")[0].as_py()).items()},
                     last.column("settings")[0].as_py() or "")


def record(uri: str, table: str, watermark: Watermark, run_id: str) -> None:
    """Records that ``table`` now reflects ``watermark`` (after its commit, never before); commits
    nothing when that is what it last recorded, so that a run that changed nothing writes nothing."""
    if read(uri, table) == watermark:
        return
    row = {"table": table, "inputs": json.dumps(watermark.inputs, sort_keys=True), "settings": watermark.settings,
           "run_id": run_id, "recorded_at": dt.datetime.now(dt.timezone.utc)}
    origin = delta.origin_of(run_id, [table])
    delta.append_rows(uri, pa.Table.from_pylist([row], schema=SCHEMA), origin)
    delta.compact_small(uri, _COMPACT_AT, origin)


def versions(uris: Mapping[str, str]) -> dict[str, int]:
    """The current version of each named table that exists (``{"silver/documents": 12}``)."""
    found = {name: delta.version(uri) for name, uri in uris.items()}
    return {name: v for name, v in found.items() if v is not None}
