-- One row per loaded poll wave: load metadata, renamed.
select
    wave,
    file as file_name,
    sha256 as file_sha256,
    row_count as n_respondents,
    variable_count as n_variables,
    weight_variable,
    loaded_at
from {{ source('raw', 'poll_loads') }}
