"""What the asset modules share of bronze: its asset keys and its current records.

Here rather than in ``assets/land.py`` or ``assets/conform.py`` so that no asset module imports
another (an asset module's import would load, and couple to, every asset it defines).
"""
from __future__ import annotations

import dagster as dg
from pyspark.sql import DataFrame

from assets.resources import LakeResource
from pipelines.conform import current_records
from pipelines.lakehouse import Lakehouse
from pipelines.sources import Sources


def bronze_keys(sources: Sources) -> list[dg.AssetKey]:
    """The bronze table of every folder of raw/: what conform, trends and the landing tables follow."""
    return [dg.AssetKey(["bronze", name]) for name in sources.landed]


def current_frames(lakehouse: Lakehouse, lake: LakeResource, sources: Sources) -> dict[str, DataFrame]:
    """Per source its current records (latest versions, withdrawals applied), from the bronze
    tables of :func:`bronze_keys`: the one list of what a conform asset reads."""
    tables = {key.path[-1]: lake.uri(key) for key in bronze_keys(sources)}
    withdrawals = tables.pop(sources.withdrawals.name)
    bronze = {name: lakehouse.read(uri) for name, uri in tables.items()}
    return current_records(bronze, sources, lakehouse.read(withdrawals) if lakehouse.exists(withdrawals) else None)
