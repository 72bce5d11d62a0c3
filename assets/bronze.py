"""What the asset modules share of bronze: its asset keys and its current records.

Here rather than in ``assets/land.py`` or ``assets/conform.py`` so that no asset module imports
another (an asset module's import would load, and couple to, every asset it defines).
"""
from __future__ import annotations

from typing import Mapping

import dagster as dg
from pyspark.sql import DataFrame

from assets.resources import LakeResource, SparkResource
from pipelines.config import LANDED, SOURCES, WITHDRAWALS
from pipelines.conform import current_records
from pipelines.lakehouse import Lakehouse

BRONZE = [dg.AssetKey(["bronze", s]) for s in LANDED]


def current_frames(lake: LakeResource, spark: SparkResource) -> tuple[Lakehouse, Mapping[str, DataFrame]]:
    """The lakehouse, and per source its current records: latest versions, withdrawals applied."""
    lakehouse = lake.lakehouse(spark)
    bronze = {s: lakehouse.read(lake.paths.table("bronze", s)) for s in SOURCES}
    withdrawals = lake.paths.table("bronze", WITHDRAWALS)
    return lakehouse, current_records(bronze, lakehouse.read(withdrawals) if lakehouse.exists(withdrawals) else None)
