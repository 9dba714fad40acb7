-- Per loaded poll wave: respondents, sum and smallest weight, the documented sample size.
select
    respondents.wave,
    count(*) as n_respondents,
    sum(respondents.weight) as weight_total,
    min(respondents.weight) as min_weight,
    waves.n_expected,
    100 * abs(sum(respondents.weight) - waves.n_expected) / waves.n_expected as total_gap_pct
from intermediate.int_poll_respondents as respondents
left join codebook.poll_waves as waves
    on respondents.wave = waves.wave
group by respondents.wave, waves.n_expected
