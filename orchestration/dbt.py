"""The dbt project as Dagster assets: one asset per seed and model, dbt tests as asset checks."""

import importlib.metadata
import json
import os
import shutil
import sys
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from packaging import version

from barometre import settings
from barometre.publish import DOCS_INDEX, TableDescription
from barometre.run_lock import warehouse_run_lock
from barometre.run_state import tree_digest
from barometre.spark_import import import_spark_tables
from orchestration.resources import BUILD_DB_POOL, BarometreSettings

DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")
DBT_PROJECT = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.REPO_ROOT)

_MANIFEST_INPUTS = ("dbt_project.yml", "models", "macros", "tests")
# what `dbt docs generate --no-compile` reads from a build instead of parsing and compiling again
_DOCS_INPUTS = ("manifest.json", "partial_parse.msgpack")


def _project_digest() -> str:
    """Hash of everything `dbt parse` reads, to skip the parse when nothing changed."""
    roots = [settings.DBT_PROJECT_DIR / name for name in _MANIFEST_INPUTS]
    roots += [settings.SEEDS_DIR, settings.REPO_ROOT / "profiles.yml"]
    return tree_digest(roots, settings.REPO_ROOT)


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


# Groups named as the architecture names the layers; other folders give their own name.
_LAYER_GROUPS = {"intermediate": "harmonised"}


class BarometreDbtTranslator(DagsterDbtTranslator):
    """Asset keys that read like the architecture (layer / model) and groups by layer, unless a
    model names its own (`config.meta.dagster.group`, e.g. `marts_cybersecurity` for a theme)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            # the raw tables, written by the raw_survey_exports multi-asset
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([_layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        layer = _layer(dbt_resource_props)
        return super().get_group_name(dbt_resource_props) or _LAYER_GROUPS.get(layer, layer)


def _layer(dbt_resource_props: Mapping[str, Any]) -> str:
    if dbt_resource_props["resource_type"] == "seed":
        return "codebook"
    return dbt_resource_props["fqn"][1]  # models/<layer>/...


@dbt_assets(
    manifest=ensure_manifest(),
    project=DBT_PROJECT,
    dagster_dbt_translator=BarometreDbtTranslator(),
    pool=BUILD_DB_POOL,
)
def barometre_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, barometre: BarometreSettings
) -> Iterator[Any]:
    with warehouse_run_lock(barometre.layout.root, on_wait=context.log.warning):
        layout = barometre.layout
        _point_dbt_at(layout)
        if barometre.engine == "duckdb":
            build = dbt.cli(["build"], context=context)
            yield from build.stream()
        else:
            os.environ[settings.SPARK_DIR_ENV] = str(layout.spark_dir)
            # Spark's catalog lives for one build: every table is written afresh
            shutil.rmtree(layout.spark_dir, ignore_errors=True)
            build = dbt.cli(["build", "--target", "spark"], context=context)
            yield from build.stream()
            imported = import_spark_tables(layout.build_db, layout.spark_dir, built_relations())
            context.log.info(f"{len(imported)} tables built on Spark copied into {layout.build_db}")
        _keep_partial_parse(build.target_path)
        _keep_docs_inputs(build.target_path, layout.dbt_artifacts_dir)


def write_dbt_docs(dbt: DbtCliResource, layout: settings.WarehouseLayout, folder: Path) -> None:
    """dbt's documentation site of the last build (models, columns, tests, lineage, catalog) as
    one self-contained page; dbt reuses the build's manifest and only reads the catalog
    from the build database, which it closes on exit."""
    artifacts = layout.dbt_artifacts_dir
    if not (artifacts / "manifest.json").is_file():
        raise dg.Failure(f"no dbt build artifacts in {artifacts}: materialise the dbt assets first")
    _point_dbt_at(layout)
    dbt.cli(
        ["--quiet", "docs", "generate", "--static", "--no-compile"], target_path=artifacts
    ).wait()
    shutil.copyfile(artifacts / "static_index.html", folder / DOCS_INDEX)


def _point_dbt_at(layout: settings.WarehouseLayout) -> None:
    # profiles.yml reads the build database's and the raw Parquet's paths from the environment
    # of the dbt process
    os.environ[settings.BUILD_DB_ENV] = str(layout.build_db)
    os.environ[settings.RAW_PARQUET_ENV] = str(layout.raw_parquet_dir)


def _keep_docs_inputs(target_path: Path, artifacts: Path) -> None:
    artifacts.mkdir(parents=True, exist_ok=True)
    for name in _DOCS_INPUTS:
        shutil.copyfile(target_path / name, artifacts / name)


def _keep_partial_parse(run_target: Path) -> None:
    """Keep the build's parse state where the next build starts from (dagster-dbt copies it
    into each run's target folder). The state names the build database (the profile's path),
    so the one from `dbt parse` would make every build on a warehouse parse the project anew."""
    state = run_target / "partial_parse.msgpack"
    if state.exists():
        kept = DBT_PROJECT.project_dir / DBT_PROJECT.target_path / state.name
        temporary = kept.with_suffix(".tmp")
        shutil.copyfile(state, temporary)
        temporary.replace(kept)


class BarometreDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two start-up costs of each invocation that the
    pipeline does not need (each imports dbt anew, several seconds on a shared machine)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        # instead of running `dbt --version`: the dbt beside this interpreter is this dbt-core
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        # the in-process adapter only serves fetch_row_counts / fetch_column_metadata
        return None


dbt_resource = BarometreDbtCliResource(project_dir=DBT_PROJECT, dbt_executable=str(DBT_EXECUTABLE))
