"""The dbt project as Dagster assets: one asset per seed and model, dbt tests as asset checks."""

import importlib.metadata
import json
import os
import shutil
import sys
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DbtCliInvocation,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)
from packaging import version

from barometre import settings
from barometre.dbt_runs import PARTIAL_PARSE, keep_parse_state, new_run_folder
from barometre.gate_verdict import DBT_BUILD_CHECK, AuditedBuild, record_verdict
from barometre.project import tree_digest
from barometre.publish import DOCS_INDEX, TableDescription, current_release
from barometre.published_figures import GuardedMart
from barometre.spark_import import import_spark_tables
from orchestration.resources import BUILD_DB_POOL, BarometreSettings

DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")
# The warehouse the definitions are loaded for (the CLI's --warehouse, else BAROMETRE_WAREHOUSE
# or ./warehouse): the dbt assets are defined from the manifest in its build/dbt/.
DEFINITIONS_WAREHOUSE = settings.warehouse()
DBT_PROJECT = DbtProject(
    project_dir=settings.DBT_PROJECT_DIR,
    profiles_dir=settings.REPO_ROOT,
    target_path=DEFINITIONS_WAREHOUSE.dbt_dir,
)

_MANIFEST_INPUTS = ("dbt_project.yml", "models", "macros", "tests")
# what `dbt docs generate --no-compile` reads from a build instead of parsing and compiling again
_DOCS_INPUTS = ("manifest.json", PARTIAL_PARSE)


def _project_digest() -> str:
    """Hash of everything `dbt parse` reads, to skip the parse when nothing changed."""
    roots = [settings.DBT_PROJECT_DIR / name for name in _MANIFEST_INPUTS]
    roots += [settings.SEEDS_DIR, settings.REPO_ROOT / "profiles.yml"]
    return tree_digest(roots, settings.REPO_ROOT)


def ensure_manifest(layout: settings.WarehouseLayout = DEFINITIONS_WAREHOUSE) -> Path:
    """The warehouse's dbt manifest: `dbt parse` runs only when the project changed since it
    was written, from the parse state of the warehouse's last dbt command."""
    manifest = layout.dbt_dir / "manifest.json"
    stamp = layout.dbt_dir / "barometre_manifest.sha256"
    digest = _project_digest()
    if manifest.exists() and stamp.exists() and stamp.read_text() == digest:
        return manifest
    dbt = DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=str(DBT_EXECUTABLE))
    _run_dbt(dbt, layout, ["--quiet", "parse"], layout.dbt_dir).wait()
    stamp.write_text(digest)
    return manifest


def _run_dbt(
    dbt: DbtCliResource,
    layout: settings.WarehouseLayout,
    args: Sequence[str],
    target: Path,
    context: dg.AssetExecutionContext | None = None,
) -> DbtCliInvocation:
    """Start a dbt command on the warehouse, writing its artefacts to `target` and its log to
    <warehouse>/logs/, never into the project. The one place dbt's environment is set:
    dagster-dbt hands this process's environment to dbt, whose profile and raw sources read
    the warehouse's paths from it."""
    os.environ[settings.BUILD_DB_ENV] = str(layout.build_db)
    os.environ[settings.RAW_PARQUET_ENV] = str(layout.raw_parquet_dir)
    os.environ[settings.SPARK_DIR_ENV] = str(layout.spark_dir)
    # a flag, as dagster-dbt sets DBT_LOG_PATH to the target folder
    log_path = ["--log-path", str(layout.logs_dir)]
    return dbt.cli([*args, *log_path], target_path=target, context=context)


def _manifest(project: DbtProject = DBT_PROJECT) -> dict[str, Any]:
    return json.loads(project.manifest_path.read_text(encoding="utf-8"))


def built_relations(project: DbtProject = DBT_PROJECT) -> list[tuple[str, str]]:
    """(schema, table) of every seed and model the project builds, from the manifest."""
    return sorted(
        (node["schema"], node["alias"])
        for node in _manifest(project)["nodes"].values()
        if node["resource_type"] in ("seed", "model")
    )


def _marts(manifest: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    ]


def mart_descriptions(project: DbtProject = DBT_PROJECT) -> dict[str, TableDescription]:
    """The dbt docs of every mart (model and columns), from the manifest."""
    return {
        node["name"]: TableDescription(
            description=node.get("description", ""),
            columns={name: c.get("description", "") for name, c in node["columns"].items()},
        )
        for node in _marts(_manifest(project))
    }


