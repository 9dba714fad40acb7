-- One row per retained respondent and answered cell, every wave, with stable question, item
-- and answer codes beside the wave's own labels: cross-tabulate any two questions by joining
-- on respondent_key (and marts.respondents for the respondent's group).
select
    respondent_key,
    wave,
    question_id,
    question_type,
    item_code,
    item_label,
    answer_code,
    harmonised_label,
    answer_label
from {{ ref('int_survey_answers_harmonised') }}
