-- Every raw response left out of the results, with the reason: nothing is dropped silently.
select
    respondent_key,
    wave,
    response_id,
    exclusion_reason,
    duplicate_of_key,
    duplicate_of_response_id,
    is_submitted,
    last_page,
    n_empty_cells
from {{ ref('int_respondents_classified') }}
where not is_retained
