-- The public-opinion figures by theme, with harmonised question, item and answer ids, and the
-- change in points since the previous wave that asked the same item (2022 -> 2024): computed
-- only when the crosswalk grades both waves' question "comparable" (same wording and scale).
-- The change's 95% interval treats the two waves as independent samples.
{#- the normal 97.5% point of the seed ci95_quantiles, to two decimals -#}
{% set z = normal_quantile_975(2) %}
with results as (

    select * from {{ ref('poll_results') }}

),

item_waves as (

    select distinct wave, question_id, item_id from results

),

previous_waves as (

    select
        later.wave,
        later.question_id,
        later.item_id,
        max(earlier.wave) as previous_wave
    from item_waves as later
    inner join item_waves as earlier
        on later.question_id = earlier.question_id
        and coalesce(later.item_id, '') = coalesce(earlier.item_id, '')
        and earlier.wave < later.wave
    group by later.wave, later.question_id, later.item_id

),

paired as (

    select
        results.*,
        previous_waves.previous_wave,
        previous.pct_weighted as previous_pct_weighted,
        previous.pct_rounded as previous_pct_rounded,
        previous.standard_error as previous_standard_error,
        previous.comparability as previous_comparability,
        results.comparability = 'comparable'
            and previous.comparability = 'comparable' as is_comparable_with_previous
    from results
    left join previous_waves
        on results.wave = previous_waves.wave
        and results.question_id = previous_waves.question_id
        and coalesce(results.item_id, '') = coalesce(previous_waves.item_id, '')
    left join results as previous
        on previous.wave = previous_waves.previous_wave
        and previous.question_id = results.question_id
        and coalesce(previous.item_id, '') = coalesce(results.item_id, '')
        and previous.answer_kind = results.answer_kind
        and previous.answer_key = results.answer_key
        and previous.breakdown_id = results.breakdown_id
        and previous.group_label = results.group_label

),

changes as (

    select
        *,
        case
            when is_comparable_with_previous then pct_weighted - previous_pct_weighted
        end as change_points,
        case
            when is_comparable_with_previous
                then sqrt(standard_error * standard_error
                    + previous_standard_error * previous_standard_error)
        end as change_standard_error
    from paired

)

select
    wave,
    theme,
    question_id,
    question_text,
    item_id,
    item_label,
    answer_kind,
    answer_key,
    answer_label,
    breakdown_id,
    breakdown,
    group_label,
    base_unweighted,
    n_effective,
    pct_weighted,
    pct_rounded,
    ci95_low,
    ci95_high,
    small_base,
    comparability,
    previous_wave,
    previous_pct_weighted,
    previous_pct_rounded,
    coalesce(is_comparable_with_previous, false) as is_comparable_with_previous,
    change_points,
    case when change_points is not null then pct_rounded - previous_pct_rounded end
        as change_points_rounded,
    change_points - {{ z }} * change_standard_error as change_ci95_low,
    change_points + {{ z }} * change_standard_error as change_ci95_high,
    case
        when change_points is not null
            then abs(change_points) > {{ z }} * change_standard_error
    end as change_is_significant,
    question_order,
    item_order,
    answer_order,
    breakdown_order,
    group_order
from changes
