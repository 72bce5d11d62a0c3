"""Resources carry configuration: where the lake lives and how to reach Spark."""

from dataclasses import replace

import dagster as dg
from pyspark.sql import SparkSession

from pipelines.config import LakePaths
from pipelines.lakehouse import Lakehouse
from pipelines.spark import SparkSettings, get_spark


class SparkResource(dg.ConfigurableResource):
    """Spark master or Spark Connect URL; empty fields fall back to ``$INSIGHT_SPARK_*`` at run time."""

    master: str = ""
    remote: str = ""

    def session(self) -> SparkSession:
        settings = SparkSettings.from_env()
        if self.master:
            settings = replace(settings, master=self.master)
        if self.remote:
            settings = replace(settings, remote=self.remote)
        return get_spark(settings)


class LakeResource(dg.ConfigurableResource):
    """The Insight home (drop zone, config, lake) and the Delta backend.

    Empty fields are read at run time from ``$INSIGHT_HOME`` (default ``./data``) and
    ``$INSIGHT_DELTA_BACKEND`` (default ``auto``), so one Definitions serves every home.
    """

    home: str = ""
    delta_backend: str = ""

    @property
    def paths(self) -> LakePaths:
        return LakePaths.from_env(self.home or None)

    def lakehouse(self, spark: SparkResource) -> Lakehouse:
        return Lakehouse(spark.session(), self.delta_backend or None)
