"""The sample flow through both Delta backends: every table the same row for row, each backend's
tables read by the other and by DuckDB."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from deltalake import DeltaTable

from pipelines.delta import row_count as table_row_count
from pipelines.lakehouse import Lakehouse
from tests.conftest import copy_samples, materialize_home

# A second materialization of the samples takes minutes (more than one here on 2 shared cores):
# `make test-heavy`. The default suite's sample run is delta-spark's (the default backend), and
# tests/unit/test_lakehouse.py holds both backends to one contract on small frames.
pytestmark = pytest.mark.heavy

# Stamped with the run's clock (when a file landed, an alert was raised, a hidden link first
# seen): two runs minutes apart differ there, and only there.
RUN_CLOCK_COLUMNS = frozenset({"landed_at", "raised_at", "first_seen"})


@pytest.fixture(scope="session")
def delta_rs_home(tmp_path_factory, spark) -> Path:
    """../shared/samples materialized through delta-rs (``sample_home`` is delta-spark's, the default)."""
    home = copy_samples(tmp_path_factory.mktemp("samples-delta-rs"))
    materialize_home(home, "delta-rs")
    return home


def tables(home: Path) -> list[str]:
    """The lake's data tables. ``state/`` is the steps' own bookkeeping (their watermarks), written
    through delta-rs whatever the backend, and as many times as each backend committed."""
    lake = home / "lake"
    names = (str(log.parent.relative_to(lake)) for log in lake.glob("**/_delta_log"))
    return sorted(name for name in names if not name.startswith("state/"))


def rows(uri: str) -> list[str]:
    """Every row as sorted JSON, run-clock columns left out, in a stable order (through DuckDB)."""
    dataset = DeltaTable(uri).to_pyarrow_dataset()
    kept = ", ".join(f'"{name}"' for name in dataset.schema.names if name not in RUN_CLOCK_COLUMNS)
    table = duckdb.sql(f"SELECT {kept} FROM dataset").to_arrow_table()
    return sorted(json.dumps(row, sort_keys=True, default=str) for row in table.to_pylist())


def writer(uri: str) -> str:
    """Which library committed the table's first version."""
    first = DeltaTable(uri).history()[-1]
    return "delta-spark" if "Delta-Lake" in first.get("engineInfo", "") else "delta-rs"


def test_both_backends_write_the_same_tables_row_for_row(sample_home, delta_rs_home):
    assert tables(sample_home) == tables(delta_rs_home) and len(tables(sample_home)) > 20
    for name in tables(sample_home):
        spark_uri, rs_uri = str(sample_home / "lake" / name), str(delta_rs_home / "lake" / name)
        assert (writer(spark_uri), writer(rs_uri)) == ("delta-spark", "delta-rs"), name
        assert rows(spark_uri) == rows(rs_uri), name


def test_each_backend_reads_the_other_s_tables(spark, sample_home, delta_rs_home):
    for home, reader in ((sample_home, "delta-rs"), (delta_rs_home, "delta-spark")):
        lake = Lakehouse(spark, reader)
        for name in tables(home):
            uri = str(home / "lake" / name)
            assert lake.read(uri).count() == table_row_count(uri), (reader, name)
