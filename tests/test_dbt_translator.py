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


def test_every_description_renders_as_written_in_the_ui() -> None:
    """The UI renders descriptions as Markdown: an angle bracket outside code is escaped, or
    `<warehouse>` would be taken for an HTML tag and disappear."""
    from orchestration.definitions import defs
    from orchestration.descriptions import markdown_text

    graph = defs.resolve_asset_graph()
    descriptions = {
        key.to_user_string(): graph.get(key).description for key in graph.get_all_asset_keys()
    }
    descriptions |= {
        key.to_user_string(): graph.get_check_spec(key).description
        for key in graph.asset_check_keys
    }
    descriptions["job refresh_warehouse"] = defs.resolve_job_def("refresh_warehouse").description
    missing = sorted(name for name, text in descriptions.items() if not text)
    assert not missing, f"{len(missing)} without a description: {missing[:5]}"
    unescaped = sorted(n for n, text in descriptions.items() if markdown_text(text) != text)
    assert not unescaped, f"angle brackets outside code: {unescaped[:5]}"
    published = descriptions["published_warehouse"]
    assert "`<warehouse>/barometre.duckdb`" in published


def test_a_dbt_test_check_is_described_by_its_test_and_columns() -> None:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    descriptions = {
        key.name: graph.get_check_spec(key).description for key in graph.asset_check_keys
    }
    assert descriptions["unique_stg_limesurvey__personal_values_value"] == (
        "dbt test `unique` on column `value`"
    )
    # one test per table checks the columns its YAML declares never null
    assert descriptions["not_null_constraints_int_group_populations_"] == (
        "dbt test `not_null_constraints`; never null: `wave`, `group_label`, `n_population`"
    )


def test_markdown_text_escapes_outside_code_only() -> None:
    from orchestration.descriptions import markdown_text

    text = "in <warehouse>/x, `<landing>/poll`\n```sql\nwhere a < b\n```\nand a > b"
    assert markdown_text(text) == (
        "in \\<warehouse\\>/x, `<landing>/poll`\n```sql\nwhere a < b\n```\nand a \\> b"
    )


def test_the_dbt_resource_skips_dagster_dbts_start_up_costs_only_where_it_may() -> None:
    """The resource answers dbt's version without a `dbt --version` process and creates no
    in-process adapter: both methods must still be dagster-dbt's (an upgrade renaming them
    would bring the costs back unnoticed), and the version must be the executable's."""
    import subprocess

    from dagster_dbt import DbtCliResource

    from orchestration.dbt.resources import DBT_EXECUTABLE, dbt_resource

    overridden = ("_cli_version", "_initialize_dbt_core_adapter")
    assert all(hasattr(DbtCliResource, name) for name in overridden)
    printed = subprocess.run(
        [str(DBT_EXECUTABLE), "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert f"installed: {dbt_resource._cli_version}" in printed
    assert dbt_resource._initialize_dbt_core_adapter(["build"]) is None
