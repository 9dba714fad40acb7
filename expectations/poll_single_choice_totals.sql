-- Each poll variable holds one code per respondent: the weighted shares of its answers (nets
-- aside) add up to 100 in every group, and their counts to the base.
select
    wave,
    variable,
    breakdown_id,
    group_label,
    sum(pct_weighted) as total_pct,
    sum(n_unweighted) as total_n,
    max(base_unweighted) as base_unweighted
from marts.poll_results
where answer_kind = 'answer'
group by wave, variable, breakdown_id, group_label
