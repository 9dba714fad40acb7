-- Every row of the weighted poll results, plus how far Kish's effective size exceeds the
-- unweighted base (it never can: (Σw)²/Σw² <= n; rounding aside).
select
    *,
    n_effective - base_unweighted as n_effective_excess
from marts.poll_results
