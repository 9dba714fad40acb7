"""How dbt's nodes read as Dagster assets: keys that follow the architecture (layer / model) and
groups by layer, unless a model names its own."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtProject

from orchestration.descriptions import dbt_test_description, markdown_text

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

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        return markdown_text(super().get_description(dbt_resource_props))

    def get_asset_check_spec(
        self,
        asset_spec: dg.AssetSpec,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: DbtProject | None,
    ) -> dg.AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        test = manifest["nodes"][unique_id]
        tested = manifest["nodes"].get(test.get("attached_node") or "", {})
        return spec._replace(description=dbt_test_description(test, tested))


def _layer(dbt_resource_props: Mapping[str, Any]) -> str:
    if dbt_resource_props["resource_type"] == "seed":
        return "codebook"
    return dbt_resource_props["fqn"][1]  # models/<layer>/...
