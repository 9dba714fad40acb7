-- Retained respondents per wave (their keys and classification are dbt's tests): the suite
-- checks that there are some, so it reads counts, not the mart's rows.
select wave, count(*) as n_respondents
from marts.respondents
group by wave
