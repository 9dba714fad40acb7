-- Problems between each loaded poll file and the crosswalk seeds/poll_questions.csv, one row per
-- variable: a file variable the crosswalk lacks (it would be silently left out), a crosswalk
-- variable the file lacks, a quota or question variable without a scale or not numeric.
select
    wave,
    variable,
    variable_role,
    case
        when variable_role = 'unknown'
            then 'in the file but not in seeds/poll_questions.csv: add it with its role'
        when not in_file
            then 'listed in seeds/poll_questions.csv but not in the wave''s file'
        when variable_role in ('quota', 'question') and scale is null
            then 'a quota or question variable needs a scale in seeds/poll_questions.csv'
        when variable_role in ('quota', 'question') and value_type <> 'number'
            then 'a quota or question variable must hold numeric codes'
    end as problem
from intermediate.int_poll_variables_harmonised
