"""Where everything lives under ``$INSIGHT_HOME``: the drop zone, the configuration, the lake."""
from __future__ import annotations

import os
from collections.abc import Mapping
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
    def from_env(cls, home: str | os.PathLike[str] | None = None) -> LakePaths:
        """The home of ``$INSIGHT_HOME`` (default ``./data``); the lake at ``$INSIGHT_LAKE`` when set."""
        return cls(Path(home or os.environ.get("INSIGHT_HOME", "data")).resolve(),
                   os.environ.get("INSIGHT_LAKE") or None)

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

    @property
    def watermarks(self) -> str:
        """What each incremental table last read of its inputs (``pipelines/watermarks.py``)."""
        return f"{self.lake}/state/watermarks"

    def model(self, name: str) -> Path:
        """The folder of a trained model (``model("ner")``: the tagger), beside the lake."""
        return self.home / "models" / name

    def table(self, layer: str, name: str) -> str:
        """The URI of a Delta table, e.g. ``table("bronze", "notices")``."""
        return f"{self.lake}/{layer}/{name}"


class BadSetting(ValueError):
    """An ``INSIGHT_*`` setting with a value no stage accepts."""


EXTRACTORS = ("tagger", "rules")  # how names are read in text: pipelines/extract/job.py
RESOLUTION_ENGINES = ("duckdb", "spark")  # where Splink scores person pairs: pipelines/resolve/entities.py


@dataclass(frozen=True)
class StageSettings:
    """How the stages run, as the operator chose it. The orchestrator reads it once (from the
    environment: :meth:`from_env`) and hands each stage its part as arguments; no stage reads the
    environment itself.

    Args:
        extractor: ``tagger`` (the default: the better held-out F1, see the README) or ``rules``.
        resolution_engine: ``duckdb`` (faster on one machine) or ``spark``.
        resolution_memory: DuckDB's memory limit when it scores person pairs (it spills past it).
        hotspot_resolution: the H3 resolution of hotspot cells, 0 (coarsest) to 15; 6 is a city district.
    """

    extractor: str = "tagger"
    resolution_engine: str = "duckdb"
    resolution_memory: str = "4GB"
    hotspot_resolution: int = 6

    def __post_init__(self) -> None:
        if self.extractor not in EXTRACTORS:
            raise BadSetting(f"INSIGHT_EXTRACTOR={self.extractor!r}: choose one of {', '.join(EXTRACTORS)}")
        if self.resolution_engine not in RESOLUTION_ENGINES:
            raise BadSetting(f"INSIGHT_RESOLUTION_ENGINE={self.resolution_engine!r}: use one of "
                             f"{', '.join(RESOLUTION_ENGINES)}")
        if not 0 <= self.hotspot_resolution <= 15:
            raise BadSetting(f"INSIGHT_HOTSPOT_RESOLUTION={self.hotspot_resolution!r}: use a whole number "
                             "from 0 to 15")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> StageSettings:
        """``$INSIGHT_EXTRACTOR``, ``$INSIGHT_RESOLUTION_ENGINE``, ``$INSIGHT_RESOLUTION_MEMORY``,
        ``$INSIGHT_HOTSPOT_RESOLUTION``; the defaults where unset."""
        env = os.environ if environ is None else environ
        default = cls()
        resolution = env.get("INSIGHT_HOTSPOT_RESOLUTION", str(default.hotspot_resolution))
        if not resolution.isdigit():
            raise BadSetting(f"INSIGHT_HOTSPOT_RESOLUTION={resolution!r}: use a whole number from 0 to 15")
        return cls(extractor=env.get("INSIGHT_EXTRACTOR", default.extractor),
                   resolution_engine=env.get("INSIGHT_RESOLUTION_ENGINE", default.resolution_engine).lower(),
                   resolution_memory=env.get("INSIGHT_RESOLUTION_MEMORY", default.resolution_memory),
                   hotspot_resolution=int(resolution))
