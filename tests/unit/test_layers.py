"""Layers run one way and the vocabulary is cheap to import: checked on the imports themselves."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ASSET_DEFINING = ("@dg.asset", "@dg.multi_asset", "asset_check", "dg.AssetSpec", "dg.sensor")


def imported(path: Path) -> set[str]:
    """The modules a file imports at its top level or inside functions."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def modules(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


def under(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


@pytest.mark.parametrize("path", modules("pipelines"), ids=lambda p: str(p.relative_to(REPO)))
def test_pipelines_import_no_orchestrator_generator_or_front_end(path):
    assert not {n for n in imported(path) if under(n, "dagster", "generator", "assets", "insight")}


@pytest.mark.parametrize("path", modules("pipelines/extract") + modules("pipelines/resolve"),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_extraction_and_resolution_import_no_later_stage(path):
    assert not {n for n in imported(path) if under(n, "pipelines.publish", "pipelines.index", "pipelines.patterns")}


def test_assets_do_not_import_assets():
    defining = {p.stem for p in modules("assets") if any(m in p.read_text(encoding="utf-8") for m in ASSET_DEFINING)}
    for path in modules("assets"):
        if path.stem != "definitions":
            assert not {n for n in imported(path) if n.startswith("assets.") and n.split(".")[1] in defining}, path


@pytest.mark.parametrize("path", modules("insight"), ids=lambda p: str(p.relative_to(REPO)))
def test_the_query_side_does_not_reach_into_landing(path):
    assert not {n for n in imported(path) if under(n, "pipelines.land")}


def test_the_shared_vocabulary_loads_without_spark_or_arrow():
    code = ("import sys, pipelines.vocabulary, pipelines.resolve.relations, pipelines.truth, insight.access; "
            "print(sorted(m for m in ('pyspark', 'pyarrow', 'dagster', 'generator') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
