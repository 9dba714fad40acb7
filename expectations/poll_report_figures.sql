-- Each published report figure of a loaded poll wave beside the weighted result (a figure the
-- marts lack shows as a null pct_weighted).
select
    figures.wave,
    figures.question_id,
    figures.item_id,
    figures.answer_key,
    figures.group_label,
    figures.pct_report,
    results.pct_weighted,
    abs(results.pct_weighted - figures.pct_report) as gap_points
from codebook.poll_report_figures as figures
left join marts.poll_results as results
    on figures.wave = results.wave
    and figures.question_id = results.question_id
    and coalesce(figures.item_id, '') = coalesce(results.item_id, '')
    and figures.answer_key = results.answer_key
    and figures.group_label = results.group_label
where figures.wave in (select wave from staging.stg_ipsos__loads)
