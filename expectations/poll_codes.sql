-- One row per distinct value of a poll variable that has value labels or a harmonised scale,
-- with a problem when the value is not one of the file's labelled codes or not a code of the
-- variable's scale in seeds/poll_scales.csv. No problem = every code is in its codebook.
with poll_values as (

    select * from staging.stg_ipsos__values

),

labelled as (

    select distinct wave, variable from staging.stg_ipsos__value_labels

),

scaled as (

    select wave, variable, scale
    from intermediate.int_poll_variables_harmonised
    where scale is not null

),

checked as (

    select
        poll_values.wave,
        poll_values.variable,
        coalesce(cast(poll_values.value_number as varchar), poll_values.value_text) as value,
        count(*) as n_respondents,
        case
            when labelled.variable is not null and max(labels.code_text) is null
                then 'not among the value labels of the wave''s file'
            when scaled.scale is not null and max(scales.answer_key) is null
                then 'not a code of scale ' || scaled.scale || ' in seeds/poll_scales.csv'
        end as problem
    from poll_values
    left join labelled
        on poll_values.wave = labelled.wave
        and poll_values.variable = labelled.variable
    left join staging.stg_ipsos__value_labels as labels
        on poll_values.wave = labels.wave
        and poll_values.variable = labels.variable
        and (poll_values.value_number = labels.code_number or poll_values.value_text = labels.code_text)
    left join scaled
        on poll_values.wave = scaled.wave
        and poll_values.variable = scaled.variable
    left join codebook.poll_scales as scales
        on scaled.scale = scales.scale
        and poll_values.value_number = scales.answer_code
    where labelled.variable is not null or scaled.scale is not null
    group by
        poll_values.wave,
        poll_values.variable,
        poll_values.value_number,
        poll_values.value_text,
        labelled.variable,
        scaled.scale

)

select * from checked
