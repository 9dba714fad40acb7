-- The Observatoire's classification of respondents, typed. The typed structure name stays in
-- raw (free text); the normalised name is kept as the deduplication key.
with reference as (

    select * from {{ source('raw', 'respondents_reference') }}

),

typed as (

    select
        wave,
        source_row,
        {{ dbt.safe_cast('response_id', api.Column.translate_type('integer')) }} as response_id,
        nullif(trim(normalised_name), '') as normalised_name,
        nullif(replace(siren, ' ', ''), '') as siren,
        nullif(trim(cog), '') as cog,
        {{ dbt.safe_cast("nullif(trim(population), '')", api.Column.translate_type('integer')) }} as population,
        nullif(trim(category), '') as category
    from reference

)

select
    *,
    -- empty reference cells count in the Observatoire's "fewest empty cells" rule
    (case when normalised_name is null then 1 else 0 end)
    + (case when siren is null then 1 else 0 end)
    + (case when cog is null then 1 else 0 end)
    + (case when population is null then 1 else 0 end)
    + (case when category is null then 1 else 0 end) as n_empty_reference_cells
from typed
