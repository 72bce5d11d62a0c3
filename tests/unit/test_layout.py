"""Index and gold tables are cut into files by key range: a look-up skips every other file."""
import pyarrow as pa
import pyarrow.dataset as ds
from deltalake import DeltaTable

from pipelines.layout import clustered, files_for


def test_files_for_rounds_up_and_never_gives_none():
    assert files_for(0) == 1
    assert files_for(10, rows_per_file=4) == 3


def test_clustered_files_cover_disjoint_sorted_key_ranges(lakehouse, spark, tmp_path):
    frame = spark.createDataFrame([(f"k{(i * 7919) % 1000:04d}", i) for i in range(1000)], "key string, n int")
    uri = str(tmp_path / "t")
    lakehouse.overwrite(clustered(frame, "key", files=4), uri)
    table = DeltaTable(uri)
    stats = sorted((a["min.key"], a["max.key"], a["num_records"])
                   for a in pa.table(table.get_add_actions(flatten=True)).to_pylist())
    assert len(stats) == 4 and sum(s[2] for s in stats) == 1000
    assert all(prev[1] < nxt[0] for prev, nxt in zip(stats, stats[1:]))  # no two files share a key range
    for fragment in table.to_pyarrow_dataset().get_fragments():
        keys = fragment.to_table(columns=["key"]).column("key").to_pylist()
        assert keys == sorted(keys)


def test_a_key_lookup_opens_one_file(lakehouse, spark, tmp_path):
    frame = spark.createDataFrame([(f"k{i:04d}",) for i in range(1000)], "key string")
    uri = str(tmp_path / "t")
    lakehouse.overwrite(clustered(frame, "key", files=5), uri)
    dataset = DeltaTable(uri).to_pyarrow_dataset()
    assert len(list(dataset.get_fragments())) == 5
    assert len(list(dataset.get_fragments(filter=ds.field("key") == "k0421"))) == 1
