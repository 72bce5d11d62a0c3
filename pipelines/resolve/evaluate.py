"""Person resolution against the generator's ground truth: pairwise and cluster precision, recall, F1.

Two populations are scored:

- ``records``: every person record of a structured source (notice subject, diffusion subjects,
  nominal, document holder), its true person read from the truth of its record;
- ``mentions``: those records plus every person named in free text (reports, messages,
  attachments, the partner in a diffusion's summary), matched to the truth by document and
  folded name.

``namesakes_merged`` counts pairs of different true persons with the same name (the planted
decoys) that ended up in one entity: it must be 0. Reads the lake with delta-rs: no Spark.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow.dataset as ds

from pipelines.config import LakePaths
from pipelines.delta import read_arrow
from pipelines.extract.evaluate import UNPLANTED_FIELDS, record_doc_id, truth_doc_id
from pipelines.identifiers.name import canonical_name
from pipelines.resolve.scores import Quality, clusters, pairwise
from pipelines.truth import iter_truth

UNNAMED_HOLDERS = ("sltd",)  # sources whose truth lists a record's person without naming it


@dataclass(frozen=True)
class ResolutionQuality:
    population: str
    items: int  # records or mentions scored
    unmatched: int  # truth items with no row in the lake to score (quarantined, or not found by extraction)
    pairwise: Quality
    clusters: Quality
    namesakes_merged: int


def _truth_persons(home: Path) -> Iterator[tuple[str, bool, str | None, str]]:
    """(doc_id, structured?, folded name, person_id) of every planted person.

    A record whose truth lists a person without naming it (a stolen document's holder) gives
    the name ``None``: it is matched to the one person record of its document left unmatched.
    """
    named: set[tuple[str, str]] = set()
    for row in iter_truth(home, "mentions"):
        if row["entity_type"] == "person" and row.get("person_id"):
            doc_id, structured = truth_doc_id(row), row["start"] is None
            if structured:
                named.add((doc_id, row["person_id"]))
            yield doc_id, structured, canonical_name(row["text"] or ""), row["person_id"]
    for row in iter_truth(home, "records"):
        if row["source"] not in UNNAMED_HOLDERS:
            continue
        doc_id = record_doc_id(row)
        for person in row["person_ids"]:
            if (doc_id, person) not in named:
                yield doc_id, True, None, person


def _gold_mentions(home: Path) -> list[dict]:
    uri = LakePaths.from_env(home).table("gold", "mentions")
    table = read_arrow(uri, ["mention_id", "doc_id", "entity_id", "field", "text", "value", "extractor"],
                       ds.field("entity_type") == "person")
    if table is None:
        raise FileNotFoundError(f"no Delta table at {uri}: materialize the home first")
    return table.to_pylist()


def _namesakes_merged(found: dict[str, str], truth: dict[str, str], names: dict[str, str]) -> int:
    persons_in: dict[str, set[str]] = defaultdict(set)
    for item, entity in found.items():
        persons_in[entity].add(truth[item])
    merged = 0
    for persons in persons_in.values():
        by_name: dict[str, int] = defaultdict(int)
        for person in persons:
            by_name[names[person]] += 1
        merged += sum(n * (n - 1) // 2 for n in by_name.values())
    return merged


def _matched(home: Path) -> dict[str, tuple[dict[str, str], dict[str, str], int]]:
    """Per population: truth (mention → person), found (mention → entity) and the unmatched count."""
    wanted: dict[tuple[str, bool, str | None], list[str]] = defaultdict(list)
    for doc_id, structured, name, person in _truth_persons(home):
        wanted[(doc_id, structured, name)].append(person)
    found_by_key: dict[tuple[str, bool, str | None], list[tuple[str, str]]] = defaultdict(list)
    for m in _gold_mentions(home):
        if m["field"] in UNPLANTED_FIELDS or m["entity_id"] is None:
            continue  # headers and titles repeat the body and are not planted
        structured = m["extractor"] == "structured"
        name = m["value"] if structured else m["text"]  # a record's name: its fields put together
        found_by_key[(m["doc_id"], structured, canonical_name(name or ""))].append(
            (m["mention_id"], m["entity_id"]))
    left: dict[str, list[tuple[str, str]]] = defaultdict(list)  # structured rows no named truth took
    for (doc_id, structured, name), rows in found_by_key.items():
        if structured and (doc_id, True, name) not in wanted:
            left[doc_id].extend(rows)
    matched = {}
    for population, keep in (("records", lambda k: k[1]), ("mentions", lambda k: True)):
        truth: dict[str, str] = {}
        found: dict[str, str] = {}
        unmatched = 0
        for key, persons in wanted.items():
            if not keep(key):
                continue
            rows = sorted(found_by_key.get(key, ())) if key[2] is not None else (
                left[key[0]] if len(left[key[0]]) == len(persons) else [])
            unmatched += max(0, len(persons) - len(rows))
            for (mention_id, entity), person in zip(rows, persons):
                truth[mention_id], found[mention_id] = person, entity
        matched[population] = truth, found, unmatched
    return matched


def evaluate(home: Path) -> list[ResolutionQuality]:
    """Scores of ``gold.mentions`` person entities for the ``records`` and ``mentions`` populations."""
    home = Path(home)
    names = {p["person_id"]: canonical_name(p["name"]) for p in iter_truth(home, "persons")}
    return [ResolutionQuality(population, len(truth), unmatched, pairwise(found, truth), clusters(found, truth),
                              _namesakes_merged(found, truth, names))
            for population, (truth, found, unmatched) in _matched(home).items()]


def person_entities(home: Path) -> dict[str, set[str]]:
    """Every true person → the person entities its records and mentions in the lake were given."""
    truth, found, _ = _matched(Path(home))["mentions"]
    entities: dict[str, set[str]] = defaultdict(set)
    for mention_id, person in truth.items():
        entities[person].add(found[mention_id])
    return entities
