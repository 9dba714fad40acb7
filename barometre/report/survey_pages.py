"""The pages of the authorities' survey: one per theme, each question by group for the latest
wave, and its trend across waves on a fixed base."""

from __future__ import annotations

from collections import defaultdict
from html import escape

from barometre.codebook import no_answer_label, totals
from barometre.report.charts import (
    Bar,
    Category,
    Point,
    Series,
    StackedRow,
    bar_chart,
    line_chart,
    stacked_chart,
)
from barometre.report.comparison_pages import comparison_blocks
from barometre.report.data import Published, Questions, Row, groups, latest
from barometre.report.html import (
    code_line,
    figure,
    is_small,
    page,
    small_base_warning,
    theme_label,
    wording,
    wordings,
)

MAIN_GROUPS = tuple(totals())  # the Observatoire's two totals, shown first
NO_ANSWER = no_answer_label()
STACKED_TYPES = ("array", "ranking")


def survey_theme_page(theme: str, questions: Questions, data: Published, nav: str) -> str:
    sections = [
        _survey_question(question_id, by_wave, data.comparisons)
        for (question_id, _), by_wave in questions.items()
    ]
    title = f"Collectivités — {theme_label(theme)}"
    intro = (
        '<p class="note">Enquête auprès des collectivités. Pourcentages de l\'ensemble des '
        f"répondants du groupe (« {NO_ANSWER} » compris), comme les publie l'Observatoire.</p>"
    )
    return page(title, nav, intro + "".join(sections), data.release)


def _survey_question(
    question_id: str, by_wave: dict[int, list[Row]], comparisons: list[Row]
) -> str:
    wave, rows = latest(by_wave)
    question_type = rows[0]["question_type"]
    sizes = groups(rows)
    main = {g: n for g, n in sizes.items() if g in MAIN_GROUPS} or dict(list(sizes.items())[:1])
    others = {g: n for g, n in sizes.items() if n > 0}
    title = rows[0]["question_text"]
    parts = [
        f'<h2 id="{escape(question_id)}">{escape(title)}</h2>',
        code_line(question_id, question_type, f"survey-{question_id}"),
        figure(
            _survey_chart(question_id, rows, list(main), question_type, f"{title} ({wave})"),
            _survey_caption(rows, main, wave, question_type),
        ),
        "<details><summary>Tous les groupes (catégories et strates)</summary>"
        + figure(
            _survey_chart(question_id, rows, list(others), question_type, f"{title}, par groupe"),
            _survey_caption(rows, sizes, wave, question_type),
        )
        + "</details>",
        _survey_trend(question_id, by_wave, question_type),
    ]
    related = [c for c in comparisons if c["survey_question_id"] == question_id]
    if related:
        parts.append(comparison_blocks(related))
    return "<section>" + "".join(parts) + "</section>"


def _category_label(row: Row, question_type: str) -> str:
    if question_type == "multi_select" and row["item_label"]:
        return row["item_label"]
    return row["answer_label"]


def _survey_chart(
    question_id: str, rows: list[Row], groups: list[str], question_type: str, title: str
) -> str:
    wanted = [r for r in rows if r["group_label"] in groups]
    if question_type in STACKED_TYPES:
        return stacked_chart(question_id, _stacked_rows(wanted, groups), title)
    by_label: dict[str, dict[str, Row]] = defaultdict(dict)
    for row in wanted:
        by_label[_category_label(row, question_type)][row["group_label"]] = row
    categories = [
        Category(
            label,
            [
                Bar(g, cells[g]["pct"], small_base=is_small(cells[g]["n_group"]))
                for g in groups
                if g in cells
            ],
        )
        for label, cells in by_label.items()
    ]
    return bar_chart(question_id, categories, title)


def _stacked_rows(rows: list[Row], groups: list[str]) -> list[StackedRow]:
    cells: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        cells[(row["item_label"] or "", row["group_label"])].append(row)
    items = dict.fromkeys(row["item_label"] or "" for row in rows)
    stacked = []
    for item in items:
        for group in groups:
            answers = cells.get((item, group), [])
            if not answers:
                continue
            label = f"{item} — {group}" if len(groups) > 1 else item
            segments = [(a["answer_label"], a["pct"]) for a in answers]
            stacked.append(StackedRow(label, segments, is_small(answers[0]["n_group"])))
    return stacked


