"""A generated drop zone delivered in three parts, and what the increment tests compare.

Shared by ``test_increments.py`` (one truth) and ``test_crash.py`` (a run killed half-way).
"""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from deltalake import DeltaTable

from pipelines.config import LakePaths
from tests.conftest import SHARED_SAMPLES

# Every table an increment brings up to date, which the tests compare with a lake computed from scratch.
TABLES = ("silver/documents", "silver/records", "silver/mentions", "silver/person_clusters", "silver/person_names",
          "gold/documents", "gold/mentions", "gold/entities", "gold/entity_links", "gold/search_terms",
          "gold/search_stats", "gold/search_names", "gold/search_identifiers", "gold/search_edges", "gold/alerts",
          "gold/alert_evidence", "gold/hidden_links", "gold/hidden_link_evidence", "gold/trends", "gold/hotspots")
# When a finding was first made: an increment made it at an earlier run than a build from scratch does.
FIRST_SEEN = {"gold/alerts": "raised_at", "gold/hidden_links": "first_seen"}
PARTS = 3


def _split(lines: list[str], header: str | None) -> list[list[str]]:
    """``lines`` cut into ``PARTS`` files' worth, each CSV part with the header."""
    step = -(-len(lines) // PARTS)
    return [([header] if header else []) + lines[i * step:(i + 1) * step] for i in range(PARTS)]


def deliveries(generated: Path) -> tuple[list[dict[str, str]], str]:
    """The generated drop zone as three deliveries (relative path → content), in arrival order, and
    the document of the record withdrawn in the second and sent again in the third. The first holds
    two thirds of every source but the nominals' (which come last, teaching the gazetteer names
    older reports contain); the second a re-sent notice, a withdrawal, and new reports and messages;
    the third the withdrawn record again and the rest of every source."""
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
        {**first, **files("nominals", 0), **mail(0),
         **{k: v for s in ("notices", "diffusions", "reports", "sltd", "smv") for k, v in files(s, 1).items()},
         **mail(1)},
        {"notices/notices-resent.jsonl": json.dumps(resent) + "\n", "withdrawals/w-1.csv": withdrawals,
         **files("reports", 2), **mail(2)},
        {"sltd/sltd-again.csv": f"{sltd_header}\n{sltd_row}\n", **files("nominals", 1), **files("nominals", 2),
         **{k: v for s in ("notices", "diffusions", "sltd", "smv") for k, v in files(s, 2).items()}},
    ], f"sltd:{sltd['document_number']}"


def sample_events() -> list[tuple[str, str]]:
    """The sample drop zone, file by file, and four more deliveries (path under raw/ → content)."""
    raw = SHARED_SAMPLES / "raw"
    files = [(str(p.relative_to(raw)), p.read_text(encoding="utf-8")) for p in sorted(raw.rglob("*")) if p.is_file()]
    notice = json.loads((raw / "notices" / "2024-03-01.jsonl").read_text(encoding="utf-8").splitlines()[0])
    sltd = (raw / "sltd" / "2024-02.csv").read_text(encoding="utf-8").splitlines()
    header, row = sltd[0], sltd[1]
    record = next(csv.DictReader([header, row]))
    withdrawal = "source,source_id,withdrawn_by,withdrawn_at,withdrawal_reason\n"
    return [
        *files,
        ("notices/resent.jsonl", json.dumps({**notice, "distinguishing_marks": "re-sent with a scar"}) + "\n"),
        ("withdrawals/owner.csv", withdrawal + f"sltd,{record['document_number']},{record['owner_country']},"
                                               "2024-04-01,recovered\n"),
        ("withdrawals/other.csv", withdrawal + f"notices,{notice['notice_id']},ZZ,2024-04-01,not ours\n"),
        ("sltd/again.csv", f"{header}\n{row}\n"),
    ]


def deliver(home: Path, files: dict[str, str]) -> None:
    for relative, content in files.items():
        path = home / "raw" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def table_rows(home: Path, table: str) -> list[str]:
    """Every row of ``table`` (``silver/documents``) in ``home``'s lake, as sorted JSON: equal lists are
    the same rows, whatever their order and files (a finding's first-seen time left out)."""
    rows = DeltaTable(LakePaths.from_env(home).table(*table.split("/"))).to_pyarrow_table()
    if table in FIRST_SEEN:
        rows = rows.drop_columns([FIRST_SEEN[table]])
    return sorted(json.dumps(row, sort_keys=True, default=str, ensure_ascii=False) for row in rows.to_pylist())


def column_values(home: Path, table: str, column: str) -> list:
    """The values of one column of ``table`` in ``home``'s lake."""
    rows = DeltaTable(LakePaths.from_env(home).table(*table.split("/"))).to_pyarrow_table(columns=[column])
    return rows.column(0).to_pylist()


def differences(incremental: list[str], whole: list[str], shown: int = 3) -> str:
    """What a failed comparison shows: how many rows each side alone holds, and a few of them."""
    only_here, only_there = sorted(set(incremental) - set(whole)), sorted(set(whole) - set(incremental))
    return (f"{len(incremental)} rows against {len(whole)}; only in the incremental lake: "
            f"{only_here[:shown]}; only in the one from scratch: {only_there[:shown]}")


def from_scratch(home: Path, target: Path) -> Path:
    """A copy of ``home`` with its raw files and bronze alone: what it computes is computed from nothing."""
    shutil.copytree(home, target)
    for layer in ("silver", "gold", "state"):
        shutil.rmtree(target / "lake" / layer, ignore_errors=True)
    return target
