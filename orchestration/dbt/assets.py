"""The dbt project as Dagster assets: one asset per seed and model, dbt tests as asset checks;
a whole build records its outcome in the quality gate's verdict."""

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from barometre import config
from barometre.quality.gate_verdict import DBT_BUILD_CHECK, AuditedBuild, record_verdict
from barometre.release.spark_import import import_spark_tables
from barometre.releases import DOCS_INDEX, current_release
from barometre.spark.connect import check_server
from orchestration.dbt.docs_site import as_published
from orchestration.dbt.manifest import built_relations, ensure_manifest, project_parse_state
from orchestration.dbt.resources import DBT_PROJECT, run_dbt
from orchestration.dbt.runs import PARTIAL_PARSE, keep_parse_state, new_run_folder
from orchestration.dbt.translator import BarometreDbtTranslator
from orchestration.resources import BUILD_DB_POOL, BarometreSettings

# what `dbt docs generate --no-compile` reads from a build instead of parsing and compiling again
_DOCS_INPUTS = ("manifest.json", PARTIAL_PARSE)
# dbt's unit tests check the SQL on fixed inputs, the same at every refresh: as dbt advises, they
# run where the code changes (make test: tests/test_dbt_unit_tests.py), not in every build
BUILD = ["build", "--exclude-resource-type", "unit_test"]


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
        run_folder = new_run_folder(
            layout, context.run.run_id, datetime.now(UTC), project_parse_state()
        )
        # a build of every model, tests included, is the gate's first check: its verdict is
        # recorded against what it built, passed or not (a subset proves nothing of the whole)
        whole = context.selected_asset_keys == barometre_dbt_models.keys
        try:
            if barometre.engine == "duckdb":
                build = run_dbt(dbt, BUILD, run_folder, layout, context)
                yield from build.stream()
            else:
                # every table is written afresh (a Connect server's catalog may still list
                # them: dbt replaces them)
                shutil.rmtree(layout.spark_dir, ignore_errors=True)
                remote = barometre.spark_remote
                if remote:
                    check_server(remote)
                spark = [*BUILD, "--target", "spark_connect" if remote else "spark"]
                build = run_dbt(dbt, spark, run_folder, layout, context, remote)
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


def start_dbt_docs(
    dbt: DbtCliResource, layout: config.WarehouseLayout, folder: Path
) -> Callable[[], None]:
    """Start writing dbt's documentation site of the last build (models, columns, tests,
    lineage, catalog) into `folder` as one self-contained page, its marts as the published file
    holds them; returns what waits for dbt and writes the page. dbt reuses the build's manifest
    and only reads the catalog from the build database, which it closes on exit."""
    artifacts = layout.dbt_artifacts_dir
    if not (artifacts / "manifest.json").is_file():
        raise dg.Failure(f"no dbt build artifacts in {artifacts}: materialise the dbt assets first")
    docs = ["--quiet", "docs", "generate", "--static", "--no-compile"]
    invocation = run_dbt(dbt, docs, artifacts, layout)

    def finish() -> None:
        invocation.wait()
        page = (artifacts / "static_index.html").read_text(encoding="utf-8")
        (folder / DOCS_INDEX).write_text(as_published(page), encoding="utf-8")

    return finish


def _keep_docs_inputs(target_path: Path, artifacts: Path) -> None:
    artifacts.mkdir(parents=True, exist_ok=True)
    for name in _DOCS_INPUTS:
        shutil.copyfile(target_path / name, artifacts / name)
