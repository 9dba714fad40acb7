"""How dbt models become Dagster assets: keys by layer folder, groups by layer unless a model
names its own group, as dagster-dbt's convention has it (`config.meta.dagster.group`)."""

from __future__ import annotations

import json

import dagster as dg

from orchestration.dbt.assets import DBT_PROJECT, BarometreDbtTranslator


def _model(name: str) -> dict:
    manifest = json.loads(DBT_PROJECT.manifest_path.read_text(encoding="utf-8"))
    return manifest["nodes"][f"model.barometre.{name}"]


def test_a_model_is_grouped_by_its_layer() -> None:
    translator = BarometreDbtTranslator()
    mart, harmonised = _model("survey_results"), _model("int_respondents_classified")

    assert translator.get_group_name(mart) == "marts"
    assert translator.get_group_name(harmonised) == "harmonised"
    assert translator.get_asset_key(harmonised) == dg.AssetKey(
        ["intermediate", "int_respondents_classified"]
    )


def test_a_group_named_in_the_model_config_wins_and_keeps_the_key() -> None:
    translator = BarometreDbtTranslator()
    mart = _model("survey_results")
    # what dbt writes for `config: {meta: {dagster: {group: ...}}}` (config.meta, copied to meta)
    meta = {"dagster": {"group": "marts_cybersecurity"}}
    themed = {**mart, "meta": meta, "config": {**mart["config"], "meta": meta}}

    assert translator.get_group_name(themed) == "marts_cybersecurity"
    assert translator.get_asset_key(themed) == translator.get_asset_key(mart)
