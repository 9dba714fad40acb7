-- Weighted figures with, per item (one-answer questions) or per question (multi-select), the
-- total of the "Total pondéré" shares, and how far Kish's effective size exceeds the unweighted
-- base (it never can: (sum w)^2 / sum w^2 <= n; rounding aside).
select
    *,
    sum(pct_total_pondere) over (
        partition by wave, question_id,
            case when question_type = 'multi_select' then null else item_label end
    ) as total_pondere_sum,
    n_effective - base_unweighted as n_effective_excess
from marts.survey_weighted_totals
