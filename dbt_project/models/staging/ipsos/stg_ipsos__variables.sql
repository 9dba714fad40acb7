-- One row per variable of each wave's file, with its label whitespace-normalised.
select
    wave,
    variable,
    position as variable_position,
    {{ normalise_whitespace('label') }} as variable_label,
    value_type,
    spss_format
from {{ source('raw', 'poll_variables') }}