def guarded_marts(project: DbtProject = DBT_PROJECT) -> list[GuardedMart]:
    """How the published-figures guard reads each mart: its grain is the columns of its
    uniqueness test, its wave columns and unguarded columns are in its YAML
    (`config.meta.published_figures`: `wave_columns`, default [wave]; `unguarded`)."""
    manifest = _manifest(project)
    grains: dict[str, tuple[str, ...]] = {}
    for node in manifest["nodes"].values():
        test = node.get("test_metadata") or {}
        if node["resource_type"] == "test" and node.get("attached_node") not in grains:
            if test.get("name") == "unique_combination_of_columns":
                grains[node["attached_node"]] = tuple(test["kwargs"]["columns"])
            elif test.get("name") == "unique":
                grains[node["attached_node"]] = (node["column_name"],)
    marts = []
    for node in _marts(manifest):
        if node["unique_id"] not in grains:
            raise ValueError(
                f"mart {node['name']} has no uniqueness test (unique or "
                "unique_combination_of_columns) in its YAML: the published-figures guard needs "
                "its grain"
            )
        declared = node["config"].get("meta", {}).get("published_figures", {})
        marts.append(
            GuardedMart(
                table=node["name"],
                keys=grains[node["unique_id"]],
                wave_columns=tuple(declared.get("wave_columns", ["wave"])),
                unguarded=tuple(declared.get("unguarded", [])),
            )
        )
    return sorted(marts, key=lambda mart: mart.table)


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
    with barometre.run_lock(context.log):
        layout = barometre.layout
        run_folder = new_run_folder(layout, context.run.run_id, datetime.now(UTC))
        # a build of every model, tests included, is the gate's first check: its verdict is recorded
        # against what it built, passed or not (a subset proves nothing about the whole)
        whole = context.selected_asset_keys == barometre_dbt_models.keys
        try:
            if barometre.engine == "duckdb":
                build = _run_dbt(dbt, layout, ["build"], run_folder, context)
                yield from build.stream()
            else:
                # Spark's catalog lives for one build: every table is written afresh
                shutil.rmtree(layout.spark_dir, ignore_errors=True)
                build = _run_dbt(dbt, layout, ["build", "--target", "spark"], run_folder, context)
                yield from build.stream()
                imported = import_spark_tables(layout.build_db, layout.spark_dir, built_relations())
                context.log.info(
                    f"{len(imported)} tables built on Spark copied into {layout.build_db}"
                )
        except Exception:
            if whole and layout.build_db.exists():
                _record_dbt_build(context, barometre, passed=False)
            raise
        if whole:
            _record_dbt_build(context, barometre, passed=True)
        keep_parse_state(run_folder, layout)
        _keep_docs_inputs(run_folder, layout.dbt_artifacts_dir)


def _record_dbt_build(
    context: dg.AssetExecutionContext, barometre: BarometreSettings, passed: bool
) -> None:
    layout = barometre.layout
    release = current_release(layout)
    build = AuditedBuild.of_build_db(
        layout.build_db, release.release_id if release else None, barometre.revised_waves
    )
    record_verdict(layout, build, {DBT_BUILD_CHECK: passed}, context.run.run_id)


MART_KEYS = sorted(key for key in barometre_dbt_models.keys if key.path[0] == "marts")


def write_dbt_docs(dbt: DbtCliResource, layout: settings.WarehouseLayout, folder: Path) -> None:
    """dbt's documentation site of the last build (models, columns, tests, lineage, catalog) as
    one self-contained page; dbt reuses the build's manifest and only reads the catalog
    from the build database, which it closes on exit."""
    artifacts = layout.dbt_artifacts_dir
    if not (artifacts / "manifest.json").is_file():
        raise dg.Failure(f"no dbt build artifacts in {artifacts}: materialise the dbt assets first")
    _run_dbt(
        dbt, layout, ["--quiet", "docs", "generate", "--static", "--no-compile"], artifacts
    ).wait()
    shutil.copyfile(artifacts / "static_index.html", folder / DOCS_INDEX)


def _keep_docs_inputs(target_path: Path, artifacts: Path) -> None:
    artifacts.mkdir(parents=True, exist_ok=True)
    for name in _DOCS_INPUTS:
        shutil.copyfile(target_path / name, artifacts / name)


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
