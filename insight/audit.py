"""The audit trail: every search, entity look-up, SQL statement and export, appended to the
``audit`` Delta table before its answer is shown, refused attempts included.

Nothing in the flow rewrites the table: it is written only here, by appends (delta-rs commits
each append as its own transaction, so concurrent sessions do not overwrite one another).
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.config import LakePaths
from pipelines.delta import append_rows, read_arrow

SCHEMA = pa.schema([
    ("event_id", pa.string()),
    ("at", pa.timestamp("us", tz="UTC")),
    ("user", pa.string()),
    ("action", pa.string()),
    ("statement", pa.string()),
    ("outcome", pa.string()),
    ("row_count", pa.int64()),
    ("doc_ids", pa.list_(pa.string())),
])
ACTIONS = ("search", "entity", "sql", "export", "alerts", "links", "trends")


@dataclass
class Event:
    user: str
    action: str
    statement: str
    outcome: str = "ok"            # ok, refused: <reason>, failed: <reason>
    row_count: int | None = None
    doc_ids: list[str] = field(default_factory=list)


def record(paths: LakePaths, event: Event) -> None:
    """Appends one event; raises if it cannot be written (an answer is never shown unaudited)."""
    if event.action not in ACTIONS:
        raise ValueError(f"unknown audit action {event.action!r}")
    row = {"event_id": uuid.uuid4().hex, "at": dt.datetime.now(dt.timezone.utc), "user": event.user,
           "action": event.action, "statement": event.statement, "outcome": event.outcome,
           "row_count": event.row_count, "doc_ids": sorted(set(event.doc_ids))}
    append_rows(paths.audit, pa.Table.from_pylist([row], schema=SCHEMA))


def events(paths: LakePaths, user: str | None = None, since: dt.datetime | None = None) -> list[dict]:
    """The events of ``user`` (everyone's when None) at or after ``since``, oldest first."""
    wanted = pc.scalar(True)
    if user is not None:
        wanted = wanted & (pc.field("user") == user)
    if since is not None:
        wanted = wanted & (pc.field("at") >= pa.scalar(since, pa.timestamp("us", tz="UTC")))
    table = read_arrow(paths.audit, filter=wanted)
    return [] if table is None else table.sort_by([("at", "ascending")]).to_pylist()


def document_ids(rows: Iterable[dict]) -> list[str]:
    """The document ids an SQL answer returned: its ``doc_id`` column and ``doc_ids`` lists."""
    found: list[str] = []
    for row in rows:
        if isinstance(row.get("doc_id"), str):
            found.append(row["doc_id"])
        if isinstance(row.get("doc_ids"), list):
            found += [d for d in row["doc_ids"] if isinstance(d, str)]
    return found
