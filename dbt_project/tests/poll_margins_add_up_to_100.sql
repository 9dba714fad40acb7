-- Each weighting margin of seeds/poll_margins.csv covers the whole adult population.
select margin, sum(share_pct) as total_pct
from {{ ref('poll_margins') }}
group by margin
having abs(sum(share_pct) - 100) > 0.001
