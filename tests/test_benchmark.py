"""The benchmark script end to end at scale 2 (the scaler's output must pass the quality gate
with the scaled seeds, and the baseline must rebuild the same marts); no timing assertion.
Marked bench: `make test-bench` runs it, `make test` leaves it out (three runs, about 100 s)."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from barometre import config
from barometre.database import MEMORY_LIMIT
from benchmarks.run import STAGES

pytestmark = pytest.mark.bench


def _seed_total(name: str, column: str, **where: str) -> int:
    with open(config.SEEDS_DIR / name, encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return sum(int(r[column]) for r in rows if all(r[k] == v for k, v in where.items()))


def test_the_benchmark_reports_every_stage_at_scale_2(tmp_path: Path) -> None:
    report_path = tmp_path / "bench.json"
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--scales", "2", "--work", str(tmp_path)]
        + ["--json", str(report_path)],
        cwd=config.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "pipeline / baseline" in completed.stdout

    (result,) = json.loads(report_path.read_text(encoding="utf-8"))["scales"]
    assert result["scale"] == 2
    assert result["survey_respondents"] == 2 * _seed_total(
        "expected_sample_sizes.csv", "n_respondents", group_label="Total"
    )
    assert result["poll_respondents"] == 2 * _seed_total("poll_waves.csv", "n_expected")
    full, no_op = result["full_refresh"], result["no_op_refresh"]
    for stage in (*STAGES, "total"):
        assert full["stages"][stage]["wall_s"] > 0
        assert full["stages"][stage]["peak_mib"] > 0
    assert full["steps_run"] > len(STAGES)
    assert no_op["steps_run"] == 0  # nothing changed: no Dagster step ran
    assert no_op["stages"]["total"]["wall_s"] > 0
    assert result["baseline"]["same_marts_as_pipeline"] is True
    assert result["baseline"]["memory_limit"] == MEMORY_LIMIT
    assert result["baseline_uncapped"]["same_marts_as_pipeline"] is True
    assert result["ratio_pipeline_to_baseline"] > 0
    assert not list(config.REPO_ROOT.glob("scale_*")), "generated folders stay out of the repo"
