-- The columns the suite checks, and those naming a failing row.
select
    wave, question_id, item_id, answer_key, breakdown_id, group_label,
    pct_weighted, ci95_low, ci95_high, change_points
from marts.public_opinion
