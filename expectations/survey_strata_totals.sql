-- Per wave, the group sizes that must add up, by the rules of seeds/survey_groups.csv: the
-- categories to the total of every respondent, a split category's strata to the category, a
-- total leaving a group out to the total of every respondent minus that group, and a combined
-- group to the sum of its members (seeds/survey_group_members.csv). One row per wave and
-- summed group, with its size and the sum of its parts.
with sizes as (

    select distinct wave, group_label, n_group from marts.survey_results

),

groups as (

    select * from codebook.survey_groups

),

everyone as (

    select sizes.wave, sizes.group_label, sizes.n_group
    from sizes
    inner join groups
        on sizes.group_label = groups.group_label
        and groups.group_kind = 'total'
        and groups.excluded_group is null

),

parts as (

    select everyone.wave, everyone.group_label, sum(sizes.n_group) as n_parts
    from everyone
    inner join sizes
        on everyone.wave = sizes.wave
    inner join groups
        on sizes.group_label = groups.group_label
        and groups.group_kind = 'category'
    group by everyone.wave, everyone.group_label

    union all

    select sizes.wave, groups.parent_group as group_label, sum(sizes.n_group) as n_parts
    from sizes
    inner join groups
        on sizes.group_label = groups.group_label
        and groups.group_kind = 'stratum'
    group by sizes.wave, groups.parent_group

    union all

    select
        sizes.wave,
        sizes.group_label,
        everyone.n_group - coalesce(excluded.n_group, 0) as n_parts
    from sizes
    inner join groups
        on sizes.group_label = groups.group_label
        and groups.excluded_group is not null
    inner join everyone
        on sizes.wave = everyone.wave
    left join sizes as excluded
        on sizes.wave = excluded.wave
        and groups.excluded_group = excluded.group_label

    union all

    select combined.wave, combined.group_label, coalesce(sum(member_sizes.n_group), 0) as n_parts
    from sizes as combined
    inner join codebook.survey_group_members as members
        on combined.group_label = members.group_label
    left join sizes as member_sizes
        on combined.wave = member_sizes.wave
        and members.member_group = member_sizes.group_label
    group by combined.wave, combined.group_label

)

select parts.wave, parts.group_label, sizes.n_group, parts.n_parts
from parts
left join sizes
    on parts.wave = sizes.wave
    and parts.group_label = sizes.group_label
