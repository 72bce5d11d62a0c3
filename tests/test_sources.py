"""A toy eighth source, defined in this file alone: it lands, conforms and gets its Dagster asset and job."""
from pathlib import Path

import dagster as dg
import pytest
from deltalake import DeltaTable
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from assets.conform import conform_assets
from assets.definitions import definitions
from assets.land import landing_assets
from assets.resources import LakeResource, SparkResource
from pipelines.conform import document_rows
from pipelines.land.fields import ACCESS_FIELDS, COUNTRY, DATE, Field, SourceSpec
from pipelines.sources import SOURCES, Source, Sources

SEIZURES_CSV = ("seizure_id,item,country,seized_on,owner_country,restricted_to,classification\n"
                "S-1,cocaine 12 kg,CO,2024-03-02,CO,,official\n"
                ",heroin,CO,2024-03-03,CO,,official\n")  # no id: quarantined, as the contract says


def seizure_documents(seizures: DataFrame, source: Source) -> DataFrame:
    return document_rows(seizures, source.kind, F.col(source.id_field),
                         title=F.concat_ws(" ", F.lit("Seizure"), F.col("item")), body=F.col("item"),
                         country=F.col("country"), event_date=F.col("seized_on"))


@pytest.fixture
def with_seizures() -> Sources:
    spec = SourceSpec(name="seizures", fmt="csv", id_field="seizure_id", fields=(
        Field("seizure_id", required=True), Field("item"), Field("country", COUNTRY), Field("seized_on", DATE),
        *ACCESS_FIELDS))
    return SOURCES.adding(Source(spec, "seizure", "Seizures at borders, from raw/seizures/*.csv.", seizure_documents,
                                 offence_fields=("item",)))


@pytest.mark.unit  # no Spark, outside tests/unit beside the test that lands the toy source
def test_a_source_is_one_definition(with_seizures: Sources):
    assert with_seizures.names[-1] == "seizures" and with_seizures.landed[-1] == "withdrawals"
    assert "seizure" in with_seizures.document_kinds
    assert "seizures" in {f.kind.read("seizures") for f in with_seizures.withdrawals.fields if f.name == "source"}
    with pytest.raises(ValueError, match="share a name"):
        with_seizures.adding(with_seizures["seizures"])


def test_a_toy_source_lands_conforms_and_gets_its_asset(tmp_path: Path, spark, with_seizures: Sources):
    defs = definitions(with_seizures)
    landing = defs.resolve_assets_def(["bronze", "seizures"])
    assert landing.descriptions_by_key[dg.AssetKey(["bronze", "seizures"])].startswith("Seizures at borders")
    assert defs.resolve_job_def("refresh_seizures") is not None

    (tmp_path / "raw" / "seizures").mkdir(parents=True)
    (tmp_path / "raw" / "seizures" / "2024-03.csv").write_text(SEIZURES_CSV, encoding="utf-8")
    # The same factories the Definitions use, unbound, so that the lake is this test's.
    silver_documents = next(a for a in conform_assets(with_seizures) if a.key == dg.AssetKey(["silver", "documents"]))
    result = dg.materialize([*landing_assets(with_seizures), silver_documents],
                            resources={"lake": LakeResource(home=str(tmp_path)), "spark": SparkResource()})
    assert result.success

    lake = tmp_path / "lake"
    assert DeltaTable(str(lake / "bronze" / "seizures")).to_pyarrow_table().column("seizure_id").to_pylist() == ["S-1"]
    quarantined = DeltaTable(str(lake / "bronze" / "quarantine")).to_pyarrow_table().to_pylist()
    assert [r["source"] for r in quarantined] == ["seizures"]
    documents = DeltaTable(str(lake / "silver" / "documents")).to_pyarrow_table().to_pylist()
    assert [(d["doc_id"], d["source"], d["title"]) for d in documents] == [
        ("seizure:S-1", "seizure", "Seizure cocaine 12 kg")]
