"""What the asset modules share of bronze: its asset keys and its current records.

Here rather than in ``assets/land.py`` or ``assets/conform.py`` so that no asset module imports
another (an asset module's import would load, and couple to, every asset it defines).
"""
from __future__ import annotations

import dagster as dg
from pyspark.sql import DataFrame

from assets.resources import LakeResource, SparkResource
from pipelines.conform import current_records
from pipelines.lakehouse import Lakehouse
from pipelines.sources import Sources


def bronze_keys(sources: Sources) -> list[dg.AssetKey]:
    """The bronze table of every folder of raw/: what conform, trends and the landing tables follow."""
    return [dg.AssetKey(["bronze", name]) for name in sources.landed]


def current_frames(lake: LakeResource, spark: SparkResource,
                   sources: Sources) -> tuple[Lakehouse, dict[str, DataFrame]]:
    """The lakehouse, and per source its current records: latest versions, withdrawals applied."""
    lakehouse = lake.lakehouse(spark)
    bronze = {s.name: lakehouse.read(lake.paths.table("bronze", s.name)) for s in sources}
    withdrawals = lake.paths.table("bronze", sources.withdrawals.name)
    return lakehouse, current_records(bronze, sources,
                                      lakehouse.read(withdrawals) if lakehouse.exists(withdrawals) else None)
