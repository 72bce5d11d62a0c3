"""The landing registry read without Spark: cheap enough for a sensor that polls every 30 s."""
from __future__ import annotations

import os

from deltalake import DeltaTable
from deltalake.exceptions import TableNotFoundError

from pipelines.config import SOURCES, LakePaths
from pipelines.land.job import LANDED_FILES


def landed_fingerprints(paths: LakePaths) -> set[tuple[str, int]]:
    """(relative path, size) of every landed file."""
    try:
        table = DeltaTable(paths.table(*LANDED_FILES)).to_pyarrow_dataset()
    except TableNotFoundError:
        return set()
    rows = table.to_table(columns=["src_file", "size"]).to_pylist()
    return {(r["src_file"], r["size"]) for r in rows}


def pending_files(paths: LakePaths) -> dict[str, list[str]]:
    """Per source, the raw files (relative paths) the registry has not landed yet."""
    landed = landed_fingerprints(paths)
    pending: dict[str, list[str]] = {}
    for source in SOURCES:
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

