-- survey_results in harmonised terms: every row gets its stable item and answer codes, the
-- harmonised answer label, the question's comparability with the previous wave that asked it,
-- and, on the same group (same base), that wave's percentage and the change in points.
-- The change is only given when the question is identical or only reworded since then.
-- Sampling error: a group's respondents are taken as a simple random sample, without
-- replacement, of its N authorities (int_group_populations), so the variance of a share p on
-- n respondents is (1 - n/N) p (1 - p) / (n - 1); a group with no defined population (the
-- totals, the default category) has no finite population correction and no interval. The
-- 95% interval is pct +/- t se, t Student's 97.5% point (macro t_quantile_975) with n - 1
-- degrees of freedom. Two waves are independent samples: a change's variance is the sum of
-- theirs, v = v1 + v2, its degrees of freedom Welch-Satterthwaite's
--   (v1 + v2)^2 / (v1^2 / (n1 - 1) + v2^2 / (n2 - 1)), rounded down,
-- and the change is significant when its 95% interval, change +/- t sqrt(v), leaves out 0.
with results as (

    select * from {{ ref('int_survey_results') }}

),

questions as (

    select wave, question_id, comparability from {{ ref('question_crosswalk') }}

),

items as (

    select wave, question_id, item_label, item_code from {{ ref('survey_question_items') }}

),

answers as (

    select wave, question_id, answer_label, answer_code, harmonised_label
    from {{ ref('answer_crosswalk') }}

),

-- the no-answer row has its own code, in every wave (seed answer_conventions)
no_answer as (

    select answer_label, answer_code from {{ ref('answer_conventions') }}
    where convention = 'no_answer'

),

populations as (

    select * from {{ ref('int_group_populations') }}

),

thresholds as (

    select value as small_base from {{ ref('reporting_thresholds') }}
    where threshold = 'small_base'

),

coded as (

    select
        results.*,
        questions.comparability,
        items.item_code,
        coalesce(no_answer.answer_code, answers.answer_code) as answer_code,
        coalesce(no_answer.answer_label, answers.harmonised_label) as harmonised_label
    from results
    inner join questions
        on results.wave = questions.wave
        and results.question_id = questions.question_id
    left join items
        on results.wave = items.wave
        and results.question_id = items.question_id
        and results.item_label = items.item_label
    left join answers
        on results.wave = answers.wave
        and results.question_id = answers.question_id
        and results.answer_label = answers.answer_label
    left join no_answer
        on results.answer_label = no_answer.answer_label

),

sampled as (

    select
        coded.*,
        populations.n_population,
        -- none when there are more respondents than authorities (the quality gate says so)
        case
            when populations.n_population is null then 1e0
            when coded.n_group <= populations.n_population
                then 1e0 - 1e0 * coded.n_group / populations.n_population
        end as finite_population_correction
    from coded
    left join populations
        on coded.wave = populations.wave
        and coded.group_label = populations.group_label

),

with_variance as (

    select
        *,
        -- a lone respondent says nothing of the spread, unless the group is all of one
        case
            when n_group > 1 or n_group = n_population
                then finite_population_correction * (1e0 * n / nullif(n_group, 0))
                    * (1e0 - 1e0 * n / nullif(n_group, 0)) / greatest(n_group - 1, 1)
        end as share_variance
    from sampled

),

with_previous as (

    select
        *,
        lag(share_variance) over (
            partition by question_id, item_code, answer_code, group_label order by wave
        ) as previous_share_variance,
        lag(n_group) over (
            partition by question_id, item_code, answer_code, group_label order by wave
        ) as previous_n_group,
        lag(wave) over (
            partition by question_id, item_code, answer_code, group_label order by wave
        ) as previous_wave,
        lag(pct) over (
            partition by question_id, item_code, answer_code, group_label order by wave
        ) as previous_pct,
        lag(pct_rounded) over (
            partition by question_id, item_code, answer_code, group_label order by wave
        ) as previous_pct_rounded
    from with_variance

),

changes as (

    select
        *,
        case
            when comparability in ('identical', 'reworded') then pct - previous_pct
        end as change_pts,
        case
            when comparability in ('identical', 'reworded') then pct_rounded - previous_pct_rounded
        end as change_pts_rounded
    from with_previous

),

errors as (

    select
        *,
        100 * sqrt(share_variance) as se,
        n_group - 1 as ci95_df,
        case
            when change_pts is not null then 100 * sqrt(share_variance + previous_share_variance)
        end as change_se,
        -- Welch-Satterthwaite, rounded down (1e-6 first: a whole number computed a hair under
        -- itself stays whole); none when neither wave varies (the interval is then the point)
        case
            when change_pts is not null and share_variance + previous_share_variance > 0
                then cast(floor(
                    power(share_variance + previous_share_variance, 2)
                    / (
                        power(share_variance, 2) / greatest(n_group - 1, 1)
                        + power(previous_share_variance, 2) / greatest(previous_n_group - 1, 1)
                    )
                    + 1e-6
                ) as {{ api.Column.translate_type('integer') }})
        end as change_df
    from changes

),

margins as (

    select
        *,
        {{ ci95_margin('se', 'ci95_df') }} as ci95_margin,
        {{ ci95_margin('change_se', 'change_df') }} as change_ci95_margin
    from errors

)

select
    wave,
    theme,
    question_id,
    question_type,
    question_text,
    comparability,
    item_code,
    item_label,
    answer_code,
    answer_label,
    harmonised_label,
    group_label,
    n,
    n_answered,
    n_group,
    n_population,
    n_group < thresholds.small_base as is_small_base,
    pct,
    pct_answered,
    pct_rounded,
    -- greatest and least skip nulls: no error (or no population), no interval
    case
        when n_population is not null and ci95_margin is not null
            then greatest(0e0, pct - ci95_margin)
    end as ci95_low,
    case
        when n_population is not null and ci95_margin is not null
            then least(100e0, pct + ci95_margin)
    end as ci95_high,
    previous_wave,
    previous_pct,
    change_pts,
    change_pts_rounded,
    change_se,
    change_df,
    change_pts - change_ci95_margin as change_ci95_low,
    change_pts + change_ci95_margin as change_ci95_high,
    -- no estimate of the variance (a lone respondent): not shown to be a change
    case
        when change_pts is not null then coalesce(abs(change_pts) > change_ci95_margin, false)
    end as change_significant,
    question_order,
    item_order,
    answer_order,
    group_order
from margins
cross join thresholds
