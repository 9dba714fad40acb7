-- Which reporting groups each retained respondent counts in (one row per respondent and group):
-- its category, for a category split into strata its stratum, every total but those leaving
-- out one of its groups (seed survey_groups: group_kind, excluded_group), and every combined
-- group listing its category or stratum as a member (seed survey_group_members).
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

),

combined as (

    select
        categories_and_strata.respondent_key,
        categories_and_strata.wave,
        members.group_label
    from categories_and_strata
    inner join {{ ref('survey_group_members') }} as members
        on categories_and_strata.group_label = members.member_group

)

select * from totals
union all
select * from categories_and_strata
union all
select * from combined
