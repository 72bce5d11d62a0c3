"""Where everything lives under ``$INSIGHT_HOME``: the drop zone, the configuration, the lake."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The access fields every record, document and derived row carries (contracts/raw-sources.md).
ACCESS: list[str] = ["owner_country", "restricted_to", "classification"]


def cache_dir() -> Path:
    """Where what is fetched once per machine is kept (JARs, the Trino server, a JDK), outside any
    home or checkout: ``$INSIGHT_CACHE``, else ``$XDG_CACHE_HOME/insight`` or ``~/.cache/insight``."""
    if os.environ.get("INSIGHT_CACHE"):
        return Path(os.environ["INSIGHT_CACHE"]).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "insight"


@dataclass(frozen=True)
class LakePaths:
    """The folders of one Insight home; every component derives its paths from here."""

    home: Path
    lake_root: str | None = None  # a URI (s3://bucket/lake) when the lake is not under the home

    @classmethod
    def from_env(cls, home: str | os.PathLike[str] | None = None) -> "LakePaths":
        """The home of ``$INSIGHT_HOME`` (default ``./data``); the lake at ``$INSIGHT_LAKE`` when set."""
        return cls(Path(home or os.environ.get("INSIGHT_HOME", "data")).resolve(), os.environ.get("INSIGHT_LAKE") or None)

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
    def lake(self) -> str:
        """Where the Delta tables live: ``<home>/lake``, or ``$INSIGHT_LAKE`` (shared object storage)."""
        return (self.lake_root or str(self.home / "lake")).rstrip("/")

    @property
    def spark_scratch(self) -> Path:
        return self.home / "spark"

    def raw_dir(self, source: str) -> Path:
        return self.raw / source

    @property
    def audit(self) -> str:
        """The append-only audit table (``insight/audit.py``), beside the layers the flow rebuilds."""
        return f"{self.lake}/audit"

    def model(self, name: str) -> Path:
        """The folder of a trained model (``model("ner")``: the tagger), beside the lake."""
        return self.home / "models" / name

    def table(self, layer: str, name: str) -> str:
        """The URI of a Delta table, e.g. ``table("bronze", "notices")``."""
        return f"{self.lake}/{layer}/{name}"
