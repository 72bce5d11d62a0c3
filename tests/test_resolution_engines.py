"""One person model, two engines: Splink on DuckDB and on Spark cluster the same records alike."""
from pipelines.config import LakePaths
from pipelines.resolve.entities import person_clusters


def test_spark_and_duckdb_resolve_the_sample_persons_alike(sample_home, lakehouse):
    records = lakehouse.read(LakePaths.from_env(sample_home).table("silver", "records"))
    found = {engine: {r.record_id: r.entity_id for r in person_clusters(records, engine=engine).collect()}
             for engine in ("duckdb", "spark")}
    assert found["spark"] == found["duckdb"]
    juan = found["duckdb"]["notice:2024/51234#subject"]
    assert sorted(r for r, e in found["duckdb"].items() if e == juan) == [
        "nominal:CL-PDI-88812#subject", "notice:2024/51234#subject", "sltd:AAB123456#holder"]
    assert found["duckdb"]["nominal:MX-FGR-5512#subject"] != juan
