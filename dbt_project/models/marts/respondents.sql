-- The retained respondents of every wave and how they are classified. No personal data: the
-- key is a hash of wave and response id, the body's name is not published.
with respondents as (

    select * from {{ ref('int_respondents_classified') }}
    where is_retained

),

-- the group a total leaves out (seed survey_groups): not in_total_hors_communes_moins_3500
excluded as (

    select excluded_group from {{ ref('survey_groups') }}
    where group_kind = 'total' and excluded_group is not null

)

select
    respondents.respondent_key,
    respondents.wave,
    respondents.response_id,
    respondents.category_label as category,
    respondents.stratum_label as stratum,
    excluded.excluded_group is null as in_total_hors_communes_moins_3500,
    respondents.n_responses_from_body
from respondents
left join excluded
    on respondents.stratum_label = excluded.excluded_group
