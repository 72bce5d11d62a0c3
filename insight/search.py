"""``insight search``: one ranked search over every visible source, read from the search index.

A query is looked up three ways at once, each in its index table (never a scan of the lake):
its terms (BM25 over ``search_terms``), its words as a name (``search_names``: spelling,
transliteration, sound, missing or swapped surnames) and its identifier forms
(``search_identifiers``). A document's score adds what each way found in it; the entities found by
name or identifier are hits of their own, above their documents.
"""
from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from insight.engine import Engine
from insight.errors import InsightError
from insight.graph import links_within_two, name_closest, named, names_of
from pipelines.index.keys import MAX_NAME_WORDS, NameKey, identifier_keys, name_keys, terms
from pipelines.resolve.relations import NOT_HOLDING
from pipelines.text import fold_accents

SNIPPET_CHARS = 160
LINKED_PER_HIT = 20
TEXT_CANDIDATES = 200   # documents ranked by BM25 before the other evidence is added
NAME_ENTITIES = 20      # entities matched by name whose documents become candidates
ENTITY_HITS = 3         # entities shown as hits of their own
DOCUMENTS_PER_ENTITY = 200
# What each kind of evidence adds to a document's score: an identifier is near-certain, a name
# strong, the text's BM25 (normalised to at most 1) orders the rest.
IDENTIFIER_WEIGHT, NAME_WEIGHT, TEXT_WEIGHT = 3.0, 2.0, 1.0
_ALPHA = re.compile(r"^[^\W\d_]+$")


class EmptyQuery(InsightError):
    """A query with nothing to look up: no word, name or identifier."""


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    terms: list[str]
    names: list[NameKey]       # one key per distinct skeleton; none when the query is not a name
    identifiers: list[str]     # identifier keys; none when the query holds no digit or @


def parse_query(text: str, regions: list[str]) -> ParsedQuery:
    """``regions``: where a phone written in national form may be from, most likely first."""
    words = text.split()
    named = [w for w in words if _ALPHA.match(w.strip(".,;:'\"()"))]
    keys = name_keys(" ".join(named)) if named and len(words) <= MAX_NAME_WORDS else []
    by_skeleton = {k.skeleton: k for k in reversed(keys)}  # the first word of a skeleton wins
    looks_like_id = any(c.isdigit() for c in text) or "@" in text
    return ParsedQuery(
        text=text,
        terms=sorted(terms(text)),
        names=list(reversed(by_skeleton.values())),
        identifiers=identifier_keys(text, regions) if looks_like_id else [],
    )


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
    for key in query.identifiers:
        loose = r"[^0-9a-z]*".join(re.escape(c) for c in key.lower())
        found = re.search(loose, folded)
        if found:
            return found.span()
    for term in [*(k.word.lower() for k in query.names), *query.terms]:
        found = re.search(rf"\b{re.escape(term)}\b", folded)
        if found:
            return found.span()
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


@dataclass
class _Evidence:
    text: float = 0.0
    name: float = 0.0
    identifier: float = 0.0

    @property
    def score(self) -> float:
        return IDENTIFIER_WEIGHT * self.identifier + NAME_WEIGHT * self.name + TEXT_WEIGHT * self.text


def _text_evidence(engine: Engine, words: list[str], found: dict[str, _Evidence]) -> None:
    if not words:
        return
    rows = engine.run("search/terms", {"terms": words, "limit": TEXT_CANDIDATES}).to_pylist()
    best = max((r["bm25"] for r in rows), default=0.0) or 1.0
    for r in rows:
        found.setdefault(r["doc_id"], _Evidence()).text = (r["matched"] / len(words)) * (r["bm25"] / best)


def _name_evidence(engine: Engine, query: ParsedQuery, found: dict[str, _Evidence]) -> list[tuple[str, float]]:
    if not query.names:
        return []
    rows = engine.run("search/names", {
        "skeletons": [k.skeleton for k in query.names], "sounds": [k.sound for k in query.names],
        "words": [k.word for k in query.names], "limit": NAME_ENTITIES}).to_pylist()
    matched = []
    for r in rows:
        strength = (r["level"] / (3 * len(query.names))) * (0.8 + 0.2 * r["coverage"])
        matched.append((r["entity_id"], strength))
        for doc_id in r["doc_ids"]:
            evidence = found.setdefault(doc_id, _Evidence())
            evidence.name = max(evidence.name, strength)
    return matched


def _identifier_evidence(engine: Engine, query: ParsedQuery, found: dict[str, _Evidence]) -> list[str]:
    if not query.identifiers:
        return []
    rows = engine.run("search/identifiers", {"keys": query.identifiers, "limit": DOCUMENTS_PER_ENTITY}).to_pylist()
    for r in rows:
        for doc_id in r["doc_ids"]:
            found.setdefault(doc_id, _Evidence()).identifier = 1.0
    return [r["entity_id"] for r in rows]


def _holders(engine: Engine, identifiers: list[str]) -> list[str]:
    """The persons the identifiers found belong to: who holds the passport searched is what the
    analyst asks next, and his own links reach further than the passport's."""
    if not identifiers:
        return []
    rows = engine.run("search/holders",
                      {"entity_ids": identifiers, "not_holding": NOT_HOLDING, "limit": ENTITY_HITS}).to_pylist()
    return [r["entity_id"] for r in rows]


