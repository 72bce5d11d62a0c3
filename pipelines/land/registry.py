"""The landing registry (one row per landed file), the quarantine and what bronze holds of a file, read without Spark.

Cheap enough for a sensor that polls every 30 s and for the driver before each landing.
"""
from __future__ import annotations

import os
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.config import LakePaths
from pipelines.delta import is_table, read_arrow

LANDED_FILES = ("bronze", "landed_files")
QUARANTINE = ("bronze", "quarantine")
_LISTED = pa.schema([("src_file", pa.string()), ("size", pa.int64()), ("modified_at", pa.timestamp("us", tz="UTC"))])


def _registry(paths: LakePaths, columns: list[str], files: Iterable[str] | None = None) -> pa.Table | None:
    """``columns`` of the registry's rows (of the raw files ``files`` only, when given: a landing
    asks of the files it lists); None before any landing."""
    kept = None if files is None else pc.field("src_file").isin(pa.array(sorted(set(files)), pa.string()))
    return read_arrow(paths.table(*LANDED_FILES), columns, kept)


def _registry_rows(paths: LakePaths, columns: list[str], files: Iterable[str] | None = None) -> list[dict]:
    table = _registry(paths, columns, files)
    return [] if table is None else table.to_pylist()


def fingerprints(uri: str, files: Iterable[str], source: str | None = None) -> frozenset[tuple[str, str]]:
    """(relative path, SHA-256), the identity of a file in the contract, of the rows of the table at
    ``uri`` (the registry, a bronze table, the quarantine: of ``source`` only, when given) that came
    from the raw files ``files`` (relative paths). Only those: the paths are the scan's filter."""
    kept = pc.field("src_file").isin(pa.array(sorted(set(files)), pa.string()))
    if source is not None:
        kept = kept & (pc.field("source") == source)
    table = read_arrow(uri, ["src_file", "src_sha256"], kept)
    if table is None:
        return frozenset()
    return frozenset(zip(table.column("src_file").to_pylist(), table.column("src_sha256").to_pylist()))


def landed_fingerprints(paths: LakePaths, files: Iterable[str]) -> frozenset[tuple[str, str]]:
    """:func:`fingerprints` of the landed files among ``files``: every task of the landing carries them."""
    return fingerprints(paths.table(*LANDED_FILES), files)


def unchanged_since_landed(paths: LakePaths, listed: Iterable[dict]) -> set[str]:
    """The files of ``listed`` (``src_file``, ``size``, ``modified_at``) a landing need not read
    again: of a size the registry holds for that path, and not modified since that landing.
    Matched in Arrow: a folder lists every file it ever received."""
    files = pa.Table.from_pylist([{k: f[k] for k in _LISTED.names} for f in listed], schema=_LISTED)
    if not files.num_rows:
        return set()
    landed = _registry(paths, ["src_file", "size", "landed_at"], files.column("src_file").to_pylist())
    if landed is None:
        return set()
    both = files.join(landed, ["src_file", "size"], join_type="inner")
    return set(both.filter(pc.less_equal(both["modified_at"], both["landed_at"])).column("src_file").to_pylist())


def never_landed(paths: LakePaths, folders: Iterable[str]) -> list[str]:
    """The folders of ``folders`` whose bronze table is not there yet: no landing ran for them, and the
    checks and stages that read their table (the withdrawals, read by every document's) need it even empty."""
    return [folder for folder in folders if not is_table(paths.table("bronze", folder))]


def pending_files(paths: LakePaths, folders: Iterable[str]) -> dict[str, list[str]]:
    """Per folder of ``folders`` (``Sources.landed``), the raw files (relative paths) whose path and size
    the registry lacks."""
    landed = {(r["src_file"], r["size"]) for r in _registry_rows(paths, ["src_file", "size"])}
    pending: dict[str, list[str]] = {}
    for source in folders:
        root = paths.raw_dir(source)
        if not root.is_dir():
            continue
        for folder, _, names in os.walk(root):
            for name in names:
                if name.startswith("."):
                    continue
                full = os.path.join(folder, name)
                rel = os.path.relpath(full, paths.raw)
                if (rel, os.path.getsize(full)) not in landed:
                    pending.setdefault(source, []).append(rel)
    return {s: sorted(files) for s, files in pending.items()}
