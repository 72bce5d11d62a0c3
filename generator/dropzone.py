"""``insight generate``: a drop zone of about N records in the contract's formats, truth beside it.

The work is cut into chunks (one raw file, or one folder of 1,000 messages, or 5,000 persons of
the truth), each a pure function of (seed, size, chunk), run on every core. Memory stays flat
whatever N: persons are derived from their index, and each chunk writes and forgets its rows.
``truth/<kind>/*.jsonl`` (outside ``raw/``) keeps every planted record, mention, link and bad input.
"""
from __future__ import annotations

import csv
import io
import multiprocessing
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator import identities as ids
from generator.people import COUNTRIES, person
from generator.records import (
    ACCESS_COLUMNS,
    CSV_BUILDERS,
    JSONL_BUILDERS,
    Truth,
    World,
    dirty_json,
    dirty_row,
    field_truth,
    json_line,
    mention_truth,
    message,
    population_for,
    record_truth,
)
from pipelines.truth import PERSONS, truth_file

SHARES = {"notices": 0.08, "diffusions": 0.05, "messages": 0.07, "reports": 0.20, "sltd": 0.22, "smv": 0.14,
          "nominals": 0.24}
RECORDS_PER_FILE = 5000
COST = {"messages": 5.0, "reports": 1.6, "diffusions": 1.4, "notices": 1.0, "nominals": 0.8, "sltd": 0.7,
        "smv": 0.4, "persons": 0.05}  # relative time per unit, measured on one core
MESSAGES_PER_FOLDER = 1000
PERSONS_PER_SHARD = 5000
USERS_YAML = """users:
  - {id: analyst_ar, country: AR, clearance: restricted, roles: [analyst]}
  - {id: analyst_br, country: BR, clearance: restricted, roles: [analyst]}
  - {id: analyst_cl, country: CL, clearance: official, roles: [analyst]}
  - {id: analyst_co, country: CO, clearance: restricted, roles: [analyst]}
  - {id: analyst_pe, country: PE, clearance: restricted, roles: [analyst]}
  - {id: analyst_mx, country: MX, clearance: official, roles: [analyst]}
  - {id: analyst_fr, country: FR, clearance: confidential, roles: [analyst]}
  - {id: analyst_es, country: ES, clearance: restricted, roles: [analyst]}
  - {id: analyst_us, country: US, clearance: public, roles: [analyst]}
  - {id: gs_analyst, country: IP, clearance: confidential, roles: [analyst, secretariat]}
"""


@dataclass(frozen=True)
class Summary:
    records: int
    files: int
    dirty: int
    truth_dir: Path
    demo_query: str


@dataclass(frozen=True)
class Chunk:
    """Records ``start``…``stop`` of one source (or persons, for ``source == "persons"``)."""

    home: str
    seed: int
    size: int
    dirty_rate: float
    source: str
    index: int
    start: int
    stop: int

    @property
    def shard(self) -> str:
        return f"{self.source}-{self.index:05d}"


@dataclass(frozen=True)
class ChunkResult:
    records: int
    files: int
    dirty: int


def counts_for(size: int) -> dict[str, int]:
    return {source: max(3, round(size * share)) for source, share in SHARES.items()}


def plan(home: Path, size: int, seed: int, dirty_rate: float) -> list[Chunk]:
    chunks = []
    for source, count in counts_for(size).items():
        step = MESSAGES_PER_FOLDER if source == "messages" else RECORDS_PER_FILE
        for index, start in enumerate(range(0, count, step)):
            chunks.append(Chunk(str(home), seed, size, dirty_rate, source, index, start, min(count, start + step)))
    population = population_for(size)
    for index, start in enumerate(range(0, population, PERSONS_PER_SHARD)):
        chunks.append(Chunk(str(home), seed, size, dirty_rate, "persons", index, start,
                            min(population, start + PERSONS_PER_SHARD)))
    # Longest first, so no core idles at the end: a message costs about five records' time.
    return sorted(chunks, key=lambda c: -(c.stop - c.start) * COST.get(c.source, 1))


def _write_jsonl(world: World, raw: Path, chunk: Chunk) -> int:
    id_field, build = JSONL_BUILDERS[chunk.source]
    name = f"{chunk.source}/{chunk.source}-{chunk.index:04d}.jsonl"
    lines: list[str] = []
    for n in range(chunk.start, chunk.stop):
        record, persons = build(world, n)
        line = json_line(record)
        rng = world.dirt(chunk.source, n)
        if rng is not None:
            if rng.random() < 0.2:  # the same id twice in one file: the second is quarantined
                lines.append(line)
                world.plant_bad(chunk.source, name, len(lines) + 1, "duplicate_id")
                record_truth(world, chunk.source, record[id_field], persons, record["owner_country"])
                field_truth(world, chunk.source, record[id_field], record, persons)
            else:
                line, kind = dirty_json(rng, record, id_field)
                world.plant_bad(chunk.source, name, len(lines) + 1, kind)
        else:
            record_truth(world, chunk.source, record[id_field], persons, record["owner_country"])
            field_truth(world, chunk.source, record[id_field], record, persons)
        lines.append(line)
    (raw / name).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return 1


def _write_csv(world: World, raw: Path, chunk: Chunk) -> int:
    columns, build = CSV_BUILDERS[chunk.source]
    header = columns + ACCESS_COLUMNS
    name = f"{chunk.source}/{chunk.source}-{chunk.index:04d}.csv"
    # Some bureaus still export in Windows-1252: landing must read them all the same.
    encoding = "cp1252" if world.rng("encoding", name).random() < 0.15 else "utf-8"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    line_no = 1
    for n in range(chunk.start, chunk.stop):
        row, persons, _ = build(world, n)
        rng = world.dirt(chunk.source, n)
        line_no += 1
        if rng is not None:
            row, kind = dirty_row(rng, header, row)
            world.plant_bad(chunk.source, name, line_no, kind)
        else:
            record_truth(world, chunk.source, row[0], persons, row[header.index("owner_country")])
            field_truth(world, chunk.source, row[0], dict(zip(header, row)), persons)
        writer.writerow(row)
    (raw / name).write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    return 1


