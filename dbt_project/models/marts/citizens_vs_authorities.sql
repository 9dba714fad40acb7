-- Citizens beside authorities on the same topic, where both exist: for each topic of the seed
-- citizen_authority_topics, the poll's weighted "Ensemble" share (one answer or net of one
-- question item) beside the authorities' share in the survey (one or more answers of one
-- question item, summed, for the seed's reporting group). Each poll wave is paired with the
-- NEAREST authority wave available (ties: the earlier one), as the survey and the poll are not
-- run the same years; wave_gap_years says how far apart they are.
with topics as (

    select * from {{ ref('citizen_authority_topics') }}

),

poll_side as (

    select distinct
        topic,
        topic_label,
        poll_question_id,
        poll_item_id,
        poll_answer_key,
        note
    from topics

),

citizens as (

    select
        poll_side.topic,
        poll_side.topic_label,
        poll_side.note,
        results.wave as poll_wave,
        results.question_id as poll_question_id,
        results.item_id as poll_item_id,
        results.question_text as poll_question_text,
        results.item_label as poll_item_label,
        results.answer_label as poll_answer_label,
        results.base_unweighted as citizens_base_unweighted,
        results.pct_weighted as citizens_pct,
        results.pct_rounded as citizens_pct_rounded,
        results.ci95_low as citizens_ci95_low,
        results.ci95_high as citizens_ci95_high
    from poll_side
    inner join {{ ref('poll_results') }} as results
        on results.question_id = poll_side.poll_question_id
        and coalesce(results.item_id, '') = coalesce(poll_side.poll_item_id, '')
        and results.answer_key = poll_side.poll_answer_key
        and results.breakdown_id = 'total'

),

authorities as (

    select
        topics.topic,
        survey.wave as survey_wave,
        topics.survey_question_id,
        topics.survey_item_label,
        topics.survey_group_label,
        topics.survey_base,
        max(survey.question_text) as survey_question_text,
        {{ listagg_ordered('survey.answer_label', "' + '", 'survey.answer_order') }} as survey_answer_labels,
        -- bigint: DuckDB would sum integers into a hugeint, Spark into a bigint
        cast(sum(survey.n) as bigint) as authorities_n,
        max(case when topics.survey_base = 'answered' then survey.n_answered else survey.n_group end)
            as authorities_base,
        -- from the counts (integers): the same figure whatever the order of the rows;
        -- 100e0 is a double on every engine (Spark reads 100.0 as a decimal)
        100e0 * sum(survey.n) / nullif(max(
            case when topics.survey_base = 'answered' then survey.n_answered else survey.n_group end
        ), 0) as authorities_pct
    from topics
    inner join {{ ref('survey_results') }} as survey
        on survey.question_id = topics.survey_question_id
        and coalesce(survey.item_label, '') = coalesce(topics.survey_item_label, '')
        and survey.answer_label = topics.survey_answer_label
        and survey.group_label = topics.survey_group_label
    group by
        topics.topic,
        survey.wave,
        topics.survey_question_id,
        topics.survey_item_label,
        topics.survey_group_label,
        topics.survey_base

),

pairs as (

    select
        citizens.*,
        authorities.survey_wave,
        authorities.survey_question_id,
        authorities.survey_question_text,
        authorities.survey_item_label,
        authorities.survey_answer_labels,
        authorities.survey_group_label,
        authorities.survey_base,
        authorities.authorities_n,
        authorities.authorities_base,
        authorities.authorities_pct,
        authorities.survey_wave - citizens.poll_wave as wave_gap_years,
        row_number() over (
            partition by citizens.topic, citizens.poll_wave
            order by abs(authorities.survey_wave - citizens.poll_wave), authorities.survey_wave
        ) as nearness_rank
    from citizens
    inner join authorities
        on citizens.topic = authorities.topic

)

select
    topic,
    topic_label,
    poll_wave,
    survey_wave,
    wave_gap_years,
    poll_question_id,
    poll_item_id,
    poll_question_text,
    poll_item_label,
    poll_answer_label,
    citizens_base_unweighted,
    citizens_pct,
    citizens_pct_rounded,
    citizens_ci95_low,
    citizens_ci95_high,
    survey_question_id,
    survey_question_text,
    survey_item_label,
    survey_answer_labels,
    survey_group_label,
    survey_base,
    authorities_n,
    authorities_base,
    authorities_pct,
    cast({{ round_half_even('authorities_pct') }} as {{ api.Column.translate_type('integer') }}) as authorities_pct_rounded,
    citizens_pct - authorities_pct as gap_points,
    note
from pairs
where nearness_rank = 1
