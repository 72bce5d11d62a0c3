"""What entities reach in two typed links, read from the ``search_edges`` index as the user sees it."""
from __future__ import annotations

from typing import Any, Iterable

from insight.engine import EmbeddedEngine

MAX_FRONTIER = 500  # entities whose links a second hop reads at most (a hub's neighbours are cut here)


def names_of(engine: EmbeddedEngine, entity_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Each visible entity's canonical name, type, sources and document count."""
    ids = sorted(set(entity_ids))
    if not ids:
        return {}
    return {r["entity_id"]: r for r in engine.run("search/names_of", {"entity_ids": ids}).to_pylist()}


def reach(engine: EmbeddedEngine, seeds: Iterable[str]) -> list[dict[str, Any]]:
    """Every entity one or two links from a seed: ``seed``, ``entity_id``, ``entity_type``, ``value``,
    ``relation`` (of the last link), ``hops`` and ``doc_ids`` (the evidence of the last link)."""
    seeds = sorted(set(seeds))
    if not seeds:
        return []
    first = engine.run("search/edges", {"entity_ids": seeds}).to_pylist()
    frontier = sorted({e["other_id"] for e in first} - set(seeds))[:MAX_FRONTIER]
    second = engine.run("search/edges", {"entity_ids": frontier}).to_pylist() if frontier else []
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
            if onward["other_id"] != edge["entity_id"]:
                keep(edge["entity_id"], onward, 2)
    nearest = {}
    for row in found.values():
        key = (row["seed"], row["entity_id"])
        nearest[key] = min(nearest.get(key, row["hops"]), row["hops"])
    # An entity one link away is not shown again two links away (through another relation).
    found = {k: r for k, r in found.items() if r["hops"] == nearest[(r["seed"], r["entity_id"])]}
    names = names_of(engine, {r["entity_id"] for r in found.values()})
    reached = []
    for row in found.values():
        name = names.get(row["entity_id"])
        if name is not None:  # an entity whose every row is hidden is not reached
            reached.append({**row, "entity_type": name["entity_type"], "value": name["name"]})
    return sorted(reached, key=lambda r: (r["hops"], r["value"] or "", r["relation"]))
