-- Every raw response, classified and either retained or excluded with its reason, following
-- the Observatoire's rules (methodology note §2-3):
--   1. complete = the wave's completeness question is answered;
--   2. complete responses from the same body (same normalised name) are deduplicated, keeping
--      the fewest empty cells (export + reference columns), then the lowest response id;
--   3. category and commune stratum come from respondents_reference.csv, unmatched = "Autre".
-- A response listed several times in the reference takes its first row in file order (what
-- the Observatoire's join-then-deduplicate effectively kept).
-- Waves classified by the respondents themselves (2022) take category and stratum from their
-- answers, and deduplicate on the typed structure name.
with responses as (

    select * from {{ ref('stg_limesurvey__responses') }}

),

waves as (

    select * from {{ ref('survey_waves') }}

),

self_declared as (

    select
        answers.respondent_key,
        max(mapping.category) as category,
        max(mapping.stratum_label) as stratum_label
    from {{ ref('stg_limesurvey__answers') }} as answers
    inner join {{ ref('self_declared_structures') }} as mapping
        on answers.wave = mapping.wave
        and answers.question_id = mapping.question_id
        and answers.answer_value = mapping.answer_label
    inner join waves
        on answers.wave = waves.wave
        and waves.classification = 'self_declared'
    group by answers.respondent_key

),

reference as (

    select
        *,
        row_number() over (partition by wave, response_id order by source_row) as reference_rank
    from {{ ref('stg_limesurvey__respondents_reference') }}

),

completeness_answers as (

    select
        answers.respondent_key,
        answers.answer_status
    from {{ ref('stg_limesurvey__answers') }} as answers
    inner join {{ ref('survey_waves') }} as waves
        on answers.wave = waves.wave
        and answers.question_id = waves.completeness_question_id

),

categories as (

    select * from {{ ref('structure_categories') }}

),

classified as (

    select
        responses.respondent_key,
        responses.wave,
        responses.response_id,
        responses.is_submitted,
        responses.last_page,
        case
            when waves.classification = 'self_declared' then responses.typed_name_key
            else reference.normalised_name
        end as normalised_name,
        reference.siren,
        reference.population,
        coalesce(reference.category, self_declared.category) as category,
        coalesce(categories.category_label, 'Autre') as category_label,
        self_declared.stratum_label as declared_stratum_label,
        coalesce(completeness_answers.answer_status = 'answered', false) as is_complete,
        -- an unmatched response has its five reference cells empty
        responses.n_empty_cells + coalesce(reference.n_empty_reference_cells, 5) as n_empty_cells
    from responses
    left join waves
        on responses.wave = waves.wave
    left join reference
        on responses.wave = reference.wave
        and responses.response_id = reference.response_id
        and reference.reference_rank = 1
    left join self_declared
        on responses.respondent_key = self_declared.respondent_key
    left join categories
        on coalesce(reference.category, self_declared.category) = categories.category
    left join completeness_answers
        on responses.respondent_key = completeness_answers.respondent_key

),

ranked as (

    select
        *,
        -- responses without a normalised name fall into one group, as in the Observatoire's code
        row_number() over (
            partition by wave, is_complete, normalised_name
            order by n_empty_cells, response_id
        ) as rank_within_body,
        first_value(respondent_key) over (
            partition by wave, is_complete, normalised_name
            order by n_empty_cells, response_id
        ) as kept_respondent_key,
        first_value(response_id) over (
            partition by wave, is_complete, normalised_name
            order by n_empty_cells, response_id
        ) as kept_response_id,
        count(*) over (partition by wave, is_complete, normalised_name) as n_responses_from_body
    from classified

)

select
    respondent_key,
    wave,
    response_id,
    is_submitted,
    last_page,
    normalised_name,
    siren,
    population,
    category,
    category_label,
    case
        when category_label <> 'Une commune' then category_label
        when declared_stratum_label is not null then declared_stratum_label
        when population < 3500 then 'Communes de moins de 3 500 hab.'
        when population < 10000 then 'Communes de 3 500 à 10 000 hab.'
        when population < 100000 then 'Communes de 10 000 à 100 000 hab.'
        when population >= 100000 then 'Communes de plus de 100 000 hab.'
    end as stratum_label,
    is_complete,
    n_empty_cells,
    is_complete and rank_within_body = 1 as is_retained,
    case
        when not is_complete then 'incomplete'
        when rank_within_body > 1 then 'duplicate'
    end as exclusion_reason,
    case when is_complete and rank_within_body > 1 then kept_respondent_key end as duplicate_of_key,
    case when is_complete and rank_within_body > 1 then kept_response_id end as duplicate_of_response_id,
    case when is_complete then n_responses_from_body else 1 end as n_responses_from_body
from ranked
