-- Every single-choice, multi-select, array and ranking question of every wave, tabulated by
-- reporting group the way the Observatoire does (methodology note §4):
--   single choice, array row, ranking position: one row per answer plus the no-answer row
--     (not answered), base = all respondents of the group;
--   multi-select: one row per item counting ticks, plus the no-answer row counting those who
--     were not shown the question (N/A in its first item); answered base = the others.
-- The labels and orders of the no-answer row, of a ticked item and of a label the codebook does
-- not list are the seed answer_conventions'.
with answers as (

    select * from {{ ref('stg_limesurvey__answers') }}
    where column_kind in ('single_choice', 'multi_select', 'array', 'ranking')

),

memberships as (

    select * from {{ ref('int_respondent_groups') }}

),

columns as (

    select * from {{ ref('stg_limesurvey__columns') }}
    where column_kind in ('single_choice', 'multi_select', 'array', 'ranking')

),

waves as (

    select distinct wave from memberships

),

no_answer as (

    select answer_label, answer_order from {{ ref('answer_conventions') }}
    where convention = 'no_answer'

),

ticked as (

    select answer_label, answer_order from {{ ref('answer_conventions') }}
    where convention = 'ticked'

),

unlisted as (

    select answer_order from {{ ref('answer_conventions') }}
    where convention = 'unlisted'

),

groups as (

    select
        waves.wave,
        survey_groups.group_label,
        survey_groups.group_order,
        count(memberships.respondent_key) as n_group
    from waves
    cross join {{ ref('survey_groups') }} as survey_groups
    left join memberships
        on waves.wave = memberships.wave
        and survey_groups.group_label = memberships.group_label
    group by waves.wave, survey_groups.group_label, survey_groups.group_order, survey_groups.group_kind
    -- a category the wave does not use (2022's EPCI with métropoles, later waves') is left
    -- out; the totals and the combined comparison bases are in every wave
    having count(memberships.respondent_key) > 0
        or survey_groups.group_kind in ('total', 'combined')

),

group_answers as (

    select
        memberships.group_label,
        answers.*
    from answers
    inner join memberships
        on answers.respondent_key = memberships.respondent_key

),

-- single choice, array rows and ranking positions: one answer per column
one_answer_columns as (

    select * from columns where column_kind in ('single_choice', 'array', 'ranking')

),

answer_domain as (

    select
        one_answer_columns.wave,
        one_answer_columns.column_position,
        options.answer_label,
        options.answer_order
    from one_answer_columns
    inner join {{ ref('answer_crosswalk') }} as options
        on one_answer_columns.wave = options.wave
        and one_answer_columns.question_id = options.question_id

    union

    -- labels the codebook does not list still get counted (and flagged by the quality gate)
    select
        group_answers.wave,
        group_answers.column_position,
        group_answers.answer_value as answer_label,
        unlisted.answer_order
    from group_answers
    cross join unlisted
    left join {{ ref('answer_crosswalk') }} as options
        on group_answers.wave = options.wave
        and group_answers.question_id = options.question_id
        and group_answers.answer_value = options.answer_label
    where group_answers.column_kind in ('single_choice', 'array', 'ranking')
        and group_answers.answer_value is not null
        and options.answer_label is null

),

one_answer_counts as (

    select
        wave,
        column_position,
        group_label,
        answer_value,
        count(*) as n
    from group_answers
    where column_kind in ('single_choice', 'array', 'ranking') and answer_status = 'answered'
    group by wave, column_position, group_label, answer_value

),

one_answer_bases as (

    select
        wave,
        column_position,
        group_label,
        sum(case when answer_status = 'answered' then 1 else 0 end) as n_answered
    from group_answers
    where column_kind in ('single_choice', 'array', 'ranking')
    group by wave, column_position, group_label

),

one_answer_rows as (

    select
        one_answer_columns.wave,
        one_answer_columns.question_id,
        one_answer_columns.item_label,
        one_answer_columns.item_order,
        answer_domain.answer_label,
        answer_domain.answer_order,
        groups.group_label,
        groups.group_order,
        coalesce(one_answer_counts.n, 0) as n,
        coalesce(one_answer_bases.n_answered, 0) as n_answered,
        groups.n_group
    from one_answer_columns
    inner join answer_domain
        on one_answer_columns.wave = answer_domain.wave
        and one_answer_columns.column_position = answer_domain.column_position
    inner join groups
        on one_answer_columns.wave = groups.wave
    left join one_answer_counts
        on one_answer_columns.wave = one_answer_counts.wave
        and one_answer_columns.column_position = one_answer_counts.column_position
        and groups.group_label = one_answer_counts.group_label
        and answer_domain.answer_label = one_answer_counts.answer_value
    left join one_answer_bases
        on one_answer_columns.wave = one_answer_bases.wave
        and one_answer_columns.column_position = one_answer_bases.column_position
        and groups.group_label = one_answer_bases.group_label

    union all

    select
        one_answer_columns.wave,
        one_answer_columns.question_id,
        one_answer_columns.item_label,
        one_answer_columns.item_order,
        no_answer.answer_label,
        no_answer.answer_order,
        groups.group_label,
        groups.group_order,
        groups.n_group - coalesce(one_answer_bases.n_answered, 0) as n,
        coalesce(one_answer_bases.n_answered, 0) as n_answered,
        groups.n_group
    from one_answer_columns
    inner join groups
        on one_answer_columns.wave = groups.wave
    cross join no_answer
    left join one_answer_bases
        on one_answer_columns.wave = one_answer_bases.wave
        and one_answer_columns.column_position = one_answer_bases.column_position
        and groups.group_label = one_answer_bases.group_label

),

