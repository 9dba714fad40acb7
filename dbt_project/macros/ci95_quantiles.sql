{#- The 95 % level of every interval lives in the seed ci95_quantiles (written from scipy by
    benchmarks/ci95_quantiles.py): the quantiles below are read from it, never typed. Neither
    DuckDB nor Spark SQL has a t quantile function; these are portable SQL expressions. -#}

{#- The standard normal's 97.5 % point, a scalar subquery on the seed; rounded to `digits`
    decimals when given (the poll marts' normal intervals). -#}
{% macro normal_quantile_975(digits=none) -%}
    (select
        {%- if digits is none %} max(normal.quantile_975)
        {%- else %} round(max(normal.quantile_975), {{ digits }})
        {%- endif %}
    from {{ ref('ci95_quantiles') }} as normal
    where normal.distribution = 'normal')
{%- endmacro %}

{#- Student's t's 97.5 % point with `degrees_of_freedom` degrees of freedom, a whole number given
    by an expression of the calling query (not named like a column of the seed, which would
    shadow it in the lookup). Where the seed has it (1 to 39) its exact value, joined on the
    degrees of freedom; beyond, the Cornish-Fisher expansion of t's quantile in the normal one z
    (Abramowitz and Stegun 26.7.5, to the fourth term), v the degrees of freedom:
        t = z + g1 / v + g2 / v^2 + g3 / v^3 + g4 / v^4
        g1 = (z^3 + z) / 4
        g2 = (5 z^5 + 16 z^3 + 3 z) / 96
        g3 = (3 z^7 + 19 z^5 + 17 z^3 - 15 z) / 384
        g4 = (79 z^9 + 776 z^7 + 1482 z^5 - 1920 z^3 - 945 z) / 92160
    written below in powers of s = z^2. From 40 degrees of freedom on it is within 1e-8 of the
    exact quantile (7e-9 at 40, 1e-10 from 100 on; tests/test_uncertainty.py checks 1 to 10 000
    against scipy). Null below 1 degree of freedom: no spread can be estimated. -#}
{% macro t_quantile_975(degrees_of_freedom) -%}
    {%- set z = normal_quantile_975() -%}
    {%- set s = 'power(' ~ z ~ ', 2)' -%}
    {%- set v = '(1e0 * (' ~ degrees_of_freedom ~ '))' -%}
    case when {{ degrees_of_freedom }} >= 1 then coalesce(
        (select max(student.quantile_975)
        from {{ ref('ci95_quantiles') }} as student
        where student.distribution = 'student_t'
            and student.degrees_of_freedom = {{ degrees_of_freedom }}),
        {{ z }} * (
            1e0
            + ({{ s }} + 1e0) / (4e0 * {{ v }})
            + ((5e0 * {{ s }} + 16e0) * {{ s }} + 3e0) / (96e0 * power({{ v }}, 2))
            + (((3e0 * {{ s }} + 19e0) * {{ s }} + 17e0) * {{ s }} - 15e0)
                / (384e0 * power({{ v }}, 3))
            + ((((79e0 * {{ s }} + 776e0) * {{ s }} + 1482e0) * {{ s }} - 1920e0) * {{ s }} - 945e0)
                / (92160e0 * power({{ v }}, 4))
        )
    ) end
{%- endmacro %}

{#- Half the width of a 95 % interval: t_quantile_975(degrees_of_freedom) standard errors. 0
    when the standard error is 0 (nothing varies: the interval is the point, whatever the
    degrees of freedom), null when it is null (no error, no interval). -#}
{% macro ci95_margin(standard_error, degrees_of_freedom) -%}
    case
        when {{ standard_error }} = 0 then 0e0
        else {{ t_quantile_975(degrees_of_freedom) }} * {{ standard_error }}
    end
{%- endmacro %}
