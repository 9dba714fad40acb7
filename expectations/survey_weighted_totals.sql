-- Weighted figures with, per item (one-answer questions) or per question (multi-select), the
-- total of the "Total pondéré" shares.
select
    *,
    sum(pct_total_pondere) over (
        partition by wave, question_id,
            case when question_type = 'multi_select' then null else item_label end
    ) as total_pondere_sum
from marts.survey_weighted_totals
