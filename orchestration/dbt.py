"""The dbt project as Dagster assets: one asset per seed and model, dbt tests as asset checks."""

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from barometre import settings
from barometre.publish import TableDescription
from barometre.spark_import import import_spark_tables
from orchestration.resources import BarometreSettings

DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")
DBT_PROJECT = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.REPO_ROOT)

_MANIFEST_INPUTS = ("dbt_project.yml", "models", "macros", "tests")


def _project_digest() -> str:
    """Hash of everything `dbt parse` reads, to skip the parse when nothing changed."""
    digest = hashlib.sha256()
    roots = [settings.DBT_PROJECT_DIR / name for name in _MANIFEST_INPUTS]
    roots += [settings.SEEDS_DIR, settings.REPO_ROOT / "profiles.yml"]
    for root in roots:
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.is_file():
                digest.update(str(path.relative_to(settings.REPO_ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_manifest(project: DbtProject = DBT_PROJECT) -> Path:
    """Run `dbt parse` only when the project changed since the manifest was written."""
    stamp = project.manifest_path.with_name("barometre_manifest.sha256")
    digest = _project_digest()
    if project.manifest_path.exists() and stamp.exists() and stamp.read_text() == digest:
        return project.manifest_path
    dbt = DbtCliResource(project_dir=project, dbt_executable=str(DBT_EXECUTABLE))
    dbt.cli(["--quiet", "parse"], target_path=project.target_path).wait()
    stamp.write_text(digest)
    return project.manifest_path


def built_relations(project: DbtProject = DBT_PROJECT) -> list[tuple[str, str]]:
    """(schema, table) of every seed and model the project builds, from the manifest."""
    manifest = json.loads(project.manifest_path.read_text(encoding="utf-8"))
    return sorted(
        (node["schema"], node["alias"])
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("seed", "model")
    )


def mart_descriptions(project: DbtProject = DBT_PROJECT) -> dict[str, TableDescription]:
    """The dbt docs of every mart (model and columns), from the manifest."""
    manifest = json.loads(project.manifest_path.read_text(encoding="utf-8"))
    return {
        node["name"]: TableDescription(
            description=node.get("description", ""),
            columns={name: c.get("description", "") for name, c in node["columns"].items()},
        )
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }


class BarometreDbtTranslator(DagsterDbtTranslator):
    """Asset keys and groups that read like the architecture: layer / model."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            # the raw tables, written by the raw_survey_exports multi-asset
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([_layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return _layer(dbt_resource_props)


def _layer(dbt_resource_props: Mapping[str, Any]) -> str:
    if dbt_resource_props["resource_type"] == "seed":
        return "codebook"
    return dbt_resource_props["fqn"][1]  # models/<layer>/...


@dbt_assets(
    manifest=ensure_manifest(),
    project=DBT_PROJECT,
    dagster_dbt_translator=BarometreDbtTranslator(),
)
def barometre_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, barometre: BarometreSettings
) -> Iterator[Any]:
    # profiles.yml reads the build database's path from the environment of the dbt process
    layout = barometre.layout
    os.environ[settings.BUILD_DB_ENV] = str(layout.build_db)
    if barometre.engine == "duckdb":
        yield from dbt.cli(["build"], context=context).stream()
        return
    os.environ[settings.RAW_PARQUET_ENV] = str(layout.raw_parquet_dir)
    os.environ[settings.SPARK_DIR_ENV] = str(layout.spark_dir)
    # Spark's catalog lives for one build: every table is written afresh
    shutil.rmtree(layout.spark_dir, ignore_errors=True)
    yield from dbt.cli(["build", "--target", "spark"], context=context).stream()
    imported = import_spark_tables(layout.build_db, layout.spark_dir, built_relations())
    context.log.info(f"{len(imported)} tables built on Spark copied into {layout.build_db}")


dbt_resource = DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=str(DBT_EXECUTABLE))
