"""dbt's unit tests (the deduplication and strata rules, whitespace normalisation, the poll
weighting, the significance of changes) check the SQL on fixed inputs: they run here, where the
code changes, and a refresh's build leaves them out (orchestration/dbt/assets.py), its inputs
being the same at every refresh."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from conftest import REPO_ROOT, PipelineRun

from barometre import config
from orchestration.dbt.manifest import ensure_manifest, project_parse_state
from orchestration.dbt.resources import DBT_EXECUTABLE
from orchestration.dbt.runs import PARTIAL_PARSE


def _unit_tests_of_the_project() -> set[str]:
    manifest = json.loads(ensure_manifest().read_text(encoding="utf-8"))
    return set(manifest["unit_tests"])


def test_every_unit_test_of_the_project_passes(sample_run: PipelineRun, tmp_path: Path) -> None:
    # the models' input relations are the sample's build (dbt reads their columns from them)
    build_db = shutil.copy(sample_run.build_db, tmp_path / "barometre_build.duckdb")
    target = tmp_path / "target"
    target.mkdir()
    ensure_manifest()
    shutil.copyfile(project_parse_state(), target / PARTIAL_PARSE)  # no parse of the project
    environment = os.environ | {
        config.BUILD_DB_ENV: str(build_db),
        config.RAW_PARQUET_ENV: str(tmp_path / "raw_parquet"),
    }
    completed = subprocess.run(
        [str(DBT_EXECUTABLE), "test", "--select", "test_type:unit"]
        + ["--profiles-dir", str(REPO_ROOT), "--target-path", str(target)]
        + ["--log-path", str(tmp_path)],
        cwd=config.DBT_PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert completed.returncode == 0, completed.stdout[-3000:]
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    ran = {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}
    expected = _unit_tests_of_the_project()
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
