-- Every excluded response, with whether it is also counted as retained (it must not be) and
-- whether its duplicate link matches its reason.
select
    excluded.*,
    retained.respondent_key is not null as also_retained,
    (excluded.exclusion_reason = 'duplicate') = (excluded.duplicate_of_key is not null)
        as duplicate_link_consistent
from marts.excluded_responses as excluded
left join marts.respondents as retained
    on excluded.respondent_key = retained.respondent_key
