"""The parsed dbt project: parsed once per version of the project, and what the pipeline reads
from it (the relations built, the marts' docs, how the published-figures guard reads a mart)."""

import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster_dbt import DbtProject

from barometre.quality.published_figures import GuardedMart
from barometre.release.descriptions import ForeignKey, French, TableDescription
from orchestration.dbt.resources import DBT_PROJECT, dbt_resource, run_dbt
from orchestration.dbt.runs import KEPT_PARSE_STATE, PARTIAL_PARSE


def ensure_manifest(project: DbtProject = DBT_PROJECT) -> Path:
    """The project's manifest, parsed by `dbt parse` when this version was never parsed, beside
    the parse state a new warehouse's first build starts from (`project_parse_state`). Parsed
    in a folder of this process's own and moved into place, the manifest last: processes
    loading the definitions at once (`dagster dev`'s code server and a CLI run, parallel tests)
    each find no manifest or a whole one with its parse state."""
    manifest = project.manifest_path
    state = project_parse_state(project)
    # (a cache from before the parse state was kept here is parsed again, once)
    if not (manifest.is_file() and state.is_file()):
        manifest.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".parse-", dir=manifest.parent) as private:
            run_dbt(dbt_resource, ["--quiet", "parse"], Path(private)).wait()
            if (Path(private) / PARTIAL_PARSE).is_file():  # not with dbt's partial parse off
                os.replace(Path(private) / PARTIAL_PARSE, state)
            os.replace(Path(private) / manifest.name, manifest)
    return manifest


def project_parse_state(project: DbtProject = DBT_PROJECT) -> Path:
    """dbt's parse state of this version of the project in this folder, valid for any DuckDB
    warehouse."""
    return project.manifest_path.with_name(KEPT_PARSE_STATE)


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
    """The dbt docs of every mart (model and columns, English and French), its grain and its
    references to other marts, from the manifest."""
    manifest = _manifest(project)
    marts = _marts(manifest)
    grains = _grains(manifest)
    names = {node["unique_id"]: node["name"] for node in marts}
    return {
        node["name"]: TableDescription(
            description=node.get("description", ""),
            columns={name: c.get("description", "") for name, c in node["columns"].items()},
            french=_french(node["config"].get("meta", {})),
            french_columns={
                name: french
                for name, c in node["columns"].items()
                if (french := _french(c.get("config", {}).get("meta", {})))
            },
            primary_key=grains.get(node["unique_id"], ()),
            foreign_keys=_foreign_keys(manifest, node["unique_id"], names, grains),
        )
        for node in marts
    }


def _french(meta: Mapping[str, Any]) -> French | None:
    text = meta.get("fr") or {}
    return French(text.get("title", ""), text.get("description", "")) if text else None


def _grains(manifest: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Each model's grain: the columns of its first uniqueness test."""
    grains: dict[str, tuple[str, ...]] = {}
    for node in manifest["nodes"].values():
        test = node.get("test_metadata") or {}
        if node["resource_type"] == "test" and node.get("attached_node") not in grains:
            if test.get("name") == "unique_combination_of_columns":
                grains[node["attached_node"]] = tuple(test["kwargs"]["columns"])
            elif test.get("name") == "unique":
                grains[node["attached_node"]] = (node["column_name"],)
    return grains


def _foreign_keys(
    manifest: Mapping[str, Any],
    mart: str,
    names: Mapping[str, str],
    grains: Mapping[str, tuple[str, ...]],
) -> tuple[ForeignKey, ...]:
    """The mart's relationships tests towards another mart's whole grain (a reference to part
    of a key, or to a seed, is no foreign key of the published tables)."""
    keys = []
    by_name = {name: unique_id for unique_id, name in names.items()}
    for node in manifest["nodes"].values():
        test = node.get("test_metadata") or {}
        if test.get("name") != "relationships" or node.get("attached_node") != mart:
            continue
        target = re.fullmatch(r"ref\('(\w+)'\)", test["kwargs"]["to"])
        field = test["kwargs"]["field"]
        if target and grains.get(by_name.get(target.group(1), "")) == (field,):
            keys.append(ForeignKey((node["column_name"],), target.group(1), (field,)))
    return tuple(sorted(keys, key=lambda key: key.columns))


def guarded_marts(project: DbtProject = DBT_PROJECT) -> list[GuardedMart]:
    """How the published-figures guard reads each mart: its grain is the columns of its
    uniqueness test, its wave columns and unguarded columns are in its YAML
    (`config.meta.published_figures`: `wave_columns`, default [wave]; `unguarded`)."""
    manifest = _manifest(project)
    grains = _grains(manifest)
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
