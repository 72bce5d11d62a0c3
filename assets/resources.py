"""Resources carry configuration: where the lake lives and how to reach Spark."""

import os

import dagster as dg
from pyspark.sql import SparkSession

from pipelines.config import LakePaths
from pipelines.lakehouse import Lakehouse
from pipelines.spark import SparkSettings, get_spark


class SparkResource(dg.ConfigurableResource):
    """Spark master (``local[*]`` by default) or a Spark Connect URL."""

    master: str = os.environ.get("INSIGHT_SPARK_MASTER", "local[*]")
    remote: str = os.environ.get("INSIGHT_SPARK_REMOTE", "")
    shuffle_partitions: int = int(os.environ.get("INSIGHT_SHUFFLE_PARTITIONS", "8"))

    def session(self) -> SparkSession:
        defaults = SparkSettings.from_env()
        return get_spark(
            SparkSettings(
                master=self.master,
                remote=self.remote or None,
                shuffle_partitions=self.shuffle_partitions,
                driver_memory=defaults.driver_memory,
                extra_conf=defaults.extra_conf,
            )
        )


class LakeResource(dg.ConfigurableResource):
    """The Insight home (drop zone, config, lake) and the Delta backend."""

    home: str = os.environ.get("INSIGHT_HOME", "data")
    delta_backend: str = os.environ.get("INSIGHT_DELTA_BACKEND", "auto")

    @property
    def paths(self) -> LakePaths:
        return LakePaths.from_env(self.home)

    def lakehouse(self, spark: SparkResource) -> Lakehouse:
        return Lakehouse(spark.session(), self.delta_backend)
