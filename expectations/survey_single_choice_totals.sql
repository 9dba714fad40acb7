-- For one-answer questions (single choice, array row, ranking position), the shares of a
-- group, the no-answer row included, add up to 100.
select
    wave,
    question_id,
    item_label,
    group_label,
    sum(pct) as total_pct
from marts.survey_results
where question_type in ('single_choice', 'array', 'ranking') and n_group > 0
group by wave, question_id, item_label, group_label
