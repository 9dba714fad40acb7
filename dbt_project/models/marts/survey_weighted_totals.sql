-- The Observatoire's "Total pondéré" (methodology note §4.6) and, beside it, a weighted
-- percentage of respondents with its unweighted base and its design-based sampling error.
-- Post-stratification: weight of a stratum = (national count / national total) divided by
-- (respondents in the stratum / all respondents). Only the strata of the seed
-- national_authority_counts are weighted: communes under 3 500 inhabitants and the default
-- category weigh 0.
-- Sampling error: the respondents of the weighted strata are a stratified sample of the
-- N = sum of N_h authorities of those strata, design weight N_h / n_h (proportional to the
-- Observatoire's weight, so pct_weighted is the design's estimate), finite population
-- correction 1 - n_h / N_h. Taylor linearisation of the ratio gives
--   Var(p) = sum over h of (N_h / N)^2 (1 - n_h / N_h) p_h (1 - p_h) / (n_h - 1),
-- p_h the share in stratum h; Kish's effective size (sum w)^2 / sum w^2 = N^2 / sum N_h^2 / n_h.
-- The 95% interval is p +/- t se, t Student's 97.5% point (macro t_quantile_975) with the
-- stratified design's degrees of freedom, respondents minus strata: sum over h of (n_h - 1).
with results as (

    select
        results.*,
        no_answer.answer_label is not null as is_no_answer
    from {{ ref('survey_results') }} as results
    -- the no-answer row (seed answer_conventions)
    left join {{ ref('answer_conventions') }} as no_answer
        on results.answer_label = no_answer.answer_label
        and no_answer.convention = 'no_answer'

),

-- the total of every respondent (seed survey_groups)
everyone as (

    select group_label from {{ ref('survey_groups') }}
    where group_kind = 'total' and excluded_group is null

),

thresholds as (

    select value as small_base from {{ ref('reporting_thresholds') }}
    where threshold = 'small_base'

),

national as (

    select * from {{ ref('national_authority_counts') }}

),

national_totals as (

    select wave, sum(national_count) as national_total
    from national
    where in_national_total
    group by wave

),

sample_sizes as (

    select distinct wave, group_label, n_group from results

),

weights as (

    select
        national.wave,
        national.group_label,
        national.national_count,
        sample_sizes.n_group,
        -- 1e0 is a double on every engine (Spark reads 1.0 as a decimal)
        (1e0 * national.national_count / national_totals.national_total)
        / (1e0 * sample_sizes.n_group / totals.n_group) as weight
    from national
    inner join national_totals on national.wave = national_totals.wave
    inner join sample_sizes
        on national.wave = sample_sizes.wave and national.group_label = sample_sizes.group_label
    inner join sample_sizes as totals
        on national.wave = totals.wave
    inner join everyone
        on totals.group_label = everyone.group_label
    where national.is_weighted_stratum and sample_sizes.n_group > 0

),

designs as (

    select
        wave,
        sum(national_count) as population,
        1e0 * sum(national_count) * sum(national_count)
            / sum(1e0 * national_count * national_count / n_group) as n_effective,
        sum(n_group - 1) as ci95_df,
        -- a lone respondent of a stratum of several authorities says nothing of its spread
        max(case when n_group = 1 and national_count > 1 then 1 else 0 end) as has_lone_respondent
    from weights
    group by wave

),

weighted as (

    select
        results.wave,
        results.theme,
        results.question_id,
        results.question_type,
        results.question_text,
        results.item_label,
        results.answer_label,
        results.is_no_answer,
        results.question_order,
        results.item_order,
        results.answer_order,
        sum(results.n * weights.weight) as weighted_n,
        sum(results.n_group * weights.weight) as weighted_base,
        sum(results.n_group) as base_unweighted,
        -- N^2 Var(p), summed over the strata
        sum(
            1e0 * weights.national_count * weights.national_count
            * (1e0 - 1e0 * results.n_group / weights.national_count)
            * (1e0 * results.n / results.n_group) * (1e0 - 1e0 * results.n / results.n_group)
            / greatest(results.n_group - 1, 1)
        ) as scaled_variance
    from results
    inner join weights
        on results.wave = weights.wave and results.group_label = weights.group_label
    group by
        results.wave, results.theme, results.question_id, results.question_type,
        results.question_text, results.item_label, results.answer_label, results.is_no_answer,
        results.question_order, results.item_order, results.answer_order

),

shares as (

    select
        *,
        -- one-answer questions: share of all answers of the item, no-answer row included;
        -- multi-select: share of the weighted ticks of all items (a share of mentions)
        100e0 * weighted_n / nullif(sum(case when question_type <> 'multi_select' or not is_no_answer then weighted_n end) over (
            partition by wave, question_id,
                case when question_type = 'multi_select' then null else item_label end
        ), 0) as pct_total_pondere,
        100e0 * weighted_n / nullif(weighted_base, 0) as pct_weighted
    from weighted

),

errors as (

    select
        shares.*,
        designs.n_effective,
        designs.ci95_df,
        case
            when designs.has_lone_respondent = 0
                then 100e0 * sqrt(shares.scaled_variance) / designs.population
        end as se
    from shares
    inner join designs
        on shares.wave = designs.wave

),

margins as (

    select
        *,
        {{ ci95_margin('se', 'ci95_df') }} as ci95_margin
    from errors

)

select
    wave,
    theme,
    question_id,
    question_type,
    question_text,
    item_label,
    answer_label,
    case
        when question_type = 'multi_select' and is_no_answer then null
        else pct_total_pondere
    end as pct_total_pondere,
    case
        when question_type = 'multi_select' and is_no_answer then null
        else cast({{ round_half_even('pct_total_pondere') }} as {{ api.Column.translate_type('integer') }})
    end as pct_total_pondere_rounded,
    pct_weighted,
    se,
    -- greatest and least skip nulls: no error, no interval
    case when ci95_margin is not null then greatest(0e0, pct_weighted - ci95_margin) end as ci95_low,
    case when ci95_margin is not null then least(100e0, pct_weighted + ci95_margin) end as ci95_high,
    cast(ci95_df as {{ api.Column.translate_type('integer') }}) as ci95_df,
    cast(base_unweighted as {{ api.Column.translate_type('integer') }}) as base_unweighted,
    n_effective,
    base_unweighted / n_effective as design_effect,
    n_effective < thresholds.small_base as small_base,
    question_order,
    item_order,
    answer_order
from margins
cross join thresholds
