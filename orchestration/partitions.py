"""Survey waves as Dagster partitions: a new wave folder in the landing is a new partition, and
a backfill of one partition reloads that wave (what depends on it is rebuilt from all waves)."""

from collections.abc import Sequence

import dagster as dg

SURVEY_WAVES = dg.DynamicPartitionsDefinition(name="survey_wave")
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def new_waves(instance: dg.DagsterInstance, waves: Sequence[int]) -> list[str]:
    """The landing's waves the instance does not know yet, in year order."""
    known = set(instance.get_dynamic_partitions(SURVEY_WAVES.name))
    return sorted({str(wave) for wave in waves} - known)


def every_wave_tags(partition_keys: Sequence[str]) -> dict[str, str]:
    """Run tags selecting every registered wave: one run loads them all (single-run backfill).
    Dynamic partitions keep the order they were added in, so the range is first to last."""
    return {RANGE_START_TAG: partition_keys[0], RANGE_END_TAG: partition_keys[-1]}


def sync_waves(instance: dg.DagsterInstance, waves: Sequence[int]) -> dict[str, str]:
    """Make the partitions the landing's waves (new ones added, those gone removed, as the
    landing sensor does); return the tags of a run over all of them (none without a wave)."""
    added = new_waves(instance, waves)
    if added:
        instance.add_dynamic_partitions(SURVEY_WAVES.name, added)
    in_landing = {str(wave) for wave in waves}
    for gone in set(instance.get_dynamic_partitions(SURVEY_WAVES.name)) - in_landing:
        instance.delete_dynamic_partition(SURVEY_WAVES.name, gone)
    keys = instance.get_dynamic_partitions(SURVEY_WAVES.name)
    return every_wave_tags(keys) if keys else {}
