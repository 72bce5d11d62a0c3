"""One person model, two engines: Splink on DuckDB and on Spark cluster the same records alike;
and the records an increment clusters again are clustered as the whole lake would cluster them."""
import hashlib

import pandas as pd
import pytest
from pyspark.sql import functions as F

from pipelines.config import LakePaths
from pipelines.resolve.entities import (
    person_clusters,
    person_features_of,
    persons_changed,
    persons_of,
    persons_to_recluster,
    train_person_model,
)
from pipelines.resolve.linkage import Untrainable, backend_api
from pipelines.resolve.persons import blocking_keys


@pytest.fixture(scope="module")
def records(sample_home, lakehouse):
    return lakehouse.read(LakePaths.from_env(sample_home).table("silver", "records"))


@pytest.fixture(scope="module")
def models(records) -> dict[str, dict | None]:
    return {engine: train_person_model(records, engine) for engine in ("duckdb", "spark")}


def _clusters(records, model, engine="duckdb") -> dict[str, str]:
    return {r.record_id: r.entity_id for r in person_clusters(records, model, engine=engine).collect()}


def test_spark_and_duckdb_resolve_the_sample_persons_alike(records, models):
    found = {engine: _clusters(records, models[engine], engine) for engine in ("duckdb", "spark")}
    assert found["spark"] == found["duckdb"]
    juan = found["duckdb"]["notice:2024/51234#subject"]
    assert sorted(r for r, e in found["duckdb"].items() if e == juan) == [
        "nominal:CL-PDI-88812#subject", "notice:2024/51234#subject", "sltd:AAB123456#holder"]
    assert found["duckdb"]["nominal:MX-FGR-5512#subject"] != juan
    alone = "notice:2024/51234#subject"  # one person: no model can be trained, and none is needed
    with pytest.raises(Untrainable, match="fewer than two"):
        train_person_model(records.where(F.col("record_id") == alone))
    found = {r.record_id: r.entity_id for r in person_clusters(records, None).collect()}  # no model: each alone
    assert found[alone] == "person:" + hashlib.sha1(alone.encode()).hexdigest()[:16]
    assert len(set(found.values())) == len(found)


def test_every_pair_the_model_blocks_shares_a_blocking_key(records, models):
    from splink import Linker

    features = person_features_of(records).toPandas()
    api = backend_api([features])
    pairs = Linker(api.register(features), models["duckdb"]).inference.predict().as_pandas_dataframe()
    keys = blocking_keys(person_features_of(records)).toPandas().groupby("unique_id")["key"].apply(set)
    assert len(pairs) > 0
    for left, right in zip(pairs["unique_id_l"], pairs["unique_id_r"]):
        assert keys.get(left, set()) & keys.get(right, set()), (left, right)


@pytest.mark.parametrize("change", ["a person added", "a person removed", "an identifier removed"])
def test_the_persons_an_increment_regroups_get_the_clusters_the_whole_lake_gives(records, models, change):
    """The sample's Juan Pérez is three records joined by a passport: a change to one of them is
    clustered again with what it may join, and the rest of the lake keeps its clusters."""
    model = models["duckdb"]
    before = _clusters(records, model)
    holder = "sltd:AAB123456#holder"
    if change == "a person added":  # Juan again, under a new id, holding the same passport
        person = records.where(F.col("record_id") == holder)
        held = records.where(F.col("related_record_id") == holder)
        added = (person.withColumn("record_id", F.lit("nominal:NEW#subject"))
                 .unionByName(held.withColumn("related_record_id", F.lit("nominal:NEW#subject"))
                              .withColumn("record_id", F.concat("record_id", F.lit("-new")))))
        removed, after_records = records.limit(0), records.unionByName(added)
    elif change == "a person removed":
        removed = records.where(F.col("record_id") == holder)
        added, after_records = records.limit(0), records.where(F.col("record_id") != holder)
    else:
        removed = records.where(F.col("related_record_id") == holder)
        added, after_records = records.limit(0), records.join(removed, "record_id", "left_anti")
    changed = persons_changed(added, removed)
    assert [r.record_id for r in changed.collect()] == [
        "nominal:NEW#subject" if change == "a person added" else holder]
    existing = records.sparkSession.createDataFrame(pd.DataFrame(
        {"record_id": list(before), "entity_id": list(before.values())}))
    regrouped = persons_to_recluster(after_records, changed, existing)
    ids = {r.record_id for r in regrouped.collect()}
    whole = _clusters(after_records, model)
    assert len(ids) < len(whole)  # not the whole lake
    again = _clusters(persons_of(after_records, regrouped), model)
    kept = {r: e for r, e in before.items() if r not in ids | {holder}}
    assert {**kept, **again} == whole
