"""``insight search``: one ranked keyword search over every visible document."""
from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from insight.engine import EmbeddedEngine
from pipelines.identifiers import compact, fold_accents

_WORD = re.compile(r"\w+", re.UNICODE)
SNIPPET_CHARS = 160
LINKED_PER_HIT = 20


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    terms: list[str]
    compact: str  # '' unless the query looks like an identifier


def parse_query(text: str) -> ParsedQuery:
    """Folded words, and the compact form when the query holds a digit (an identifier)."""
    folded = fold_accents(text).lower()
    terms = list(dict.fromkeys(_WORD.findall(folded)))
    packed = compact(text).lower()
    identifier = packed if any(c.isdigit() for c in packed) and len(packed) >= 5 else ""
    return ParsedQuery(text, terms, identifier)


@dataclass
class Hit:
    kind: str
    id: str
    source: str
    source_id: str
    title: str
    snippet: str
    score: float
    owner_country: str
    entities: list[dict[str, Any]] = field(default_factory=list)
    linked: list[dict[str, Any]] = field(default_factory=list)


def _match_span(folded: str, query: ParsedQuery) -> tuple[int, int] | None:
    if query.compact:
        loose = r"[^0-9a-z]*".join(re.escape(c) for c in query.compact)
        found = re.search(loose, folded)
        if found:
            return found.span()
    for term in query.terms:
        position = folded.find(term)
        if position >= 0:
            return position, position + len(term)
    return None


def snippet(body: str, query: ParsedQuery, width: int = SNIPPET_CHARS) -> str:
    """The passage around the first match, on one line."""
    folded = fold_accents(body).lower()
    text = body if len(folded) == len(body) else folded
    span = _match_span(folded, query) or (0, 0)
    start = max(0, span[0] - width // 3)
    end = min(len(text), start + width)
    passage = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + passage + ("…" if end < len(text) else "")


def with_graph(engine: EmbeddedEngine, hits: list[Hit]) -> None:
    """Fills each hit's entities (what the document names) and linked (up to two typed links away,
    the hit's own entities left out), from the views: only what the user may see."""
    if not hits:
        return
    named = engine.run("search/entities", {"doc_ids": [h.id for h in hits]}).to_pylist()
    for hit in hits:
        hit.entities = [{k: r[k] for k in ("entity_id", "entity_type", "value")} for r in named if r["doc_id"] == hit.id]
    seeds = sorted({e["entity_id"] for hit in hits for e in hit.entities if e["entity_type"] != "location"})
    if not seeds:
        return
    reached = engine.run("search/linked", {"entity_ids": seeds, "limit": LINKED_PER_HIT * len(hits) * 4}).to_pylist()
    for hit in hits:
        own = {e["entity_id"] for e in hit.entities}
        best: dict[str, dict[str, Any]] = {}
        for r in reached:
            if r["seed"] in own and r["entity_id"] not in own:
                if r["entity_id"] not in best or r["hops"] < best[r["entity_id"]]["hops"]:
                    best[r["entity_id"]] = {k: r[k] for k in ("entity_id", "entity_type", "value", "relation", "hops")}
        hit.linked = sorted(best.values(), key=lambda x: (x["hops"], x["value"] or ""))[:LINKED_PER_HIT]


def search(engine: EmbeddedEngine, text: str, limit: int = 10) -> dict[str, Any]:
    """The contract's JSON answer for one query, as the engine's user may see it."""
    started = time.perf_counter()
    query = parse_query(text)
    if not query.terms and not query.compact:
        raise ValueError("empty query: give words, a name or an identifier")
    rows = engine.run("search/documents", {"terms": query.terms, "compact": query.compact, "limit": limit}).to_pylist()
    hits = [
        Hit(
            kind="document", id=r["doc_id"], source=r["source"], source_id=r["source_id"], title=r["title"] or "",
            snippet=snippet(r["body"] or "", query), score=float(10 * r["exact_id"] + r["matched"]),
            owner_country=r["owner_country"],
        )
        for r in rows
    ]
    with_graph(engine, hits)
    return {
        "query": text,
        "user": engine.user.id,
        "took_ms": round((time.perf_counter() - started) * 1000, 1),
        "hits": [asdict(h) for h in hits],
    }
