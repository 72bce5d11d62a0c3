"""Where everything lives under ``$INSIGHT_HOME``: the drop zone, the configuration, the lake."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SOURCES: tuple[str, ...] = ("notices", "diffusions", "messages", "reports", "sltd", "smv", "nominals")


@dataclass(frozen=True)
class LakePaths:
    """The folders of one Insight home; every component derives its paths from here."""

    home: Path

    @classmethod
    def from_env(cls, home: str | os.PathLike[str] | None = None) -> "LakePaths":
        return cls(Path(home or os.environ.get("INSIGHT_HOME", "data")).resolve())

    @property
    def raw(self) -> Path:
        return self.home / "raw"

    @property
    def config(self) -> Path:
        return self.home / "config"

    @property
    def users_file(self) -> Path:
        return self.config / "users.yaml"

    @property
    def lake(self) -> Path:
        return self.home / "lake"

    @property
    def spark_scratch(self) -> Path:
        return self.home / "spark"

    def raw_dir(self, source: str) -> Path:
        return self.raw / source

    def table(self, layer: str, name: str) -> str:
        """The URI of a Delta table, e.g. ``table("bronze", "notices")``."""
        return str(self.lake / layer / name)
