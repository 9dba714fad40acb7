"""What the README promises of a publishing run beyond its tables, on one revision of a copy of
the session's warehouse: `--keep N` prunes the oldest releases, `--timings FILE` writes every
step's start and end, and the landing folder is only read."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import PipelineRun, copy_warehouse, release_id_of, revised_sample, run_pipeline

# Two releases older than the session's, made up (a release is a folder with its release.json)
OLDER_RELEASES = ("2022-2023-2024_20200101T000000Z", "2022-2023-2024_20210101T000000Z")


@dataclass(frozen=True)
class RevisionRun:
    run: PipelineRun
    first_release: str
    timings: Path
    landing_before: dict[str, tuple[int, int, bytes]]
    landing: Path


def landing_state(landing: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file and folder of a landing: its mode, modification time and content."""
    return {
        str(path.relative_to(landing)): (
            path.stat().st_mode,
            path.stat().st_mtime_ns,
            path.read_bytes() if path.is_file() else b"",
        )
        for path in sorted(landing.rglob("*"))
    }


@pytest.fixture(scope="module")
def revision_run(sample_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory) -> RevisionRun:
    folder = tmp_path_factory.mktemp("keep")
    warehouse = copy_warehouse(sample_run, folder / "warehouse")
    first = release_id_of(warehouse / "barometre.duckdb")
    for number, release_id in enumerate(OLDER_RELEASES):
        described = json.loads((warehouse / "releases" / first / "release.json").read_text())
        described |= {"release_id": release_id, "published_at": f"202{number}-01-01T00:00:00"}
        (warehouse / "releases" / release_id).mkdir()
        (warehouse / "releases" / release_id / "release.json").write_text(json.dumps(described))
    landing = revised_sample(folder / "landing", warehouse / "barometre.duckdb")
    before = landing_state(landing)
    timings = folder / "timings.json"

    run = run_pipeline(
        landing, warehouse, "--revise", "2023", "--keep", "2", "--timings", str(timings)
    )

    assert run.returncode == 0, run.output
    return RevisionRun(run, first, timings, before, landing)


def test_keep_n_keeps_the_n_newest_releases(revision_run: RevisionRun) -> None:
    releases = revision_run.run.warehouse / "releases"
    kept = sorted(path.name for path in releases.iterdir())
    new = release_id_of(revision_run.run.published_db)

    assert new != revision_run.first_release
    assert kept == sorted([revision_run.first_release, new])


def test_timings_holds_every_steps_start_and_end(revision_run: RevisionRun) -> None:
    steps = json.loads(revision_run.timings.read_text(encoding="utf-8"))["steps"]

    names = [step["step"] for step in steps]
    for stage in ("raw_survey_exports", "quality_gate", "published_warehouse"):
        assert any(stage in name for name in names), names
    assert all(0 < step["start"] <= step["end"] for step in steps)
    assert {step["status"] for step in steps} == {"STEP_SUCCESS"}


def test_the_landing_folder_is_only_read(revision_run: RevisionRun) -> None:
    assert landing_state(revision_run.landing) == revision_run.landing_before
