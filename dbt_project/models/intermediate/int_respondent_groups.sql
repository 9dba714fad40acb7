-- Which reporting groups each retained respondent counts in (one row per respondent and group):
-- its category, for a category split into strata its stratum, and every total but those
-- leaving out one of its groups (seed survey_groups: group_kind, excluded_group).
with respondents as (

    select * from {{ ref('int_respondents_classified') }}
    where is_retained

),

groups as (

    select * from {{ ref('survey_groups') }}

),

categories_and_strata as (

    select respondent_key, wave, category_label as group_label from respondents

    union all

    select respondents.respondent_key, respondents.wave, respondents.stratum_label as group_label
    from respondents
    inner join groups
        on respondents.stratum_label = groups.group_label
        and groups.group_kind = 'stratum'

),

totals as (

    select
        respondents.respondent_key,
        respondents.wave,
        groups.group_label
    from respondents
    inner join groups
        on groups.group_kind = 'total'
    left join categories_and_strata as excluded
        on respondents.respondent_key = excluded.respondent_key
        and groups.excluded_group = excluded.group_label
    where excluded.respondent_key is null

)

select * from totals
union all
select * from categories_and_strata
