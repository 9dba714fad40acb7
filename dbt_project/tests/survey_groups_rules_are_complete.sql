-- The rules the models read from seeds/survey_groups.csv are whole: one total of every
-- respondent (a total without excluded_group), one default category, and every stratum splits
-- a category. One row per broken rule.
with groups as (

    select * from {{ ref('survey_groups') }}

)

select 'exactly one total of every respondent (group_kind total, no excluded_group)' as rule
from groups
where group_kind = 'total' and excluded_group is null
having count(*) <> 1

union all

select 'exactly one default category, of group_kind category' as rule
from groups
where is_default_category
having count(*) <> 1 or min(group_kind) <> 'category' or max(group_kind) <> 'category'

union all

select 'stratum ' || strata.group_label || ' splits no category (parent_group)' as rule
from groups as strata
left join groups as parents
    on strata.parent_group = parents.group_label
    and parents.group_kind = 'category'
where strata.group_kind = 'stratum' and parents.group_label is null
