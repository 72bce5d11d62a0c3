"""What entities reach in two typed links, read from the ``search_edges`` index as the user sees it."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from insight.engine import Engine
from pipelines.resolve.relations import POSSIBLY_SAME_AS

MAX_FRONTIER = 200  # entities whose links a second hop reads at most: those with most evidence first
NAMING_ROUNDS = 3  # look-ups of names to fill a list whose closest links are hidden from the user


def names_of(engine: Engine, entity_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Each visible entity's canonical name, type, sources and document count."""
    ids = sorted(set(entity_ids))
    if not ids:
        return {}
    return {r["entity_id"]: r for r in engine.run("search/names_of", {"entity_ids": ids}).to_pylist()}


def links_within_two(engine: Engine, seeds: Iterable[str]) -> list[dict[str, Any]]:
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


Names = dict[str, dict[str, Any]]  # entity id → what :func:`names_of` gives of it


def name_closest(lookup: Callable[[set[str]], Names], lists: list[list[dict[str, Any]]], limit: int,
                 also: Iterable[str] = ()) -> tuple[list[list[dict[str, Any]]], Names]:
    """The first ``limit`` links of each list (closest first) whose entity the user may see, named,
    and the names looked up (``lookup``: :func:`names_of` of the user's engine), those of the
    entities ``also`` among them.

    Names are looked up in rounds, each for as many links as a list still lacks: a hub reaches
    thousands, naming every one read much of ``entities``, and most users see the first ``limit``,
    so one round is the rule; an entity hidden from the user costs its list one link more in the
    next round, for ``NAMING_ROUNDS`` rounds."""
    consumed = [0] * len(lists)
    names: Names = {}
    looked: set[str] = set()
    wanted = set(also)
    for _ in range(NAMING_ROUNDS):
        for index, links in enumerate(lists):
            lacking = limit - sum(1 for link in links[:consumed[index]] if link["entity_id"] in names)
            taken = links[consumed[index]:consumed[index] + max(0, lacking)]
            consumed[index] += len(taken)
            wanted.update(link["entity_id"] for link in taken)
        wanted -= looked
        if not wanted:
            break
        names.update(lookup(wanted))
        looked |= wanted
        wanted = set()
    return [named(links[:consumed[index]], names)[:limit] for index, links in enumerate(lists)], names


def reach(engine: Engine, seeds: Iterable[str], limit: int) -> list[dict[str, Any]]:
    """The ``limit`` closest links of :func:`links_within_two` the user may see, named."""
    return name_closest(partial(names_of, engine), [links_within_two(engine, seeds)], limit)[0][0]
