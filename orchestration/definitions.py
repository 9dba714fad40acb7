"""The one place where barometre's Dagster definitions are assembled."""

import dagster as dg

from orchestration.automation import fieldwork_daily_refresh, landing_sensor, refresh_job
from orchestration.dbt.assets import barometre_dbt_models
from orchestration.dbt.resources import dbt_resource
from orchestration.gate import quality_gate
from orchestration.instance import prepare_loading_instance
from orchestration.raw import raw_poll_exports, raw_survey_exports
from orchestration.release import published_warehouse
from orchestration.resources import BarometreSettings

defs = dg.Definitions(
    assets=[raw_survey_exports, raw_poll_exports, barometre_dbt_models, published_warehouse],
    asset_checks=[quality_gate],
    jobs=[refresh_job],
    schedules=[fieldwork_daily_refresh],
    sensors=[landing_sensor],
    resources={"dbt": dbt_resource, "barometre": BarometreSettings()},
)
prepare_loading_instance()
