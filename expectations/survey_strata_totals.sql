-- Per wave, the group sizes that must add up: categories to the total, commune strata to
-- "Une commune", and the total without communes under 3 500 inhabitants.
with sizes as (

    select distinct results.wave, results.group_label, results.n_group, groups.group_kind
    from marts.survey_results as results
    inner join codebook.survey_groups as groups
        on results.group_label = groups.group_label

)

select
    wave,
    sum(case when group_label = 'Total' then n_group else 0 end) as n_total,
    sum(case when group_kind = 'category' then n_group else 0 end) as n_categories,
    sum(case when group_label = 'Une commune' then n_group else 0 end) as n_communes,
    sum(case when group_label like 'Communes de %' then n_group else 0 end) as n_commune_strata,
    sum(case when group_label = 'Total hors communes < 3500 habitants' then n_group else 0 end)
        as n_total_hors_moins_3500,
    sum(case when group_label = 'Total' then n_group else 0 end)
    - sum(case when group_label = 'Communes de moins de 3 500 hab.' then n_group else 0 end)
        as n_total_minus_moins_3500
from sizes
group by wave
