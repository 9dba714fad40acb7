-- Every row of a topic in seeds/citizen_authority_topics.csv names the same poll figure and the
-- same survey question, item, group and base (only the survey answer varies).
select topic
from {{ ref('citizen_authority_topics') }}
group by topic
having count(distinct concat(
    poll_question_id, '|', coalesce(poll_item_id, ''), '|', poll_answer_key, '|',
    survey_question_id, '|', coalesce(survey_item_label, ''), '|', survey_group_label, '|',
    survey_base
)) > 1
