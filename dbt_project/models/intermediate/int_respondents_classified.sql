-- Every raw response, classified and either retained or excluded with its reason, following
-- the Observatoire's rules (methodology note §2-3):
--   1. complete = the wave's completeness question is answered;
--   2. complete responses from the same body (same normalised name) are deduplicated, keeping
--      the fewest empty cells (export + reference columns), then the lowest response id;
--   3. category and commune stratum come from respondents_reference.csv, unmatched = the
--      default category; a category split into strata (seed survey_groups) gets the stratum of
--      its population.
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

groups as (

    select * from {{ ref('survey_groups') }}

),

default_category as (

    select group_label as category_label from groups where is_default_category

),

strata as (

    select * from groups where group_kind = 'stratum'

),

split_categories as (

    select distinct parent_group as category_label from strata

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
        coalesce(categories.category_label, default_category.category_label) as category_label,
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
    cross join default_category
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
    ranked.respondent_key,
    ranked.wave,
    ranked.response_id,
    ranked.is_submitted,
    ranked.last_page,
    ranked.normalised_name,
    ranked.siren,
    ranked.population,
    ranked.category,
    ranked.category_label,
    case
        when split_categories.category_label is null then ranked.category_label
        when ranked.declared_stratum_label is not null then ranked.declared_stratum_label
        else strata.group_label
    end as stratum_label,
    ranked.is_complete,
    ranked.n_empty_cells,
    ranked.is_complete and ranked.rank_within_body = 1 as is_retained,
    case
        when not ranked.is_complete then 'incomplete'
        when ranked.rank_within_body > 1 then 'duplicate'
    end as exclusion_reason,
    case
        when ranked.is_complete and ranked.rank_within_body > 1 then ranked.kept_respondent_key
    end as duplicate_of_key,
    case
        when ranked.is_complete and ranked.rank_within_body > 1 then ranked.kept_response_id
    end as duplicate_of_response_id,
    case when ranked.is_complete then ranked.n_responses_from_body else 1 end as n_responses_from_body
from ranked
left join split_categories
    on ranked.category_label = split_categories.category_label
-- the stratum whose bounds hold the population (lower bound inclusive, upper exclusive; an
-- empty bound is open); none for a population unknown
left join strata
    on ranked.category_label = strata.parent_group
    and (strata.population_min is null or ranked.population >= strata.population_min)
    and (strata.population_max is null or ranked.population < strata.population_max)
