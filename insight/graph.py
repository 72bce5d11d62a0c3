"""What entities reach in two typed links, read from the ``search_edges`` index as the user sees it."""
from __future__ import annotations

from typing import Any, Iterable

from insight.engine import EmbeddedEngine
from pipelines.resolve.relations import POSSIBLY_SAME_AS

MAX_FRONTIER = 200  # entities whose links a second hop reads at most: those with most evidence first


def names_of(engine: EmbeddedEngine, entity_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Each visible entity's canonical name, type, sources and document count."""
    ids = sorted(set(entity_ids))
    if not ids:
        return {}
    return {r["entity_id"]: r for r in engine.run("search/names_of", {"entity_ids": ids}).to_pylist()}


def links_within_two(engine: EmbeddedEngine, seeds: Iterable[str]) -> list[dict[str, Any]]:
    """Every entity one or two links from a seed, unnamed, closest first (see :func:`walk`); the
    second hop reads the links of the ``MAX_FRONTIER`` entities with most evidence."""
    seeds = sorted(set(seeds))
    if not seeds:
        return []
    first = engine.run("search/edges", {"entity_ids": seeds}).to_pylist()
    evidence: dict[str, int] = {}
    seeded = set(seeds)
    for edge in first:
        if edge["other_id"] not in seeded:
            evidence[edge["other_id"]] = max(evidence.get(edge["other_id"], 0), len(edge["doc_ids"]))
    frontier = sorted(evidence, key=lambda entity: (-evidence[entity], entity))[:MAX_FRONTIER]
    second = engine.run("search/edges", {"entity_ids": frontier}).to_pylist() if frontier else []
    return walk(first, second)


def walk(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """From the seeds' edges (``first``) and their neighbours' (``second``), each an ``entity_id``,
    ``other_id``, ``relation`` and ``doc_ids``: every entity reached, as ``seed``, ``entity_id``,
    ``relation`` (of the last link), ``hops`` and ``doc_ids`` (the evidence of the last link),
    closest first. An entity one link away is not shown again two links away.

    Two possible identities in a row are no link: they lead from a person to a name he may bear and
    back to the other namesakes that name may be, who are nothing to him."""
    by_entity: dict[str, list[dict[str, Any]]] = {}
    for edge in first + second:
        by_entity.setdefault(edge["entity_id"], []).append(edge)
    found: dict[tuple[str, str, str], dict[str, Any]] = {}

    def keep(seed: str, edge: dict[str, Any], hops: int) -> None:
        key = (seed, edge["other_id"], edge["relation"])
        if key not in found or hops < found[key]["hops"]:
            found[key] = {"seed": seed, "entity_id": edge["other_id"], "relation": edge["relation"], "hops": hops,
                          "doc_ids": sorted(edge["doc_ids"])}
        elif hops == found[key]["hops"]:
            found[key]["doc_ids"] = sorted(set(found[key]["doc_ids"]) | set(edge["doc_ids"]))

    for edge in first:
        keep(edge["entity_id"], edge, 1)
        for onward in by_entity.get(edge["other_id"], []):
            both_possible = edge["relation"] == onward["relation"] == POSSIBLY_SAME_AS
            if onward["other_id"] != edge["entity_id"] and not both_possible:
                keep(edge["entity_id"], onward, 2)
    nearest: dict[tuple[str, str], int] = {}
    for row in found.values():
        key = (row["seed"], row["entity_id"])
        nearest[key] = min(nearest.get(key, row["hops"]), row["hops"])
    return sorted((r for r in found.values() if r["hops"] == nearest[(r["seed"], r["entity_id"])]), key=closest)


def closest(link: dict[str, Any]) -> tuple[int, int, str, str]:
    """Fewer hops first, then the link with more documents behind it."""
    return link["hops"], -len(link["doc_ids"]), link["entity_id"], link["relation"]


def named(links: list[dict[str, Any]], names: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """``links`` with the type and name of the entity reached; one whose every row is hidden is dropped."""
    return [{**link, "entity_type": names[link["entity_id"]]["entity_type"], "value": names[link["entity_id"]]["name"]}
            for link in links if link["entity_id"] in names]


def shortlist(links: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """The closest links worth naming to show ``limit``: twice as many, for those hidden from the user.

    Only these are looked up by name: a hub reaches thousands, and naming every one read much of
    ``entities``."""
    return links[:2 * limit]


def reach(engine: EmbeddedEngine, seeds: Iterable[str], limit: int) -> list[dict[str, Any]]:
    """The ``limit`` closest links of :func:`links_within_two`, named."""
    wanted = shortlist(links_within_two(engine, seeds), limit)
    return named(wanted, names_of(engine, {link["entity_id"] for link in wanted}))[:limit]
