-- Per wave, the group sizes that must add up: categories to the total, commune strata to
-- "Une commune", and the total without communes under 3 500 inhabitants.
with sizes as (

    select distinct wave, group_label, n_group from marts.survey_results

)

select
    wave,
    sum(case when group_label = 'Total' then n_group else 0 end) as n_total,
    sum(case when group_label in (
        'Une commune', 'Un EPCI (hors métropole)', 'Une métropole', 'Un département',
        'Une région', 'Autre'
    ) then n_group else 0 end) as n_categories,
    sum(case when group_label = 'Une commune' then n_group else 0 end) as n_communes,
    sum(case when group_label like 'Communes de %' then n_group else 0 end) as n_commune_strata,
    sum(case when group_label = 'Total hors communes < 3500 habitants' then n_group else 0 end)
        as n_total_hors_moins_3500,
    sum(case when group_label = 'Total' then n_group else 0 end)
    - sum(case when group_label = 'Communes de moins de 3 500 hab.' then n_group else 0 end)
        as n_total_minus_moins_3500
from sizes
group by wave