def _survey_caption(rows: list[Row], groups: dict[str, int], wave: int, question_type: str) -> str:
    bases = " ; ".join(f"{g} : {n} répondants" for g, n in groups.items())
    lines = [
        f'<p class="base">Base ({wave}) : {escape(bases)}.</p>',
        wording(wave, rows[0]["question_text"]),
    ]
    if question_type == "multi_select":
        lines.append('<p class="note">Plusieurs réponses possibles : le total dépasse 100 %.</p>')
    if question_type in STACKED_TYPES:
        answered = sorted({r["n_answered"] for r in rows if r["group_label"] in groups})
        if answered:
            lines.append(
                f'<p class="note">Ont répondu, selon la ligne : de {answered[0]:.0f} à '
                f"{answered[-1]:.0f}.</p>"
            )
    lines.append(small_base_warning(groups))
    return "".join(lines)


def _survey_trend(question_id: str, by_wave: dict[int, list[Row]], question_type: str) -> str:
    if len(by_wave) < 2:
        (wave,) = by_wave
        return (
            f'<p class="note trend-note">Une seule vague ({wave}) : pas de courbe '
            "d'évolution pour cette question.</p>"
        )
    present = [g for g in MAIN_GROUPS if all(groups(rows).get(g) for rows in by_wave.values())]
    group = present[0] if present else MAIN_GROUPS[0]
    # one line per harmonised answer (and item): its wording may change from wave to wave
    points: dict[tuple, dict[int, Point]] = defaultdict(dict)
    labels: dict[tuple, str] = {}
    for wave, rows in sorted(by_wave.items()):
        for row in _trend_rows([r for r in rows if r["group_label"] == group], question_type):
            item = row.get("item_code") or row["item_label"]
            answer = row.get("answer_code") or row["answer_label"]
            label = row.get("harmonised_label") or row["answer_label"]
            if question_type == "multi_select":
                key, labels[item, None] = (item, None), _category_label(row, question_type)
            elif question_type in STACKED_TYPES:
                key, labels[item, answer] = (item, answer), f"{row['item_label']} : {label}"
            else:
                key, labels[None, answer] = (None, answer), label
            points[key][wave] = Point(row["pct"])
    title = f"{by_wave[max(by_wave)][0]['question_text']} — évolution ({group})"
    series = [Series(labels[key], values) for key, values in points.items()]
    chart = line_chart(question_id, series, title)
    sizes = " ; ".join(f"{w} : {groups(r).get(group, 0)}" for w, r in sorted(by_wave.items()))
    caption = f'<p class="base">Base ({escape(group)}) : {escape(sizes)} répondants.</p>'
    caption += _comparability_warning(by_wave)
    caption += wordings({w: r[0]["question_text"] for w, r in by_wave.items()})
    return "<h3>Évolution</h3>" + figure(chart, caption)


def _comparability_warning(by_wave: dict[int, list[Row]]) -> str:
    changed = [
        str(wave)
        for wave, rows in sorted(by_wave.items())
        if rows[0].get("comparability") in ("scale_changed", "not_comparable")
    ]
    if not changed:
        return ""
    return (
        f'<p class="warning scale-change">Question ou échelle modifiée en {", ".join(changed)} : '
        "ces vagues ne se comparent pas directement à la précédente (voir le codebook).</p>"
    )


def _trend_rows(rows: list[Row], question_type: str) -> list[Row]:
    """The figures a trend follows: every answer, or for arrays and rankings each row's first
    answer on the scale (e.g. a yes), which keeps the chart readable."""
    kept = [r for r in rows if r["pct"] is not None]
    if question_type not in STACKED_TYPES:
        return kept
    first: dict[str, Row] = {}
    for row in kept:
        item = row["item_label"] or ""
        if row["answer_label"] != NO_ANSWER and (
            item not in first or row["answer_order"] < first[item]["answer_order"]
        ):
            first[item] = row
    return list(first.values())
