-- The published codebook, with the number of themes and types each question_id takes across
-- waves: a stable id keeps its theme.
select
    *,
    count(distinct theme) over (partition by question_id) as n_themes
from marts.codebook
