"""The landing sensor starts a refresh when an export lands or changes, and only then."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import (
    SAMPLE_EXPORT,
    SAMPLE_LANDING,
    PipelineRun,
    copy_landing,
    copy_warehouse,
    release_id_of,
)

from orchestration.automation import fieldwork_daily_refresh, landing_sensor
from orchestration.partitions import RANGE_END_TAG, RANGE_START_TAG, SURVEY_WAVES
from orchestration.resources import BarometreSettings


def evaluate(cursor: str | None, instance: dg.DagsterInstance) -> dg.SensorResult:
    context = dg.build_sensor_context(
        cursor=cursor, instance=instance, resources={"barometre": BarometreSettings()}
    )
    result = landing_sensor(context)
    for request in result.dynamic_partitions_requests or []:
        # what the sensor daemon does with the request
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, request.partition_keys)
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
    return result


@pytest.fixture
def watched_landing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sample landing the sensor watches, for a warehouse never built."""
    landing = copy_landing(SAMPLE_LANDING, tmp_path / "landing")
    monkeypatch.setenv("BAROMETRE_LANDING", str(landing))
    monkeypatch.setenv("BAROMETRE_WAREHOUSE", str(tmp_path / "warehouse"))  # never built
    return landing


def test_the_sensor_requests_a_refresh_only_when_the_landing_changes(
    watched_landing: Path,
) -> None:
    landing = watched_landing
    instance = dg.DagsterInstance.ephemeral()

    first = evaluate(None, instance)
    assert len(first.run_requests) == 1
    assert instance.get_dynamic_partitions(SURVEY_WAVES.name) == ["2022", "2023", "2024"]
    assert first.run_requests[0].tags == {RANGE_START_TAG: "2022", RANGE_END_TAG: "2024"}
    unchanged = evaluate(first.cursor, instance)
    assert not unchanged.run_requests
    assert unchanged.skip_reason is not None

    export = landing / SAMPLE_EXPORT
    export.write_bytes(export.read_bytes() + b"\n")
    os.utime(export, ns=(0, 1))  # another version of the export, as a copy would leave it
    changed = evaluate(first.cursor, instance)
    assert len(changed.run_requests) == 1
    assert changed.cursor != first.cursor
    assert not changed.dynamic_partitions_requests, "no new wave, no new partition"

    (landing / "survey" / "2025").mkdir()
    (landing / "survey" / "2025" / "results.csv").write_text("ID de la réponse\n")
    new_wave = evaluate(changed.cursor, instance)
    assert new_wave.run_requests, "a new wave is a new refresh"
    assert instance.get_dynamic_partitions(SURVEY_WAVES.name)[-1] == "2025", "and a partition"
    assert new_wave.run_requests[0].tags[RANGE_END_TAG] == "2025"

    shutil.rmtree(landing / "survey" / "2025")
    gone = evaluate(new_wave.cursor, instance)
    assert gone.run_requests, "a wave gone is a refresh (which removes it from raw)"
    assert instance.get_dynamic_partitions(SURVEY_WAVES.name) == ["2022", "2023", "2024"]
    assert gone.run_requests[0].tags[RANGE_END_TAG] == "2024"


def schedule(instance: dg.DagsterInstance) -> dg.RunRequest | dg.SkipReason:
    # closed on leaving: the context opens its own instance from the given one's ref and makes
    # it the process's current one, which a later definitions load would find closed
    with dg.build_schedule_context(
        instance=instance, resources={"barometre": BarometreSettings()}
    ) as context:
        return fieldwork_daily_refresh(context)


def test_the_sensor_requests_a_refresh_when_a_poll_export_changes(watched_landing: Path) -> None:
    landing = watched_landing
    instance = dg.DagsterInstance.ephemeral()
    first = evaluate(None, instance)
    (poll,) = (landing / "poll" / "2024").glob("*.sav")

    poll.write_bytes(poll.read_bytes() + b"\0")
    changed = evaluate(first.cursor, instance)
    (landing / "poll" / "2025").mkdir()
    (landing / "poll" / "2025" / "ipsos_2025.sav").write_bytes(b"")
    added = evaluate(changed.cursor, instance)

    assert len(changed.run_requests) == 1, "a changed poll export is a refresh"
    assert len(added.run_requests) == 1, "a new poll wave is a refresh"
    assert not evaluate(added.cursor, instance).run_requests


def test_the_schedule_refreshes_every_registered_wave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAROMETRE_WAREHOUSE", str(tmp_path / "warehouse"))
    instance = dg.DagsterInstance.local_temp(str(tmp_path))
    assert isinstance(schedule(instance), dg.SkipReason)
    instance.add_dynamic_partitions(SURVEY_WAVES.name, ["2022", "2023"])
    request = schedule(instance)
    assert request.tags == {RANGE_START_TAG: "2022", RANGE_END_TAG: "2023"}


def test_schedule_and_sensor_skip_a_run_that_would_change_nothing(
    sample_run: PipelineRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI's no-op check: the same landing files, project and settings as the last
    successful run, and the release it left current."""
    landing = copy_landing(SAMPLE_LANDING, tmp_path / "landing")
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    monkeypatch.setenv("BAROMETRE_LANDING", str(landing))
    monkeypatch.setenv("BAROMETRE_WAREHOUSE", str(warehouse))
    (tmp_path / "instance").mkdir()
    instance = dg.DagsterInstance.local_temp(str(tmp_path / "instance"))
    release = release_id_of(warehouse / "barometre.duckdb")

    touched = evaluate(None, instance)  # copied files: new modification times, same content
    nothing_changed = (
        "nothing changed since the last successful run (landing files, project, settings): "
        f"release {release} is current"
    )
    assert not touched.run_requests
    assert touched.skip_reason.skip_message == nothing_changed
    assert schedule(instance).skip_message == nothing_changed

    export = landing / SAMPLE_EXPORT
    export.write_bytes(export.read_bytes() + b"\n")
    assert len(evaluate(touched.cursor, instance).run_requests) == 1
    assert isinstance(schedule(instance), dg.RunRequest)


def test_a_backfill_of_one_wave_reloads_that_wave_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration.raw import raw_survey_exports

    warehouse = tmp_path / "warehouse"
    monkeypatch.setenv("BAROMETRE_LANDING", str(SAMPLE_LANDING))
    monkeypatch.setenv("BAROMETRE_WAREHOUSE", str(warehouse))
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(SURVEY_WAVES.name, ["2022", "2023", "2024"])
    result = dg.materialize(
        [raw_survey_exports],
        partition_key="2023",
        instance=instance,
        resources={"barometre": BarometreSettings()},
    )
    assert result.success
    with duckdb.connect(str(warehouse / "build" / "barometre_build.duckdb")) as connection:
        loaded = connection.execute("select distinct wave from raw.survey_loads").fetchall()
    assert loaded == [(2023,)]


def test_schedule_and_sensor_run_the_whole_refresh() -> None:
    from orchestration.definitions import defs

    job = defs.resolve_job_def("refresh_warehouse")
    every_asset = defs.resolve_asset_graph().get_all_asset_keys()
    assert job.asset_layer.selected_asset_keys == every_asset
    assert defs.resolve_schedule_def("fieldwork_daily_refresh").job_name == job.name
    assert defs.resolve_sensor_def("landing_sensor").job_name == job.name
