"""The JVM packages: coordinates derived from the installed versions, and the cache's manifest."""
import json
from importlib.metadata import version

from pipelines import jars


def test_delta_jar_is_of_the_delta_spark_wheel_line_and_of_pyspark_s():
    (delta,) = [p for p in jars.packages() if p.startswith("io.delta:")]
    assert delta == f"io.delta:delta-spark_{'.'.join(version('pyspark').split('.')[:2])}_2.13:{jars.DELTA_JAR_VERSION}"
    assert jars.DELTA_JAR_VERSION.split(".")[:2] == version("delta-spark").split(".")[:2]


def test_the_manifest_serves_only_the_packages_it_was_resolved_for(tmp_path, monkeypatch):
    monkeypatch.setenv("INSIGHT_CACHE", str(tmp_path))
    jar = tmp_path / "ivy" / "jars" / "a.jar"
    jar.parent.mkdir(parents=True)
    jar.write_bytes(b"")
    jars.manifest_path().write_text(json.dumps({"packages": ["g:a:1"], "jars": [str(jar)]}))
    assert jars.cached_jars(["g:a:1"]) == [str(jar)]
    assert jars.cached_jars(["g:a:1", "g:b:2"]) is None  # a coordinate added: resolve again
    jar.unlink()
    assert jars.cached_jars(["g:a:1"]) is None  # a cache cleaned by hand
