"""When the warehouse refreshes by itself: a daily schedule during fieldwork, and a sensor on
the landing folder."""

import hashlib
from pathlib import Path

import dagster as dg

from barometre.ingest.landing import wave_folder_years
from barometre.release.run_state import unchanged_release
from orchestration.partitions import SURVEY_WAVES, every_wave_tags, new_waves
from orchestration.resources import BarometreSettings

# Every asset and check; a run is the same as `barometre run`.
refresh_job = dg.define_asset_job(
    "refresh_warehouse",
    selection=dg.AssetSelection.all(),
    description="The whole refresh, as `barometre run` does it: the landing's survey and poll "
    "waves loaded, the dbt models built and tested, the quality gate, and the marts published "
    "as a new release when their content changed.",
)


# Fieldwork runs from June to August (2023: 21 June - 31 August; 2024 poll: July).
@dg.schedule(
    job=refresh_job,
    cron_schedule="0 6 * 6-8 *",
    execution_timezone="Europe/Paris",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
def fieldwork_daily_refresh(
    context: dg.ScheduleEvaluationContext, barometre: BarometreSettings
) -> dg.RunRequest | dg.SkipReason:
    """The whole refresh, every registered survey wave included, unless nothing changed since
    the last successful run."""
    waves = context.instance.get_dynamic_partitions(SURVEY_WAVES.name)
    if not waves:
        return dg.SkipReason("no survey wave registered yet: the landing sensor registers them")
    unchanged = unchanged_release(barometre.run_inputs())
    if unchanged is not None:
        return dg.SkipReason(_nothing_changed(unchanged))
    return dg.RunRequest(tags=every_wave_tags(waves))


def _nothing_changed(release_id: str) -> str:
    return (
        "nothing changed since the last successful run (landing files, project, settings): "
        f"release {release_id} is current"
    )


def landing_fingerprint(landing: Path) -> str:
    """Name, size and modification time of every file of the landing's survey/ and poll/."""
    digest = hashlib.sha256()
    for folder in ("survey", "poll"):
        for path in sorted((landing / folder).rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(landing)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode()
                )
    return digest.hexdigest()


@dg.sensor(
    job=refresh_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED
)
def landing_sensor(
    context: dg.SensorEvaluationContext, barometre: BarometreSettings
) -> dg.SensorResult:
    """Starts a refresh when an export lands in, or changes in, or leaves the landing folder; a
    new wave folder becomes a new survey_wave partition first, and a wave folder gone is no
    longer one (the refresh removes it from raw, or refuses when it is published)."""
    fingerprint = landing_fingerprint(barometre.landing)
    if fingerprint == context.cursor:
        return dg.SensorResult(skip_reason="nothing new in the landing folder")
    in_landing = wave_folder_years(barometre.landing)
    known = context.instance.get_dynamic_partitions(SURVEY_WAVES.name)
    added = new_waves(context.instance, in_landing)
    gone = sorted(set(known) - {str(wave) for wave in in_landing})
    requests = [SURVEY_WAVES.build_add_request(added)] if added else []
    requests += [SURVEY_WAVES.build_delete_request(gone)] if gone else []
    waves = [wave for wave in [*known, *added] if wave not in gone]
    if not waves:
        return dg.SensorResult(
            skip_reason="no survey wave folder in the landing", dynamic_partitions_requests=requests
        )
    unchanged = unchanged_release(barometre.run_inputs())
    if unchanged is not None:  # files touched, not changed (the same content)
        return dg.SensorResult(
            skip_reason=_nothing_changed(unchanged),
            dynamic_partitions_requests=requests,
            cursor=fingerprint,
        )
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=fingerprint, tags=every_wave_tags(waves))],
        dynamic_partitions_requests=requests,
        cursor=fingerprint,
    )