def _entity_hit(entity_id: str, score: float) -> Hit:
    """An entity found by its name or identifier; :func:`with_graph` names it."""
    return Hit(kind="entity", id=entity_id, source="entities", source_id=entity_id, title="", snippet="",
               score=round(score, 4), owner_country="", entities=[{"entity_id": entity_id}])


def with_graph(engine: Engine, hits: list[Hit]) -> list[Hit]:
    """The hits with each document's entities (what it names), each entity hit's name and summary,
    and every hit's linked (up to two typed links away, its own entities left out, the closest
    first), from the index views: only what the user may see. Names are looked up for what is
    shown (:func:`name_closest`); an entity hit the user may not see is left out."""
    if not hits:
        return hits
    documents = [h for h in hits if h.kind == "document"]
    mentioned = engine.run("search/entities", {"doc_ids": [h.id for h in documents]}).to_pylist() if documents else []
    for hit in documents:
        hit.entities = [{"entity_id": r["entity_id"]} for r in mentioned if r["doc_id"] == hit.id]
    links = links_within_two(engine, {r["entity_id"] for r in mentioned if r["entity_type"] != "location"}
                             | {hit.id for hit in hits if hit.kind == "entity"})
    closest = []
    for hit in hits:
        own = {e["entity_id"] for e in hit.entities}
        best: dict[str, dict[str, Any]] = {}
        for link in links:  # closest first: the first link to an entity is its best
            if link["seed"] in own and link["entity_id"] not in own and link["entity_id"] not in best:
                best[link["entity_id"]] = link
        closest.append(list(best.values()))
    linked, names = name_closest(partial(names_of, engine), closest, LINKED_PER_HIT,
                                 {e["entity_id"] for hit in hits for e in hit.entities})
    shown = []
    for hit, chosen in zip(hits, linked):
        if hit.kind == "entity":
            e = names.get(hit.id)
            if e is None:
                continue
            hit.title, hit.owner_country = e["name"] or "", e["owner_country"] or ""
            hit.snippet = f"{e['entity_type']} named in {e['documents']} document(s) of {', '.join(e['sources'])}"
        hit.entities = sorted(named(hit.entities, names),
                              key=lambda e: (e["entity_type"], e["value"] or "", e["entity_id"]))
        hit.linked = [{k: link[k] for k in ("entity_id", "entity_type", "value", "relation", "hops")}
                      for link in chosen]
        shown.append(hit)
    return shown


def _ordinal(day: dt.date | None) -> int:
    return day.toordinal() if day else 0


def search(engine: Engine, text: str, limit: int = 10) -> dict[str, Any]:
    """The contract's JSON answer for one query, as the engine's user may see it."""
    started = time.perf_counter()
    owners = [r["owner_country"] for r in engine.run("search/owners", {}).to_pylist()]
    query = parse_query(text, [engine.user.country, *owners])
    if not query.terms and not query.names and not query.identifiers:
        raise EmptyQuery("empty query: give words, a name or an identifier")
    found: dict[str, _Evidence] = {}
    by_identifier = _identifier_evidence(engine, query, found)
    # The digits of an identifier found are looked up as the identifier: as words ("11", "54") they
    # are in a good part of the lake and rank nothing.
    _text_evidence(engine, [t for t in query.terms if not (by_identifier and any(c.isdigit() for c in t))], found)
    by_name = _name_evidence(engine, query, found)
    ranked = sorted(found.items(), key=lambda item: (-item[1].score, item[0]))[:3 * limit]
    rows = {r["doc_id"]: r for r in engine.run("search/documents", {"doc_ids": [d for d, _ in ranked]}).to_pylist()}
    shown = [(rows[doc_id], evidence) for doc_id, evidence in ranked if doc_id in rows]
    shown.sort(key=lambda item: (-item[1].score, -_ordinal(item[0]["event_date"]), item[0]["doc_id"]))  # newest first
    documents = [
        Hit(kind="document", id=row["doc_id"], source=row["source"], source_id=row["source_id"],
            title=row["title"] or "", snippet=snippet(row["body"] or "", query),
            score=round(evidence.score, 4), owner_country=row["owner_country"])
        for row, evidence in shown
    ]
    top_document = documents[0].score if documents else 0.0
    # The entities found by identifier (then their holders) or name rank above every document.
    identified = by_identifier[:ENTITY_HITS]
    entity_scores = [(e, IDENTIFIER_WEIGHT + top_document)
                     for e in dict.fromkeys(identified + _holders(engine, identified))]
    entity_scores += [(e, NAME_WEIGHT * s + top_document) for e, s in by_name[:ENTITY_HITS]
                      if e not in dict(entity_scores)]
    entity_hits = [_entity_hit(entity_id, score) for entity_id, score in entity_scores[:ENTITY_HITS]]
    hits = with_graph(engine, sorted(entity_hits + documents, key=lambda h: -h.score)[:limit])
    return {
        "query": text,
        "user": engine.user.id,
        "took_ms": round((time.perf_counter() - started) * 1000, 1),
        "hits": [asdict(h) for h in hits],
    }
