"""What the asset modules share of bronze: its asset keys.

Here rather than in ``assets/land.py`` or ``assets/conform.py`` so that no asset module imports
another (an asset module's import would load, and couple to, every asset it defines).
"""
from __future__ import annotations

import dagster as dg

from pipelines.sources import Sources


def bronze_keys(sources: Sources) -> list[dg.AssetKey]:
    """The bronze table of every folder of raw/: what conform, trends and the landing tables follow."""
    return [dg.AssetKey(["bronze", name]) for name in sources.landed]
