"""Resources carry the configuration of a run: where the lake lives, how to reach Spark, how the
stages run, and how an asset receives the tables it reads.

:func:`resources` reads the environment once, when the Definitions load (``INSIGHT_HOME``,
``INSIGHT_SPARK_*``, ``INSIGHT_EXTRACTOR``, …); every field can be overridden in a run's
configuration (``insight materialize`` sets the home that way). No stage reads the environment.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from pyspark.sql import DataFrame, SparkSession

from pipelines.config import LakePaths, StageSettings, cache_dir
from pipelines.delta import origin_of, row_count
from pipelines.lakehouse import Lakehouse, default_backend
from pipelines.spark import SparkSettings, get_spark
from pipelines.watermarks import Watermark
from pipelines.writer import writing

TABLES = "tables"  # the input manager every asset reads its tables through


class SparkResource(dg.ConfigurableResource):
    """A Spark master (``local[N]``, ``spark://…``) or a Spark Connect URL (wins when set), with the
    driver's memory, the shuffle partitions and extra ``spark.*`` settings."""

    master: str = "local[*]"
    remote: str = ""
    shuffle_partitions: int = 8
    driver_memory: str = "2g"
    conf: dict[str, str] = {}

    @classmethod
    def from_settings(cls, settings: SparkSettings) -> "SparkResource":
        return cls(master=settings.master, remote=settings.remote or "", shuffle_partitions=settings.shuffle_partitions,
                   driver_memory=settings.driver_memory, conf=dict(settings.extra_conf))

    def session(self) -> SparkSession:
        return get_spark(SparkSettings(master=self.master, remote=self.remote or None,
                                       shuffle_partitions=self.shuffle_partitions, driver_memory=self.driver_memory,
                                       extra_conf=dict(self.conf)))


class LakeResource(dg.ConfigurableResource):
    """The Insight home (drop zone, config, models), the lake (``<home>/lake`` unless ``lake`` names
    shared storage) and the Delta backend (``delta-spark``, ``delta-rs`` or ``auto``)."""

    home: str
    lake: str = ""
    delta_backend: str = "auto"

    @classmethod
    def from_paths(cls, paths: LakePaths, delta_backend: str) -> "LakeResource":
        return cls(home=str(paths.home), lake=paths.lake_root or "", delta_backend=delta_backend)

    @property
    def paths(self) -> LakePaths:
        return LakePaths(Path(self.home).resolve(), self.lake or None)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["LakeResource"]:
        """A run holds the home's writer lock (:mod:`pipelines.writer`) from its first step to its
        end, waiting for it while another run writes; a sensor's look at the home takes none."""
        run, log = context.dagster_run, context.log
        if run is None or log is None:
            yield self
            return
        with writing(self.paths.home, run.run_id, log.warning):
            yield self

    def uri(self, key: dg.AssetKey) -> str:
        """The Delta table of a table asset (``bronze/notices``, ``gold/entities``, …)."""
        return self.paths.table(*key.path)

    def input_rows(self, context: dg.AssetExecutionContext, name: str) -> int:
        """Rows of the table an asset reads as input ``name``, from its log (nothing read)."""
        return row_count(self.uri(context.asset_key_for_input(name)))

    def lakehouse(self, spark: SparkResource, context: dg.AssetExecutionContext | None = None,
                  reflects: Watermark | None = None) -> Lakehouse:
        """The lakehouse of this lake; its commits record ``context``'s run and assets, and for an
        increment's step the watermark its table then ``reflects``."""
        origin = (origin_of(context.run_id, [k.to_user_string() for k in context.selected_asset_keys],
                            reflects.inputs if reflects else None, reflects.settings if reflects else "")
                  if context is not None else None)
        return Lakehouse(spark.session(), self.delta_backend, origin)


class StagesResource(dg.ConfigurableResource):
    """How the stages run (:class:`pipelines.config.StageSettings`) and where trained models are
    cached across homes."""

    extractor: str = StageSettings.extractor
    resolution_engine: str = StageSettings.resolution_engine
    resolution_memory: str = StageSettings.resolution_memory
    hotspot_resolution: int = StageSettings.hotspot_resolution
    model_cache: str

    @classmethod
    def from_settings(cls, settings: StageSettings, model_cache: Path) -> "StagesResource":
        return cls(extractor=settings.extractor, resolution_engine=settings.resolution_engine,
                   resolution_memory=settings.resolution_memory, hotspot_resolution=settings.hotspot_resolution,
                   model_cache=str(model_cache))

    @property
    def settings(self) -> StageSettings:
        """The settings, checked: a bad value fails the step with one line."""
        return StageSettings(extractor=self.extractor, resolution_engine=self.resolution_engine,
                             resolution_memory=self.resolution_memory, hotspot_resolution=self.hotspot_resolution)


@dg.input_manager(required_resource_keys={"lake", "spark"})
def delta_tables(context: dg.InputContext) -> DataFrame:
    """An upstream table, as the Spark DataFrame of its current version, read through the lakehouse.

    Function-style so that it uses the run's own ``lake`` and ``spark`` (a configured resource
    nested in another would keep the values it was built with, whatever the run says)."""
    lake: LakeResource = context.resources.lake
    return lake.lakehouse(context.resources.spark).read(lake.uri(context.asset_key))


def tables(**inputs: str) -> dict[str, dg.AssetIn]:
    """The ``ins`` of an asset that reads these tables, each named once:
    ``tables(documents="silver/documents")`` gives the asset a ``documents`` DataFrame."""
    return {name: dg.AssetIn(key=dg.AssetKey(key.split("/")), input_manager_key=TABLES)
            for name, key in inputs.items()}


def resources() -> dict[str, object]:
    """The resources of the Definitions, configured from the environment as it is when they load."""
    return {
        "lake": LakeResource.from_paths(LakePaths.from_env(), default_backend()),
        "spark": SparkResource.from_settings(SparkSettings.from_env()),
        "stages": StagesResource.from_settings(StageSettings.from_env(), cache_dir() / "models"),
        TABLES: delta_tables,
    }
