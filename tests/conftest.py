"""Shared fixtures: one Spark session per test session, the sample drop zone, a materialized lake.

Every test is classified by what it uses, so a new one needs no marker to remember: ``spark``
when it uses the Spark session (directly or through ``lakehouse``, ``sample_home``, …), ``e2e``
when it materializes the samples or runs the ``insight`` command, ``unit`` for a test of
``tests/unit`` that does neither. ``heavy`` and ``trino`` are set by hand. A test in none of
these fails collection, and a ``unit`` test that starts Spark fails.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_SAMPLES = Path(os.environ.get("INSIGHT_SAMPLES", REPO.parent / "shared" / "samples"))


@pytest.fixture(scope="session")
def spark():
    from pipelines.spark import SparkSettings, get_spark

    # One session serves the whole suite (some thirty materializes and the tagger's training): 2 GB
    # of heap ended in back-to-back garbage collections there.
    session = get_spark(SparkSettings(shuffle_partitions=2, driver_memory="4g"))
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


@pytest.fixture
def lake_copy(sample_home, tmp_path) -> Path:
    """A copy of the materialized samples, for a test that changes its drop zone or its lake."""
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    return home


CLASSES = ("unit", "spark", "e2e", "heavy", "trino")
UNIT_DIR = Path(__file__).resolve().parent / "unit"


def _runs_the_command(item: pytest.Item) -> bool:
    """The test's module calls ``insight.cli.main``, the ``insight`` command in-process."""
    cli = sys.modules.get("insight.cli")
    module = getattr(item, "module", None)
    return cli is not None and module is not None and getattr(module, "main", None) is cli.main


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    unclassified = []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        found = set()
        if "spark" in fixtures:
            found.add("spark")
        if "sample_materialization" in fixtures or _runs_the_command(item):
            found.add("e2e")
        if not found and UNIT_DIR in Path(str(item.path)).parents:
            found.add("unit")
        marked = {m.name for m in item.iter_markers()} & set(CLASSES)
        if "unit" in marked and found - {"unit"}:
            raise pytest.UsageError(f"{item.nodeid} is marked unit but uses {', '.join(sorted(found))}")
        for name in sorted(found - marked):
            item.add_marker(name)
        if not found | marked:
            unclassified.append(item.nodeid)
    if unclassified:
        raise pytest.UsageError("tests in no class (mark them unit, spark, e2e, heavy or trino): "
                                + ", ".join(unclassified))


def _spark_running() -> bool:
    pyspark = sys.modules.get("pyspark")
    return pyspark is not None and pyspark.SparkContext._active_spark_context is not None


@pytest.fixture(autouse=True)
def _unit_tests_start_no_spark(request: pytest.FixtureRequest):
    """A unit test is one ``pytest -m unit`` runs in seconds: starting Spark breaks that promise."""
    before = _spark_running()
    yield
    if request.node.get_closest_marker("unit") is not None and not before and _spark_running():
        pytest.fail("a unit test started Spark: use the spark fixture (the test is then marked spark)")
