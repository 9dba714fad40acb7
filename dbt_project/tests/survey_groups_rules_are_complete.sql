-- The rules the models read from seeds/survey_groups.csv are whole: one total of every
-- respondent (a total without excluded_group), one default category, every stratum splits a
-- category, and every combined group (seed survey_group_members) has members, each a category
-- or a stratum, none inside another (a respondent counts once). One row per broken rule.
-- Reading two seeds, it says which one it checks (an asset check of survey_groups).
{{ config(meta={'dagster': {'ref': {'name': 'survey_groups'}}}) }}
with groups as (

    select * from {{ ref('survey_groups') }}

),

members as (

    select * from {{ ref('survey_group_members') }}

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

union all

select 'combined group ' || combined.group_label || ' has no member' as rule
from groups as combined
left join members
    on combined.group_label = members.group_label
where combined.group_kind = 'combined' and members.group_label is null

union all

select 'members of ' || members.group_label || ': a ' || coalesce(owner.group_kind, 'missing')
    || ' group has members, only a combined one may' as rule
from members
left join groups as owner
    on members.group_label = owner.group_label
where coalesce(owner.group_kind, '') <> 'combined'

union all

select 'member ' || members.member_group || ' of ' || members.group_label
    || ' is not a category or a stratum' as rule
from members
inner join groups as member
    on members.member_group = member.group_label
where member.group_kind not in ('category', 'stratum')

union all

select 'member ' || members.member_group || ' of ' || members.group_label
    || ' is a stratum of its member ' || member.parent_group as rule
from members
inner join groups as member
    on members.member_group = member.group_label
inner join members as parents
    on members.group_label = parents.group_label
    and member.parent_group = parents.member_group
