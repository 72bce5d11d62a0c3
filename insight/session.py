"""The query session: one user's reads of the lake, on one engine, as of one instant.

Every front end (the ``insight`` command, an HTTP server) runs its searches, entity look-ups, SQL,
exports and findings through a :class:`QuerySession`, so none can answer without the engine's
access rule and an audit row written first: the guarantee lives here, not in each front end.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pyarrow as pa

from insight import patterns
from insight.audit import Event, document_ids, record
from insight.engine import EmbeddedEngine, Engine
from insight.entity import entity
from insight.errors import InsightError
from insight.search import search
from insight.users import User, find_user
from pipelines.config import LakePaths

T = TypeVar("T")

ENGINES = ("embedded", "trino")

_EXPORT_ENTITIES = ("SELECT entity_id, max(entity_type) AS entity_type, max(name) AS name, "
                    "array_distinct(flatten(array_agg(names))) AS names, array_agg(properties) AS properties "
                    "FROM entities GROUP BY entity_id")
_EXPORT_LINKS = ("SELECT src_entity_id, dst_entity_id, relation, "
                 "array_distinct(flatten(array_agg(doc_ids))) AS doc_ids "
                 "FROM entity_links GROUP BY src_entity_id, dst_entity_id, relation")


@dataclass(frozen=True)
class EngineChoice:
    """Which engine answers: ``embedded`` (DuckDB in this process) or ``trino`` at ``trino_url``
    (a remote coordinator; None: the local server of ``insight trino up``)."""

    kind: str = "embedded"
    trino_url: str | None = None

    @classmethod
    def from_env(cls, kind: str | None = None) -> EngineChoice:
        """``kind``, else ``$INSIGHT_ENGINE`` (``trino`` when ``$INSIGHT_TRINO_URL`` is set)."""
        url = os.environ.get("INSIGHT_TRINO_URL") or None
        chosen = kind or os.environ.get("INSIGHT_ENGINE") or ("trino" if url else "embedded")
        if chosen not in ENGINES:
            raise InsightError(f"unknown engine {chosen!r}: use {' or '.join(ENGINES)}")
        return cls(chosen, url)


def open_engine(paths: LakePaths, user: User, choice: EngineChoice, as_of: dt.datetime | None) -> Engine:
    if choice.kind == "embedded":
        return EmbeddedEngine(paths, user, as_of)
    from insight.trino.engine import TrinoEngine

    if as_of is not None:
        raise InsightError("--as-of is answered by the embedded engine: Trino's views show the lake as it stands")
    return TrinoEngine.connect(paths, user, choice.trino_url)


class QuerySession:
    """One user's reads: each is audited (what it returned, or why it was refused) before its
    answer is handed back."""

    def __init__(self, paths: LakePaths, user_id: str, engine: EngineChoice | None = None,
                 as_of: dt.datetime | None = None) -> None:
        self.paths = paths
        self.user = find_user(paths.users_file, user_id)
        self.as_of = as_of
        self.engine = open_engine(paths, self.user, engine or EngineChoice(), as_of)

    def __enter__(self) -> QuerySession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.close()

    def _audited(self, action: str, statement: str, run: Callable[[], T],
                 returned: Callable[[T], tuple[int, list[str]]]) -> T:
        """Runs a read and records it before its answer is shown; a refused or failed attempt is
        recorded too, with its reason."""
        if self.as_of is not None:
            statement = f"{statement} [as of {self.as_of.isoformat()}]"
        try:
            answer = run()
        except Exception as exc:
            outcome = "refused" if isinstance(exc, InsightError) else "failed"
            record(self.paths, Event(self.user.id, action, statement, f"{outcome}: {one_line(exc)}"))
            raise
        rows, doc_ids = returned(answer)
        record(self.paths, Event(self.user.id, action, statement, "ok", rows, doc_ids))
        return answer

    def search(self, text: str, limit: int = 10) -> dict[str, Any]:
        """The contract's JSON answer for one query (``contracts/search-surface.md``)."""
        answer = self._audited("search", text, lambda: search(self.engine, text, limit),
                               lambda a: (len(a["hits"]), [h["id"] for h in a["hits"] if h["kind"] == "document"]))
        if self.as_of is not None:
            answer["as_of"] = self.as_of.isoformat()
        return answer

    def entity(self, entity_id: str) -> dict[str, Any]:
        return self._audited("entity", entity_id, lambda: entity(self.engine, entity_id),
                             lambda a: (len(a["documents"]), [d["doc_id"] for d in a["documents"]]))

    def sql(self, statement: str) -> pa.Table:
        """An analyst's SQL over the secured views."""
        return self._audited("sql", statement, lambda: self.engine.sql(statement),
                             lambda t: (t.num_rows, document_ids(t.select(
                                 [c for c in ("doc_id", "doc_ids") if c in t.column_names]).to_pylist())))

    def export(self, destination: str) -> Iterator[dict[str, Any]]:
        """The entity graph the user may see as FollowTheMoney entities; recorded before the first
        is handed out, since an export is the whole graph."""
        from pipelines.resolve.ftm import ftm_entities

        record(self.paths, Event(self.user.id, "export", f"export to {destination}"))
        types = dict(zip(*self.engine.sql("SELECT DISTINCT entity_id, entity_type FROM entities").to_pydict().values()))
        yield from ftm_entities(types, _rows(self.engine.sql(_EXPORT_ENTITIES)), _rows(self.engine.sql(_EXPORT_LINKS)))

    def _finding(self, action: str, read: Callable[..., list[dict[str, Any]]], **options: Any) -> list[dict[str, Any]]:
        """One read of alerts, links or trends, audited with the documents it showed."""
        statement = " ".join([action, *(f"--{k.replace('_', '-')} {v}" for k, v in options.items() if v is not None)])
        return self._audited(action, statement, lambda: read(self.engine, **options),
                             lambda rows: (len(rows), sorted({d for r in rows for d in (r.get("doc_id"),
                                                                                        r.get("watch_doc_id")) if d})))

    def alerts(self, since: dt.datetime | None = None, limit: int = patterns.SHOWN) -> list[dict[str, Any]]:
        return self._finding("alerts", patterns.alerts, since=since, limit=limit)

    def hidden_links(self, since: dt.datetime | None = None, limit: int = patterns.SHOWN) -> list[dict[str, Any]]:
        return self._finding("links", patterns.hidden_links, since=since, limit=limit)

    def trends(self, since: dt.date | None = None, country: str | None = None, category: str | None = None,
               limit: int = patterns.SHOWN) -> list[dict[str, Any]]:
        return self._finding("trends", patterns.trends, since=since, country=country, category=category, limit=limit)

    def hotspots(self, since: dt.date | None = None, category: str | None = None,
                 limit: int = patterns.SHOWN) -> list[dict[str, Any]]:
        return self._finding("trends", patterns.hotspots, since=since, category=category, limit=limit)


def _rows(table: pa.Table) -> Iterator[dict[str, Any]]:
    for batch in table.to_batches(max_chunksize=10_000):
        yield from batch.to_pylist()


def one_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type's name when it has none)."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
