"""Shared fixtures: one Spark session per test session, the sample drop zone, a materialized lake."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_SAMPLES = Path(os.environ.get("INSIGHT_SAMPLES", REPO.parent / "shared" / "samples"))


@pytest.fixture(scope="session")
def spark():
    from pipelines.spark import SparkSettings, get_spark

    session = get_spark(SparkSettings(shuffle_partitions=2))
    yield session
    session.stop()


@pytest.fixture(scope="session")
def lakehouse(spark):
    from pipelines.lakehouse import Lakehouse

    return Lakehouse(spark, "delta-rs")


def copy_samples(target: Path) -> Path:
    if not SHARED_SAMPLES.is_dir():
        pytest.fail(f"the shared samples are missing at {SHARED_SAMPLES} (set INSIGHT_SAMPLES)")
    shutil.copytree(SHARED_SAMPLES / "raw", target / "raw")
    shutil.copytree(SHARED_SAMPLES / "config", target / "config")
    return target


def materialize_home(home: Path, delta_backend: str | None = None) -> list[str]:
    """Runs the Definitions' refresh job in-process on ``home``, as ``insight materialize`` does
    (through ``delta_backend``, default ``$INSIGHT_DELTA_BACKEND`` or auto)."""
    from insight.materialize import materialize_all
    from pipelines.config import LakePaths

    return list(materialize_all(LakePaths.from_env(home), delta_backend=delta_backend))


@pytest.fixture(scope="session")
def sample_materialization(tmp_path_factory, spark) -> tuple[Path, list[str]]:
    """../shared/samples materialized once, with the lines ``insight materialize`` printed."""
    home = copy_samples(tmp_path_factory.mktemp("samples"))
    return home, materialize_home(home)


@pytest.fixture(scope="session")
def sample_home(sample_materialization) -> Path:
    """../shared/samples, materialized once for every test that only reads it."""
    return sample_materialization[0]
