{{ config(severity='warn') }}
-- Informational: the weighted sample matches the national margins of seeds/poll_margins.csv
-- within 1 point (exact for the synthetic sample; a pollster may weight to other targets).
with groups as (

    select * from {{ ref('int_poll_respondent_groups') }}

),

totals as (

    select wave, sum(weight) as total_weight
    from groups
    where breakdown_id = 'total'
    group by wave

),

margins as (

    select margins.*, scales.answer_key as group_key
    from {{ ref('poll_margins') }} as margins
    inner join {{ ref('poll_questions') }} as questions
        on margins.quota_1 = questions.question_id
    inner join {{ ref('poll_scales') }} as scales
        on questions.scale = scales.scale
        and margins.code_1 = scales.answer_code
    where margins.quota_2 is null
        and questions.wave = (select min(wave) from {{ ref('poll_questions') }})

),

observed as (

    select
        groups.wave,
        groups.breakdown_id,
        groups.group_key,
        100 * sum(groups.weight) / max(totals.total_weight) as weighted_pct
    from groups
    inner join totals
        on groups.wave = totals.wave
    group by groups.wave, groups.breakdown_id, groups.group_key

)

select observed.wave, margins.margin, margins.code_1, observed.weighted_pct, margins.share_pct
from margins
inner join observed
    on margins.quota_1 = observed.breakdown_id
    and margins.group_key = observed.group_key
where abs(observed.weighted_pct - margins.share_pct) > 1
