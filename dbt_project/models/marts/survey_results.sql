-- Every question of every wave tabulated by reporting group, as the Observatoire publishes it
-- (computed in int_survey_results; see its header for the rules).
select * from {{ ref('int_survey_results') }}
