-- Every variable of every loaded poll file beside the crosswalk seed poll_questions (harmonised
-- question, item, answer scale, comparability) and the wave's weight and respondent id variables
-- from poll_waves. Crosswalk rows the file lacks are kept (in_file = false) and file variables
-- the crosswalk lacks get the role 'unknown': the poll_variables quality suite names both.
with variables as (

    select * from {{ ref('stg_ipsos__variables') }}

),

loaded_waves as (

    select wave from {{ ref('stg_ipsos__loads') }}

),

crosswalk as (

    select * from {{ ref('poll_questions') }}
    where wave in (select wave from loaded_waves)

),

waves as (

    select * from {{ ref('poll_waves') }}

),

matched as (

    select
        coalesce(variables.wave, crosswalk.wave) as wave,
        coalesce(variables.variable, crosswalk.variable) as variable,
        variables.variable_position,
        variables.variable_label,
        variables.value_type,
        crosswalk.variable_role as crosswalk_role,
        crosswalk.question_id,
        crosswalk.item_id,
        crosswalk.item_label,
        crosswalk.item_order,
        crosswalk.theme,
        crosswalk.question_order,
        crosswalk.question_text,
        crosswalk.scale,
        crosswalk.comparability,
        variables.variable is not null as in_file,
        crosswalk.variable is not null as in_crosswalk
    from variables
    full outer join crosswalk
        on variables.wave = crosswalk.wave
        and variables.variable = crosswalk.variable

)

select
    matched.wave,
    matched.variable,
    matched.variable_position,
    matched.variable_label,
    matched.value_type,
    case
        when matched.variable = waves.weight_variable then 'weight'
        when matched.variable = waves.respondent_id_variable then 'respondent_id'
        when matched.crosswalk_role is not null then matched.crosswalk_role
        else 'unknown'
    end as variable_role,
    matched.question_id,
    matched.item_id,
    matched.item_label,
    matched.item_order,
    matched.theme,
    matched.question_order,
    matched.question_text,
    matched.scale,
    matched.comparability,
    matched.in_file,
    matched.in_crosswalk
from matched
left join waves
    on matched.wave = waves.wave
