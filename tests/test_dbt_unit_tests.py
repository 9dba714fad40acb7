"""dbt's unit tests (the deduplication and strata rules, whitespace normalisation, the poll
weighting, the significance of changes) check the SQL on fixed inputs: they run here, where the
code changes, and a refresh's build leaves them out (orchestration/dbt/assets.py), its inputs
being the same at every refresh."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import PipelineRun, dbt_on_build

from barometre import config
from orchestration.dbt.manifest import ensure_manifest


def test_every_unit_test_of_the_project_passes(sample_run: PipelineRun, tmp_path: Path) -> None:
    # the models' input relations are the sample's build (dbt reads their columns from them)
    build_db = shutil.copy(sample_run.build_db, tmp_path / "barometre_build.duckdb")

    completed, results = dbt_on_build(build_db, tmp_path, "test", "--select", "test_type:unit")

    assert completed.returncode == 0, completed.stdout[-3000:]
    ran = {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}
    expected = json.loads(ensure_manifest().read_text(encoding="utf-8"))["unit_tests"]
    assert len(expected) >= 5
    assert ran == dict.fromkeys(expected, "pass")


def test_a_refresh_builds_every_model_and_data_test_but_no_unit_test(
    sample_run: PipelineRun,
) -> None:
    layout = config.WarehouseLayout(sample_run.warehouse)
    (run_folder,) = sorted(layout.dbt_runs_dir.iterdir())
    results = json.loads((run_folder / "run_results.json").read_text(encoding="utf-8"))["results"]
    kinds = {r["unique_id"].split(".")[0] for r in results}

    assert "unit_test" not in kinds
    assert {"model", "seed", "test"} <= kinds
    assert {r["status"] for r in results} <= {"success", "pass"}
