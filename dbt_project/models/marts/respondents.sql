-- The retained respondents of every wave and how they are classified. No personal data: the
-- key is a hash of wave and response id, the body's name is not published.
select
    respondent_key,
    wave,
    response_id,
    category_label as category,
    stratum_label as stratum,
    stratum_label is distinct from 'Communes de moins de 3 500 hab.' as in_total_hors_communes_moins_3500,
    n_responses_from_body
from {{ ref('int_respondents_classified') }}
where is_retained