def _write_messages(world: World, raw: Path, chunk: Chunk) -> int:
    folder = raw / "messages" / f"{chunk.index:04d}"
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(chunk.start, chunk.stop):
        data, meta, persons, texts = message(world, n)
        name = f"messages/{chunk.index:04d}/msg-{n:07d}.eml"
        rng = world.dirt("messages", n)
        if rng is not None:
            kind = rng.choice(["broken_mime", "missing_owner"])
            if kind == "broken_mime" and b"--=_insight_" in data:
                data = data[: data.rindex(b"--=_insight_")]  # the closing boundary is lost: a truncated upload
            else:
                kind = "missing_owner"
                data = data.replace(b"X-Insight-Owner-Country: ", b"X-Insight-Owner: ")
            world.plant_bad("messages", name, "message", kind)
        else:
            record_truth(world, "messages", meta["message_id"], persons, meta["owner_country"])
            for field, spans in texts:
                mention_truth(world, "messages", meta["message_id"], field, spans)
        (raw / name).write_bytes(data)
    return chunk.stop - chunk.start


def _write_persons(home: Path, chunk: Chunk) -> None:
    rows = []
    for index in range(chunk.start, chunk.stop):
        p = person(chunk.seed, index)
        rows.append(json_line({"person_id": p.person_id, "group": p.group, "name": p.full_name,
                               "born": p.born.isoformat(), "nationality": p.nationality, "passport": p.passport,
                               "national_id": p.national_id[1], "phones": p.phones, "email": p.email,
                               "iban": p.iban, "vehicle": p.vehicle, "alias": p.alias}))
    path = truth_file(home, PERSONS, chunk.shard)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(r + "\n" for r in rows), encoding="utf-8")


def write_chunk(chunk: Chunk) -> ChunkResult:
    """Writes one chunk's raw output and truth shard; the same bytes for the same chunk."""
    home = Path(chunk.home)
    if chunk.source == "persons":
        _write_persons(home, chunk)
        return ChunkResult(0, 0, 0)
    truth = Truth(home, chunk.shard)
    world = World(chunk.seed, chunk.size, chunk.dirty_rate, truth)
    raw = home / "raw"
    if chunk.source in JSONL_BUILDERS:
        files = _write_jsonl(world, raw, chunk)
    elif chunk.source in CSV_BUILDERS:
        files = _write_csv(world, raw, chunk)
    else:
        files = _write_messages(world, raw, chunk)
    truth.flush()
    return ChunkResult(chunk.stop - chunk.start, files, world.dirty)


class _Progress:
    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.done, self.enabled = total, 0, enabled and sys.stderr.isatty()

    def advance(self, records: int) -> None:
        self.done += records
        if self.enabled:
            percent = self.done * 100 // max(1, self.total)
            print(f"\rgenerating [{'#' * (percent // 4):<25}] {percent:3d}% {self.done}/{self.total}", end="",
                  file=sys.stderr)

    def close(self) -> None:
        if self.enabled:
            print(file=sys.stderr)


def generate(home: Path, size: int = 1000, seed: int = 7, dirty_rate: float = 0.01, progress: bool = True,
             workers: int | None = None) -> Summary:
    """Writes ``raw/``, ``truth/`` and (when absent) ``config/users.yaml`` under ``home``."""
    if size < 1:
        raise ValueError("--size must be at least 1")
    if not 0 <= dirty_rate <= 0.5:
        raise ValueError("--dirty-rate must be between 0 and 0.5")
    home = Path(home).resolve()
    for source in SHARES:
        (home / "raw" / source).mkdir(parents=True, exist_ok=True)
    users = home / "config" / "users.yaml"
    if not users.exists():
        users.parent.mkdir(parents=True, exist_ok=True)
        users.write_text(USERS_YAML, encoding="utf-8")
    chunks = plan(home, size, seed, dirty_rate)
    ids.warm_up(COUNTRIES)
    bar = _Progress(sum(counts_for(size).values()), progress)
    workers = workers or os.cpu_count() or 1
    totals = ChunkResult(0, 0, 0)
    if workers > 1 and len(chunks) > 1:
        with _pool_context().Pool(min(workers, len(chunks))) as pool:
            results: Iterator[ChunkResult] = pool.imap_unordered(write_chunk, chunks)
            for result in results:
                totals = _add(totals, result)
                bar.advance(result.records)
    else:
        for chunk in chunks:
            result = write_chunk(chunk)
            totals = _add(totals, result)
            bar.advance(result.records)
    bar.close()
    return Summary(records=totals.records, files=totals.files, dirty=totals.dirty, truth_dir=home / "truth",
                   demo_query=person(seed, 0).passport)


def _pool_context() -> multiprocessing.context.BaseContext:
    """``fork`` when this process runs one thread (``insight generate``): workers inherit the warm
    tables for free. A process running other threads (a Spark gateway, a Delta or DuckDB runtime:
    a test session, a notebook) can leave a forked child waiting forever on a lock one of them
    held; there, ``spawn``, whose workers warm their own tables."""
    try:
        threads = len(os.listdir("/proc/self/task"))
    except OSError:
        threads = threading.active_count()
    return multiprocessing.get_context("fork" if threads == 1 else "spawn")


def _add(a: ChunkResult, b: ChunkResult) -> ChunkResult:
    return ChunkResult(a.records + b.records, a.files + b.files, a.dirty + b.dirty)

