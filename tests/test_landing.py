"""Landing's frames of rows the driver holds (the file listing, the registry's rows)."""
from pipelines.land.sources import LANDED_FILES_SCHEMA
from pipelines.spark import local_frame


def test_rows_the_driver_holds_reach_spark_as_arrow_and_no_python_worker_reads_them(spark):
    # A list would become a Python RDD; the append's isEmpty stops reading its worker early, and on
    # Spark 4.1 that worker dies printing a BrokenPipeError traceback (seen landing 7,000 messages).
    rows = [{"source": "messages", "src_file": f"messages/{n}.eml", "src_sha256": "0" * 64, "size": n,
             "rows_read": 1, "rows_landed": 1, "rows_quarantined": 0, "landed_at": None, "schema_drift": []}
            for n in range(5000)]
    frame = local_frame(spark, rows, LANDED_FILES_SCHEMA)
    plan = frame._jdf.queryExecution().executedPlan().toString()
    assert "LocalTableScan" in plan and "ExistingRDD" not in plan, plan
    assert frame.count() == len(rows)
    assert frame.where("size = 4999").first()["src_file"] == "messages/4999.eml"
