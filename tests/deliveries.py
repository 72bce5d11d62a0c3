"""A generated drop zone delivered in four parts, and what the increment tests compare.

Shared by ``test_increments.py`` (one truth) and ``test_crash.py`` (a run killed half-way).
"""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import dagster as dg
import pyarrow as pa
from deltalake import DeltaTable

from pipelines.config import LakePaths
from pipelines.sources import SOURCES

# The tables an increment of conform and extraction writes, and the index extraction looks names up in.
TABLES = {"silver/documents": "doc_id", "silver/records": "record_id", "silver/mentions": "mention_id",
          "gold/documents": "doc_id", "gold/search_terms": ["term", "doc_id"]}
SELECTION = [dg.AssetKey(["bronze", s]) for s in SOURCES.landed] + [
    dg.AssetKey(["models", "ner"]), *[dg.AssetKey(t.split("/")) for t in TABLES]]
PARTS = 3


def _split(lines: list[str], header: str | None) -> list[list[str]]:
    """``lines`` cut into ``PARTS`` files' worth, each CSV part with the header."""
    step = -(-len(lines) // PARTS)
    return [([header] if header else []) + lines[i * step:(i + 1) * step] for i in range(PARTS)]


def deliveries(generated: Path) -> tuple[list[dict[str, str]], str]:
    """The generated drop zone as four deliveries (relative path → content), in arrival order, and
    the document of the record withdrawn in the third and sent again in the fourth."""
    raw = generated / "raw"
    parts: dict[str, list[list[str]]] = {}
    for source in ("notices", "diffusions", "reports", "sltd", "smv", "nominals"):
        (path,) = sorted((raw / source).iterdir())
        lines = path.read_text(encoding="utf-8").splitlines()
        tabular = path.suffix == ".csv"
        parts[source] = _split(lines[1:] if tabular else lines, lines[0] if tabular else None)
    messages = sorted(raw.glob("messages/**/*.eml"))
    step = -(-len(messages) // PARTS)

    def files(source: str, part: int) -> dict[str, str]:
        suffix = "csv" if source in ("sltd", "smv", "nominals") else "jsonl"
        return {f"{source}/{source}-part{part}.{suffix}": "\n".join(parts[source][part]) + "\n"}

    def mail(part: int) -> dict[str, str]:
        return {f"messages/part{part}/{m.name}": m.read_text(encoding="utf-8")
                for m in messages[part * step:(part + 1) * step]}

    notice = json.loads(parts["notices"][0][0])
    resent = {**notice, "distinguishing_marks": "scar on the left hand (re-sent)"}
    sltd_header, sltd_row = parts["sltd"][0][0], parts["sltd"][0][1]
    sltd = next(csv.DictReader([sltd_header, sltd_row]))
    withdrawals = ("source,source_id,withdrawn_by,withdrawn_at,withdrawal_reason\n"
                   f"sltd,{sltd['document_number']},{sltd['owner_country']},2024-04-01,recovered\n")
    first = {k: v for source in parts if source != "nominals" for k, v in files(source, 0).items()}
    return [
        {**first, **files("nominals", 0), **mail(0)},
        {**{k: v for s in ("notices", "diffusions", "reports", "sltd", "smv") for k, v in files(s, 1).items()},
         **mail(1)},
        {"notices/notices-resent.jsonl": json.dumps(resent) + "\n", "withdrawals/w-1.csv": withdrawals,
         **files("reports", 2), **mail(2)},
        {"sltd/sltd-again.csv": f"{sltd_header}\n{sltd_row}\n", **files("nominals", 1), **files("nominals", 2),
         **{k: v for s in ("notices", "diffusions", "sltd", "smv") for k, v in files(s, 2).items()}},
    ], f"sltd:{sltd['document_number']}"


def deliver(home: Path, files: dict[str, str]) -> None:
    for relative, content in files.items():
        path = home / "raw" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def table_rows(home: Path, table: str, key: str | list[str]) -> pa.Table:
    """Every row of ``table`` (``silver/documents``) in ``home``'s lake, sorted by ``key``."""
    rows = DeltaTable(LakePaths.from_env(home).table(*table.split("/"))).to_pyarrow_table()
    return rows.sort_by([(k, "ascending") for k in ([key] if isinstance(key, str) else key)])


def from_scratch(home: Path, target: Path) -> Path:
    """A copy of ``home`` with its raw files and bronze alone: what it computes is computed from nothing."""
    shutil.copytree(home, target)
    for layer in ("silver", "gold", "state"):
        shutil.rmtree(target / "lake" / layer, ignore_errors=True)
    return target
