-- The delivered codebook: one row per variable and labelled code, the code as an integer.
select
    wave,
    variable,
    code_number,
    {{ dbt.safe_cast('code_number', api.Column.translate_type('integer')) }} as answer_code,
    code_text,
    {{ normalise_whitespace('label') }} as value_label
from {{ source('raw', 'poll_value_labels') }}