-- multi-select: one column per item, ticked or not; N/A in the first item = not shown
multi_columns as (

    select
        *,
        min(column_position) over (partition by wave, question_id) as first_item_position
    from columns
    where column_kind = 'multi_select'

),

multi_first_items as (

    select distinct wave, question_id, first_item_position from multi_columns

),

multi_not_shown as (

    select
        group_answers.wave,
        group_answers.question_id,
        group_answers.group_label,
        sum(case when group_answers.answer_status = 'not_shown' then 1 else 0 end) as n_not_shown
    from group_answers
    inner join multi_first_items
        on group_answers.wave = multi_first_items.wave
        and group_answers.column_position = multi_first_items.first_item_position
    group by group_answers.wave, group_answers.question_id, group_answers.group_label

),

multi_ticks as (

    select
        group_answers.wave,
        group_answers.column_position,
        group_answers.group_label,
        count(*) as n
    from group_answers
    inner join ticked
        on group_answers.answer_value = ticked.answer_label
    where group_answers.column_kind = 'multi_select'
    group by group_answers.wave, group_answers.column_position, group_answers.group_label

),

multi_rows as (

    select
        multi_columns.wave,
        multi_columns.question_id,
        multi_columns.item_label,
        multi_columns.item_order,
        ticked.answer_label,
        ticked.answer_order,
        groups.group_label,
        groups.group_order,
        coalesce(multi_ticks.n, 0) as n,
        groups.n_group - coalesce(multi_not_shown.n_not_shown, 0) as n_answered,
        groups.n_group
    from multi_columns
    inner join groups
        on multi_columns.wave = groups.wave
    cross join ticked
    left join multi_ticks
        on multi_columns.wave = multi_ticks.wave
        and multi_columns.column_position = multi_ticks.column_position
        and groups.group_label = multi_ticks.group_label
    left join multi_not_shown
        on multi_columns.wave = multi_not_shown.wave
        and multi_columns.question_id = multi_not_shown.question_id
        and groups.group_label = multi_not_shown.group_label

    union all

    select
        multi_first_items.wave,
        multi_first_items.question_id,
        cast(null as {{ api.Column.translate_type('string') }}) as item_label,
        cast(null as {{ api.Column.translate_type('integer') }}) as item_order,
        no_answer.answer_label,
        no_answer.answer_order,
        groups.group_label,
        groups.group_order,
        coalesce(multi_not_shown.n_not_shown, 0) as n,
        groups.n_group - coalesce(multi_not_shown.n_not_shown, 0) as n_answered,
        groups.n_group
    from multi_first_items
    inner join groups
        on multi_first_items.wave = groups.wave
    cross join no_answer
    left join multi_not_shown
        on multi_first_items.wave = multi_not_shown.wave
        and multi_first_items.question_id = multi_not_shown.question_id
        and groups.group_label = multi_not_shown.group_label

),

tabulated as (

    select * from one_answer_rows
    union all
    select * from multi_rows

),

questions as (

    select distinct wave, question_id, question_text, question_order, theme, question_type
    from columns

),

with_pct as (

    select
        tabulated.*,
        -- 100e0 is a double on every engine (Spark reads 100.0 as a decimal)
        100e0 * tabulated.n / nullif(tabulated.n_group, 0) as pct,
        case
            when no_answer.answer_label is null
                then 100e0 * tabulated.n / nullif(tabulated.n_answered, 0)
        end as pct_answered
    from tabulated
    left join no_answer
        on tabulated.answer_label = no_answer.answer_label

)

select
    with_pct.wave,
    questions.theme,
    with_pct.question_id,
    questions.question_type,
    questions.question_text,
    with_pct.item_label,
    with_pct.answer_label,
    with_pct.group_label,
    cast(with_pct.n as {{ api.Column.translate_type('integer') }}) as n,
    cast(with_pct.n_answered as {{ api.Column.translate_type('integer') }}) as n_answered,
    cast(with_pct.n_group as {{ api.Column.translate_type('integer') }}) as n_group,
    with_pct.pct,
    with_pct.pct_answered,
    cast({{ round_half_even('with_pct.pct') }} as {{ api.Column.translate_type('integer') }}) as pct_rounded,
    questions.question_order,
    with_pct.item_order,
    with_pct.answer_order,
    with_pct.group_order
from with_pct
inner join questions
    on with_pct.wave = questions.wave
    and with_pct.question_id = questions.question_id
