-- Every question item of every poll wave, tabulated with the wave's weights for "Ensemble" and
-- each quota group: one row per answer code of the item's scale and per net (e.g. "Confiance
-- (tout à fait + assez)", answer_code '1+2'), counted or not. Base = the group's respondents who
-- answered the item. The 95% interval is p ± z·sqrt(p(1-p)/n_eff), with Kish's effective sample
-- size n_eff = (Σw)² / Σw² of the base, clipped to [0, 100]. Weights are summed in whole
-- millionths (exact integer sums, independent of the order): reruns give identical figures.
{#- the normal 97.5% point of the seed ci95_quantiles, to two decimals -#}
{% set z = normal_quantile_975(2) %}
{% set double = 'double' %}  {#- 64-bit float on DuckDB and Spark alike -#}
with answers as (

    select * from {{ ref('int_poll_answers_harmonised') }}

),

groups as (

    select * from {{ ref('int_poll_respondent_groups') }}

),

questions as (

    select *
    from {{ ref('int_poll_variables_harmonised') }}
    where variable_role = 'question' and in_file

),

scales as (

    select * from {{ ref('poll_scales') }}

),

thresholds as (

    select value as small_base from {{ ref('reporting_thresholds') }}
    where threshold = 'small_base'

),

answer_domain as (

    select
        questions.wave,
        questions.variable,
        'answer' as answer_kind,
        scales.answer_key,
        {{ dbt.cast('scales.answer_code', api.Column.translate_type('string')) }} as answer_code,
        scales.answer_label,
        scales.answer_order
    from questions
    inner join scales
        on questions.scale = scales.scale

    union all

    select
        questions.wave,
        questions.variable,
        'net' as answer_kind,
        scales.net_key as answer_key,
        {{ listagg_ordered(dbt.cast('scales.answer_code', api.Column.translate_type('string')), "'+'", 'scales.answer_code') }} as answer_code,
        max(scales.net_label) as answer_label,
        100 + min(scales.answer_order) as answer_order
    from questions
    inner join scales
        on questions.scale = scales.scale
    where scales.net_key is not null
    group by questions.wave, questions.variable, scales.net_key

),

group_answers as (

    select
        groups.breakdown_id,
        groups.group_label,
        answers.wave,
        answers.variable,
        answers.answer_key,
        answers.net_key,
        answers.weight_millionths
    from answers
    inner join groups
        on answers.respondent_key = groups.respondent_key

),

bases as (

    select
        wave,
        variable,
        breakdown_id,
        group_label,
        count(*) as base_unweighted,
        sum(weight_millionths) as base_weight_millionths,
        sum(weight_millionths * weight_millionths) as base_squared_weight_millionths
    from group_answers
    group by wave, variable, breakdown_id, group_label

),

counts as (

    select
        wave,
        variable,
        breakdown_id,
        group_label,
        'answer' as answer_kind,
        answer_key,
        count(*) as n_unweighted,
        sum(weight_millionths) as n_weight_millionths
    from group_answers
    where answer_key is not null
    group by wave, variable, breakdown_id, group_label, answer_key

    union all

    select
        wave,
        variable,
        breakdown_id,
        group_label,
        'net' as answer_kind,
        net_key as answer_key,
        count(*) as n_unweighted,
        sum(weight_millionths) as n_weight_millionths
    from group_answers
    where net_key is not null
    group by wave, variable, breakdown_id, group_label, net_key

),

group_list as (

    select distinct
        wave,
        breakdown_id,
        breakdown_label,
        breakdown_order,
        group_label,
        group_order
    from groups

),

tabulated as (

    select
        answer_domain.wave,
        answer_domain.variable,
        answer_domain.answer_kind,
        answer_domain.answer_key,
        answer_domain.answer_code,
        answer_domain.answer_label,
        answer_domain.answer_order,
        group_list.breakdown_id,
        group_list.breakdown_label,
        group_list.breakdown_order,
        group_list.group_label,
        group_list.group_order,
        coalesce(counts.n_unweighted, 0) as n_unweighted,
        {{ dbt.cast('coalesce(counts.n_weight_millionths, 0)', double) }} as n_weight,
        bases.base_unweighted,
        {{ dbt.cast('bases.base_weight_millionths', double) }} as base_weight,
        {{ dbt.cast('bases.base_squared_weight_millionths', double) }} as base_squared_weight
    from answer_domain
    inner join group_list
        on answer_domain.wave = group_list.wave
    inner join bases
        on answer_domain.wave = bases.wave
        and answer_domain.variable = bases.variable
        and group_list.breakdown_id = bases.breakdown_id
        and group_list.group_label = bases.group_label
    left join counts
        on answer_domain.wave = counts.wave
        and answer_domain.variable = counts.variable
        and group_list.breakdown_id = counts.breakdown_id
        and group_list.group_label = counts.group_label
        and answer_domain.answer_kind = counts.answer_kind
        and answer_domain.answer_key = counts.answer_key

),

shares as (

    select
        *,
        n_weight / base_weight as share,
        base_weight * base_weight / base_squared_weight as n_effective
    from tabulated

),

intervals as (

    select
        *,
        sqrt(share * (1 - share) / n_effective) as share_standard_error
    from shares

)

select
    shares.wave,
    questions.theme,
    questions.question_id,
    questions.question_text,
    questions.item_id,
    questions.item_label,
    shares.variable,
    shares.answer_kind,
    shares.answer_code,
    shares.answer_key,
    shares.answer_label,
    shares.breakdown_id,
    shares.breakdown_label as breakdown,
    shares.group_label,
    shares.n_unweighted,
    shares.base_unweighted,
    shares.n_weight / 1000000 as n_weighted,
    shares.base_weight / 1000000 as base_weighted,
    shares.n_effective,
    shares.base_unweighted / shares.n_effective as design_effect,
    100 * shares.share as pct_weighted,
    cast({{ round_half_even('100 * shares.share') }} as {{ api.Column.translate_type('integer') }}) as pct_rounded,
    100 * shares.share_standard_error as standard_error,
    greatest(0, 100 * (shares.share - {{ z }} * shares.share_standard_error)) as ci95_low,
    least(100, 100 * (shares.share + {{ z }} * shares.share_standard_error)) as ci95_high,
    shares.base_unweighted < thresholds.small_base as small_base,
    questions.comparability,
    questions.question_order,
    questions.item_order,
    shares.answer_order,
    shares.breakdown_order,
    shares.group_order
from intervals as shares
inner join questions
    on shares.wave = questions.wave
    and shares.variable = questions.variable
cross join thresholds
