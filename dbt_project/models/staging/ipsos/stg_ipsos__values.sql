-- Every non-missing value of each wave's file, one row per respondent and variable.
select
    wave,
    respondent_row,
    variable,
    value_number,
    value_text
from {{ source('raw', 'poll_values') }}
where value_number is not null or value_text is not null
