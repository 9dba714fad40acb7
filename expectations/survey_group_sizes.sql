-- The size of every reporting group as built, beside the expected size held in the seed
-- expected_sample_sizes (a wave or group missing on either side shows as a null), and the
-- wave's status (seed survey_waves): a wave in fieldwork has no final sizes yet.
with built as (

    select distinct wave, group_label, n_group from marts.survey_results

),

sizes as (

    select
        coalesce(built.wave, expected.wave) as wave,
        coalesce(built.group_label, expected.group_label) as group_label,
        built.n_group as n_built,
        expected.n_respondents as n_expected
    from built
    full outer join codebook.expected_sample_sizes as expected
        on built.wave = expected.wave
        and built.group_label = expected.group_label

)

select sizes.*, waves.status as wave_status
from sizes
left join codebook.survey_waves as waves
    on sizes.wave = waves.wave
where sizes.wave in (select wave from marts.respondents)
