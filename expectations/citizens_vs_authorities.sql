-- Each topic's citizens' and authorities' figures, with the gap recomputed from them.
select *, citizens_pct - authorities_pct as gap_recomputed
from marts.citizens_vs_authorities
