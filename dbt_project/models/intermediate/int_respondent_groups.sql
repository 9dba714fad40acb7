-- Which reporting groups each retained respondent counts in (one row per respondent and group):
-- the two totals, its category, and for communes its population stratum.
with respondents as (

    select * from {{ ref('int_respondents_classified') }}
    where is_retained

),

memberships as (

    select respondent_key, wave, 'Total' as group_label from respondents

    union all

    -- "Autre" is included: only communes under 3 500 inhabitants are left out
    select respondent_key, wave, 'Total hors communes < 3500 habitants' as group_label
    from respondents
    where stratum_label is null or stratum_label <> 'Communes de moins de 3 500 hab.'

    union all

    select respondent_key, wave, category_label as group_label from respondents

    union all

    select respondent_key, wave, stratum_label as group_label
    from respondents
    where category_label = 'Une commune' and stratum_label is not null

)

select * from memberships
