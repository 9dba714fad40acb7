"""The landing sensor starts a refresh when an export lands or changes, and only then."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pytest
from conftest import SAMPLE_EXPORT, SAMPLE_LANDING, copy_landing

from orchestration.automation import landing_sensor


def evaluate(cursor: str | None) -> dg.SensorResult:
    return landing_sensor(dg.build_sensor_context(cursor=cursor))


def test_the_sensor_requests_a_refresh_only_when_the_landing_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing = copy_landing(SAMPLE_LANDING, tmp_path / "landing")
    monkeypatch.setenv("BAROMETRE_LANDING", str(landing))

    first = evaluate(None)
    assert len(first.run_requests) == 1
    unchanged = evaluate(first.cursor)
    assert not unchanged.run_requests
    assert unchanged.skip_reason is not None

    export = landing / SAMPLE_EXPORT
    export.write_bytes(export.read_bytes() + b"\n")
    os.utime(export, ns=(0, 1))  # another version of the export, as a copy would leave it
    changed = evaluate(first.cursor)
    assert len(changed.run_requests) == 1
    assert changed.cursor != first.cursor

    (landing / "survey" / "2024").mkdir()
    (landing / "survey" / "2024" / "results.csv").write_text("ID de la réponse\n")
    assert evaluate(changed.cursor).run_requests, "a new wave is a new refresh"


def test_schedule_and_sensor_run_the_whole_refresh() -> None:
    from orchestration.definitions import defs

    job = defs.resolve_job_def("refresh_warehouse")
    every_asset = defs.resolve_asset_graph().get_all_asset_keys()
    assert job.asset_layer.selected_asset_keys == every_asset
    assert defs.resolve_schedule_def("fieldwork_daily_refresh").job_name == job.name
    assert defs.resolve_sensor_def("landing_sensor").job_name == job.name
