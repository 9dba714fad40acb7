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
from barometre.publish import TableDescription
from barometre.run_state import tree_digest
from orchestration.resources import BarometreSettings

DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")
DBT_PROJECT = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.REPO_ROOT)

_MANIFEST_INPUTS = ("dbt_project.yml", "models", "macros", "tests")


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
    os.environ[settings.BUILD_DB_ENV] = str(barometre.layout.build_db)
    invocation = dbt.cli(["build"], context=context)
    yield from invocation.stream()
    _keep_partial_parse(invocation.target_path)


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
