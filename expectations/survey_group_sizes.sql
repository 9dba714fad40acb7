-- The size of every reporting group as built, beside the expected size held in the seed
-- expected_sample_sizes (a wave or group missing on either side shows as a null).
with built as (

    select distinct wave, group_label, n_group from marts.survey_results

)

select
    coalesce(built.wave, expected.wave) as wave,
    coalesce(built.group_label, expected.group_label) as group_label,
    built.n_group as n_built,
    expected.n_respondents as n_expected
from built
full outer join codebook.expected_sample_sizes as expected
    on built.wave = expected.wave
    and built.group_label = expected.group_label
where coalesce(built.wave, expected.wave) in (select wave from marts.respondents)
