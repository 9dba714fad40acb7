-- One row per poll respondent: a stable key (hash of wave and the pollster's respondent id), the
-- file's case number and the weight named for the wave in the seed poll_waves, also in whole
-- millionths: sums of integers are exact whatever the order, so reruns give identical figures.
with poll_values as (

    select * from {{ ref('stg_ipsos__values') }}

),

roles as (

    select wave, variable, variable_role
    from {{ ref('int_poll_variables_harmonised') }}
    where variable_role in ('respondent_id', 'weight') and in_file

),

pivoted as (

    select
        poll_values.wave,
        poll_values.respondent_row,
        max(case when roles.variable_role = 'respondent_id' then coalesce(
            poll_values.value_text,
            {{ dbt.cast(dbt.cast('poll_values.value_number', api.Column.translate_type('bigint')), api.Column.translate_type('string')) }}
        ) end) as respondent_id,
        max(case when roles.variable_role = 'weight' then poll_values.value_number end) as weight
    from poll_values
    inner join roles
        on poll_values.wave = roles.wave
        and poll_values.variable = roles.variable
    group by poll_values.wave, poll_values.respondent_row

)

select
    {{ respondent_key('wave', 'respondent_id') }} as respondent_key,
    wave,
    respondent_row,
    respondent_id,
    weight,
    {{ dbt.cast('round(weight * 1000000)', api.Column.translate_type('bigint')) }} as weight_millionths
from pivoted
