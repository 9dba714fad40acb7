"""When the warehouse refreshes by itself: a daily schedule during fieldwork, and a sensor on
the landing folder."""

import hashlib

import dagster as dg

from barometre import settings

# Every asset and check; a run is the same as `barometre run`.
refresh_job = dg.define_asset_job("refresh_warehouse", selection=dg.AssetSelection.all())

# Fieldwork runs from June to August (2023: 21 June - 31 August; 2024 poll: July).
fieldwork_daily_refresh = dg.ScheduleDefinition(
    name="fieldwork_daily_refresh",
    job=refresh_job,
    cron_schedule="0 6 * 6-8 *",
    execution_timezone="Europe/Paris",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)


def landing_fingerprint() -> str:
    """Name, size and modification time of every file of the landing's survey/ and poll/."""
    landing = settings.landing_dir()
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
def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    """Starts a refresh when an export lands in, or changes in, the landing folder."""
    fingerprint = landing_fingerprint()
    if fingerprint == context.cursor:
        return dg.SensorResult(skip_reason="nothing new in the landing folder")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=fingerprint)], cursor=fingerprint)
