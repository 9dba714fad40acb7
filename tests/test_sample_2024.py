"""The SYNTHETIC 2024 sample wave reproduces the headline figures of the Observatoire's 2024 report.

The figures are listed in seeds/survey_report_figures.csv (with the 2022 figures the report
recalls). Each is looked up in marts.survey_results of the warehouse published from the bundled
sample: its answer codes become the wave's answer labels (seeds/answer_crosswalk.csv), its item
code the wave's item label (seeds/survey_question_items.csv), and the shares of its answers are
added up (pct for a group base, pct_answered for "those shown the question").
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
from conftest import REPO_ROOT, SAMPLE_LANDING, PipelineRun

from barometre.synthetic.survey_calibrated import generate_wave

SEEDS = REPO_ROOT / "seeds"
TARGETS = sorted((REPO_ROOT / "barometre" / "synthetic" / "targets").glob("survey_*.csv"))
FIGURES = SEEDS / "survey_report_figures.csv"
THEMES = {
    "artificial_intelligence",
    "cybersecurity",
    "responsible_digital",
    "law_governance",
    "data_usage",
    "culture_skills",
    "infrastructure_technology",
}
TOLERANCE = 1.0  # points
FICTIVE = re.compile(r"fictif|fictive", re.IGNORECASE)

FIGURES_QUERY = """
with figures as (
    select row_number() over () as figure_id, *
    from read_csv($figures, header = true, all_varchar = true)
),
figure_answers as (
    select figure_id, unnest(string_split(answer_codes, '+')) as answer_code from figures
),
answers as (select * from read_csv($answers, header = true, all_varchar = true)),
items as (select * from read_csv($items, header = true, all_varchar = true)),
matched as (
    select
        figures.figure_id,
        results.wave is not null as is_found,
        case when figures.base = 'answered' then results.pct_answered else results.pct end as pct
    from figures
    inner join figure_answers on figures.figure_id = figure_answers.figure_id
    left join answers
        on figures.wave = answers.wave
        and figures.question_id = answers.question_id
        and figure_answers.answer_code = answers.answer_code
    left join items
        on figures.wave = items.wave
        and figures.question_id = items.question_id
        and figures.item_code = items.item_code
    left join marts.survey_results as results
        on cast(figures.wave as integer) = results.wave
        and figures.question_id = results.question_id
        and figures.group_label = results.group_label
        and answers.answer_label = results.answer_label
        and items.item_label is not distinct from results.item_label
)
select
    figures.wave, figures.question_id, figures.item_code, figures.answer_codes,
    figures.group_label, figures.base, cast(figures.pct_report as double) as pct_report,
    figures.report_quote,
    bool_and(matched.is_found) as is_found,
    sum(matched.pct) as pct
from figures
inner join matched on figures.figure_id = matched.figure_id
group by all
order by figures.wave, figures.question_id, figures.item_code, figures.group_label
"""


def figures_off(database: Path, figures: Path) -> list[str]:
    """Every figure of the file the warehouse does not reproduce within TOLERANCE, in words."""
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            FIGURES_QUERY,
            {
                "figures": str(figures),
                "answers": str(SEEDS / "answer_crosswalk.csv"),
                "items": str(SEEDS / "survey_question_items.csv"),
            },
        ).fetchall()
    assert rows, f"no figure read from {figures}"
    off = []
    for wave, question, item, codes, group, base, report, quote, is_found, pct in rows:
        where = f"{wave} {question}[{item or ''}] {codes} / {group} ({base} base)"
        if not is_found:
            off.append(f"{where}: not in marts.survey_results (codebook or figure row wrong)")
        elif abs(pct - report) > TOLERANCE:
            off.append(f"{where}: warehouse {pct:.1f}% vs report {report:.0f}% « {quote} »")
    return off


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_sample_reproduces_every_report_figure(sample_run: PipelineRun) -> None:
    off = figures_off(sample_run.published_db, FIGURES)
    assert not off, f"{len(off)} report figures not reproduced:\n" + "\n".join(off)


def test_a_figure_off_by_more_than_a_point_is_reported(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    rows = read_csv_rows(FIGURES)
    rows[0]["pct_report"] = str(int(rows[0]["pct_report"]) - 2)
    changed = tmp_path / "figures.csv"
    with changed.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    off = figures_off(sample_run.published_db, changed)
    assert len(off) == 1 and rows[0]["question_id"] in off[0], off


def test_the_figures_cover_every_theme() -> None:
    figures = [row for row in read_csv_rows(FIGURES) if row["wave"] == "2024"]
    themes = {
        (row["wave"], row["question_id"]): row["theme"]
        for row in read_csv_rows(SEEDS / "question_crosswalk.csv")
    }
    assert len(figures) >= 25
    assert {themes[(row["wave"], row["question_id"])] for row in figures} == THEMES


def test_the_2024_wave_is_the_generators_output_and_fictive(tmp_path: Path) -> None:
    written = generate_wave(tmp_path, "2024", 2024)
    for path in written:
        relative = path.relative_to(tmp_path)
        # A failure here means the generator or its targets changed: rerun `barometre sample`.
        assert path.read_bytes() == (SAMPLE_LANDING / relative).read_bytes(), f"{relative} drifted"
    reference = read_csv_rows(SAMPLE_LANDING / "survey/2024/respondents_reference.csv")
    assert len(reference) == 289
    assert all(FICTIVE.search(row["structure_name"]) for row in reference)


@pytest.mark.parametrize("targets", TARGETS, ids=lambda path: path.stem)
def test_every_target_count_of_the_generator_is_built_exactly(
    targets: Path, sample_run: PipelineRun
) -> None:
    """The generator's targets (question, item, answer, segment: n respondents) are counts of
    marts.survey_results, to the respondent: a segment is a group; "rest" is the Total minus
    the question's named segments; not_shown is the "Sans réponse" of a multi-select."""
    rows = read_csv_rows(targets)
    with duckdb.connect(str(sample_run.published_db), read_only=True) as connection:
        built = {
            tuple(cell): n
            for *cell, n in connection.execute(
                "select question_id, coalesce(item_code, ''), answer_code, group_label, n "
                "from marts.survey_results where wave = ?",
                [int(rows[0]["wave"])],
            ).fetchall()
        }
    segments = defaultdict(set)
    for row in rows:
        segments[row["question_id"]].add(row["segment"])
    wrong = []
    for row in rows:
        answer = "no_answer" if row["answer_code"] == "not_shown" else row["answer_code"]
        cell = (row["question_id"], row["item_code"], answer)
        if row["segment"] == "rest":
            named = segments[row["question_id"]] - {"rest"}
            n = built.get((*cell, "Total"), 0) - sum(built.get((*cell, s), 0) for s in named)
        else:
            n = built.get((*cell, row["segment"]))
        if n != int(row["n"]):
            wrong.append(f"{cell} {row['segment']}: built {n}, target {row['n']}")
    assert len(rows) > 200
    assert not wrong, f"{len(wrong)} of {len(rows)} targets missed:\n" + "\n".join(wrong[:20])
