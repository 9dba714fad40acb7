-- The national population of each reporting group that has one, per wave: how many authorities
-- its respondents were drawn from, for the finite population correction of its intervals.
-- A category or stratum has its count of the seed national_authority_counts. A combined group
-- has the sum of its members' counts (seed survey_group_members), and none when one of its
-- members has respondents in the wave but no count; a member with neither belongs to another
-- wave's questionnaire (2022's EPCI with métropoles). A total has none: it takes in the default
-- category (anything that is no authority), which no count can describe.
with counts as (

    select * from {{ ref('national_authority_counts') }}

),

groups as (

    select * from {{ ref('survey_groups') }}

),

sizes as (

    select wave, group_label, count(*) as n_respondents
    from {{ ref('int_respondent_groups') }}
    group by wave, group_label

),

waves as (

    select distinct wave from sizes

),

categories_and_strata as (

    select counts.wave, counts.group_label, counts.national_count as n_population
    from counts
    inner join groups
        on counts.group_label = groups.group_label
        and groups.group_kind in ('category', 'stratum')
    inner join waves
        on counts.wave = waves.wave

),

combined as (

    select
        waves.wave,
        members.group_label,
        case
            when count(case when counts.national_count is null then sizes.n_respondents end) = 0
                then sum(counts.national_count)
        end as n_population
    from waves
    cross join {{ ref('survey_group_members') }} as members
    left join counts
        on waves.wave = counts.wave
        and members.member_group = counts.group_label
    left join sizes
        on waves.wave = sizes.wave
        and members.member_group = sizes.group_label
    group by waves.wave, members.group_label

),

populations as (

    select * from categories_and_strata
    union all
    select * from combined

)

select
    wave,
    group_label,
    cast(n_population as {{ api.Column.translate_type('integer') }}) as n_population
from populations
where n_population is not null
