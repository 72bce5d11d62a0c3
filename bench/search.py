"""Search at scale: latency of mixed queries and recall against the generator's ground truth.

    python bench/search.py --home /path/to/materialized/generated/home [--queries 100] [--links 200]
                           [--engine trino [--trino-url URL]]   # after `insight trino up` on that home

On a home made by ``insight generate`` and materialized, builds ``--queries`` queries from the
ground truth — names written as other sources write them (no accents, surname first, second
surname dropped, a Spanish/Portuguese spelling), identifiers in another written form (a phone in
its national format, a passport with a dash, an IBAN in groups of four) and free text (three
words of a document) — and prints, for the user ``--user`` (default the General Secretariat):

- the cold start: a fresh ``insight search`` process, wall time to its answer;
- warm latency: p50/p95/max per kind, each query run once to warm, then timed;
- recall@10 per kind: the query's target documents among the top 10 hits;
- recall@10 of planted cross-source links: for ``--links`` links the generator planted between two
  persons (the first of whom appears in more than one source), a search for an identifier of the
  first as one of his records writes it (else his name) shows one of the second's person entities
  among the top 10 hits' entities or linked entities. Split in two: the links whose document tells the
  first person apart, and those whose document names him only by a name other persons of the
  generated world bear too, with nothing else of his (the generator's same-name people: no reading
  of that document can tell it is him).

Figures, not asserts.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import phonenumbers

from generator.people import TRANSLITERATED
from insight.engine import Engine
from insight.search import search
from insight.session import ENGINES, EngineChoice, open_engine
from insight.users import find_user
from pipelines.config import LakePaths
from pipelines.extract.evaluate import record_doc_id, truth_doc_id
from pipelines.identifiers.name import name_sound, name_words
from pipelines.index.keys import STOP_WORDS
from pipelines.resolve.evaluate import person_entities
from pipelines.sources import SOURCES
from pipelines.text import fold_accents
from pipelines.truth import iter_truth

KINDS = ("name", "identifier", "text")


def _name_variant(name: str, rng: random.Random) -> str:
    words = fold_accents(name).split()
    roll = rng.random()
    if roll < 0.25 and len(words) >= 3:
        return " ".join(words[:-1]).title()                       # second surname dropped
    if roll < 0.5 and len(words) >= 2:
        return f"{' '.join(words[-2:])}, {' '.join(words[:-2])}"  # surnames first, as records write
    if roll < 0.75:
        return " ".join(w.replace("Z", "S") for w in words)       # PEREZ → PERES
    return name.lower()


def _identifier_variant(person: dict[str, Any], rng: random.Random) -> tuple[str, str] | None:
    """(canonical value, as another source writes it) of one of the person's identifiers."""
    choices = []
    if person.get("passport"):
        p = person["passport"]
        choices.append((p, f"{p[:3]}-{p[3:]}"))
    for phone in person.get("phones") or []:
        number = phonenumbers.parse(phone)
        choices.append((phone, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)))
    if person.get("iban"):
        iban = person["iban"]
        choices.append((iban, " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))))
    return rng.choice(choices) if choices else None


def build_queries(home: Path, engine: Engine, count: int, seed: int) -> list[dict[str, Any]]:
    """Queries with their targets: a name's are the documents naming the person, an identifier's
    those where the ground truth has it (any written form), a text's the document it comes from."""
    rng = random.Random(seed)
    persons = {p["person_id"]: p for p in iter_truth(home, "persons")}
    recorded: dict[str, set[str]] = defaultdict(set)
    for record in iter_truth(home, "records"):
        for person_id in record.get("person_ids") or []:
            recorded[person_id].add(record_doc_id(record))
    people = sorted(p for p in recorded if p in persons)
    queries: list[dict[str, Any]] = []
    while len(queries) < count * 35 // 100:
        person = persons[rng.choice(people)]
        queries.append({"kind": "name", "query": _name_variant(person["name"], rng), "person": person["person_id"],
                        "targets": set(recorded[person["person_id"]])})
    while len(queries) < count * 70 // 100:
        chosen = _identifier_variant(persons[rng.choice(people)], rng)
        if chosen:
            queries.append({"kind": "identifier", "query": chosen[1], "canonical": chosen[0], "targets": set()})
    by_person = {q["person"]: q for q in queries if q["kind"] == "name"}
    by_value = {q["canonical"]: q for q in queries if q["kind"] == "identifier"}
    for mention in iter_truth(home, "mentions"):
        doc_id = truth_doc_id(mention)
        if mention["entity_type"] == "person" and mention.get("person_id") in by_person:
            by_person[mention["person_id"]]["targets"].add(doc_id)
        elif mention.get("canonical") in by_value:
            by_value[mention["canonical"]]["targets"].add(doc_id)
    queries = [q for q in queries if q["targets"]]  # an identifier no document carries has nothing to find
    sample = engine.sql("SELECT doc_id, body FROM documents WHERE source = 'report' "
                        "ORDER BY doc_id LIMIT 5000").to_pylist()
    while len(queries) < count:
        doc = rng.choice(sample)
        words = [w for w in fold_accents(doc["body"] or "").lower().split() if w.isalpha() and len(w) > 3
                 and w not in STOP_WORDS]
        if len(words) >= 3:
            start = rng.randrange(len(words) - 2)
            queries.append({"kind": "text", "query": " ".join(words[start:start + 3]), "targets": {doc["doc_id"]}})
    return queries


QUERY_TYPES = ("identity_document", "phone", "email", "person")  # how a link's first person is looked up, best first
TEXT_SOURCES = {s.name for s in SOURCES if s.free_text}  # the rest are records of their first person


# A name's transliterations (the generator's: YURI, YURIY, IOURI; XIAOMING, HSIAO-MING) are one
# name: a person bears every written form of his.
_ONE_NAME = {tuple(name_words(form)): name_words(forms[0]) for given, family in TRANSLITERATED
             for forms in given + family for form in forms}


def _sounds(name: str) -> frozenset[str]:
    words, sounds = name_words(name), set()
    while words:
        length = next((n for n in (2, 1) if tuple(words[:n]) in _ONE_NAME), 0)
        sounds.update(name_sound(w) for w in (_ONE_NAME[tuple(words[:length])] if length else words[:1]))
        words = words[max(length, 1):]
    return frozenset(sounds)


def _bearers(home: Path) -> Callable[[str], int]:
    """How many persons of the generated world bear every word of a name (by sound and
    transliteration, any order)."""
    by_sound: dict[str, set[str]] = defaultdict(set)
    for person in iter_truth(home, "persons"):
        for sound in _sounds(person["name"]):
            by_sound[sound].add(person["person_id"])

    def bearers(name: str) -> int:
        sounds = _sounds(name)
        return len(set.intersection(*(by_sound.get(s, set()) for s in sounds))) if sounds else 0

    return bearers


Document = tuple[str, str]  # (source, source_id)


def _tied(start: Document, held: dict[str, set[Document]], named_in: set[Document], records: set[Document]) -> bool:
    """Whether an identifier of his that ``start`` names leads to one of his ``records``, directly
    or through documents that name him with it (a phone in a report that also names him and his
    passport): the only way a reading of the lake can tell that ``start`` names him."""
    seen, frontier = {start}, [start]
    while frontier:
        here = frontier.pop()
        for documents in held.values():
            if here not in documents:
                continue
            if documents & records:
                return True
            for there in documents & named_in - seen:
                seen.add(there)
                frontier.append(there)
    return False


def planted_links(home: Path, count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` links the generator planted between two persons, the first recorded in more than
    one source. The query is the first's passport or other identifier as one of his records
    writes it (else his name as a document writes it); the expectation, the second's person
    entities in the lake, read from the truth (an entity's displayed name is one of its written
    forms, so names can't tell).
    ``ambiguous``: the link's document names the first only by a name other persons bear too (in
    any of its transliterations), and no identifier of his leads from it to a record of his (see
    ``_tied``), so that no reading of the lake can tell it is him."""
    sources_of: dict[str, set[str]] = defaultdict(set)
    records_of: dict[str, set[Document]] = defaultdict(set)  # the records he is the subject of
    for record in iter_truth(home, "records"):
        for person_id in record.get("person_ids") or []:
            sources_of[person_id].add(record["source"])
        if record.get("person_ids") and record["source"] not in TEXT_SOURCES:
            records_of[record["person_ids"][0]].add((record["source"], record["source_id"]))
    links = [link for link in iter_truth(home, "links") if len(sources_of[link["src"]]) > 1]
    chosen = random.Random(seed).sample(links, min(count, len(links)))
    first = {link["src"] for link in chosen}
    where = {(link["source"], link["source_id"], link["src"]) for link in chosen}
    writings: dict[str, list[tuple[int, str, Document]]] = defaultdict(list)  # how documents write him
    named_as: dict[tuple[str, str, str], list[str]] = defaultdict(list)  # his names in the link's document
    named_in: dict[str, set[Document]] = defaultdict(set)  # person → documents naming him
    # person → identifier of his → documents naming it
    held: dict[str, dict[str, set[Document]]] = defaultdict(lambda: defaultdict(set))
    for mention in iter_truth(home, "mentions"):
        person, kind = mention.get("person_id"), mention["entity_type"]
        if person not in first:
            continue
        document = mention["source"], mention["source_id"]
        if kind in QUERY_TYPES and mention["text"]:
            writings[person].append((QUERY_TYPES.index(kind), mention["text"], document))
        if kind == "person":
            named_in[person].add(document)
            if (*document, person) in where:
                named_as[(*document, person)].append(mention["text"])
        else:
            held[person][mention["canonical"]].add(document)
    bearers = _bearers(home)
    # The query: an identifier as a record naming him writes it (one only a seized phone's list
    # names, beside two men, is nobody's), else his name.
    written: dict[str, tuple[int, str]] = {}
    for person, found in writings.items():
        usable = [(rank, text) for rank, text, document in found
                  if QUERY_TYPES[rank] == "person" or document in records_of[person] & named_in[person]]
        if usable:
            written[person] = min(usable)

    def ambiguous(link: dict[str, Any]) -> bool:
        here, who = (link["source"], link["source_id"]), link["src"]
        names = named_as[(*here, who)]
        # A record that does not name him (a stolen car's, its owner unnamed) ties nothing to him.
        return (not _tied(here, held[who], named_in[who], records_of[who] & named_in[who])
                and bool(names) and all(bearers(name) > 1 for name in names))

    entities = person_entities(home)
    return [{"query": written[link["src"]][1], "expect": entities.get(link["dst"], set()),
             "ambiguous": ambiguous(link)} for link in chosen if link["src"] in written]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def cold_start(home: Path, user: str, query: str, engine: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "insight.cli", "search", query, "--user", user, "--json", "--engine", engine],
                   check=True, capture_output=True, env={**os.environ, "INSIGHT_HOME": str(home)})
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--user", default="gs_analyst")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--links", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", choices=ENGINES, default="embedded",
                        help="trino: the server of `insight trino up` for --home, or --trino-url")
    parser.add_argument("--trino-url")
    args = parser.parse_args()
    paths = LakePaths.from_env(args.home)
    choice = EngineChoice(args.engine, args.trino_url)
    if args.trino_url:
        os.environ["INSIGHT_TRINO_URL"] = args.trino_url  # for the cold-start processes
    colds = [cold_start(args.home, args.user, q, args.engine) for q in ("Juan Perez", "pasaporte robado",
                                                                       "+57 310 555 1234")]
    opened = time.perf_counter()
    engine = open_engine(paths, find_user(paths.users_file, args.user), choice, None)
    open_ms = (time.perf_counter() - opened) * 1000
    documents = engine.sql("SELECT count(*) AS n FROM documents").to_pylist()[0]["n"]
    queries = build_queries(args.home, engine, args.queries, args.seed)
    for q in queries:  # warm: files opened, metadata cached
        search(engine, q["query"], 10)
    took: dict[str, list[float]] = defaultdict(list)
    found: dict[str, list[bool]] = defaultdict(list)
    for q in queries:
        started = time.perf_counter()
        answer = search(engine, q["query"], 10)
        took[q["kind"]].append((time.perf_counter() - started) * 1000)
        hits = {h["id"] for h in answer["hits"]}
        found[q["kind"]].append(bool(hits & q["targets"]))
    links = planted_links(args.home, args.links, args.seed)
    link_found = []
    for link in links:
        answer = search(engine, link["query"], 10)
        seen = {e["entity_id"] for h in answer["hits"] for e in h["entities"] + h["linked"]}
        link_found.append(bool(link["expect"] & seen))
    ambiguous = [found for found, link in zip(link_found, links) if link["ambiguous"]]
    told = [found for found, link in zip(link_found, links) if not link["ambiguous"]]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    search_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"home {args.home}: {documents:,} documents visible to {args.user}, on the {args.engine} engine")
    print(f"cold start (new process, import, open, first answer): "
          f"{', '.join(f'{c:.0f}' for c in colds)} ms (median {statistics.median(colds):.0f} ms, "
          f"peak RSS {search_peak:,.0f} MB); engine open in a warm process {open_ms:.0f} ms")
    every = [t for kind in KINDS for t in took[kind]]
    for kind, values in [*((k, took[k]) for k in KINDS), ("all", every)]:
        hits = found[kind] if kind != "all" else [f for k in KINDS for f in found[k]]
        print(f"{kind:<10} {len(values):>4} queries  p50 {_percentile(values, 0.5):7.1f} ms  "
              f"p95 {_percentile(values, 0.95):7.1f} ms  max {max(values):7.1f} ms  "
              f"recall@10 {sum(hits) / len(hits):.3f}")
    print(f"planted cross-source links: {sum(link_found)}/{len(link_found)} found in the top 10 "
          f"(recall@10 {sum(link_found) / max(1, len(link_found)):.3f})")
    print(f"  whose document tells the first person apart (an identifier of his, or a name only he bears): "
          f"{sum(told)}/{len(told)}")
    print(f"  whose document names him only by a name others bear too, nothing else of his: "
          f"{sum(ambiguous)}/{len(ambiguous)}")
    print(f"peak RSS of this process {peak:,.0f} MB (the truth it reads included)")
    engine.close()


if __name__ == "__main__":
    main()
