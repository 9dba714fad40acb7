-- One row per loaded survey wave: load metadata, renamed. The waves a build holds.
select
    wave,
    export_file,
    export_sha256,
    reference_file,
    reference_sha256,
    row_count as n_records,
    column_count as n_columns,
    loaded_at
from {{ source('raw', 'survey_loads') }}
