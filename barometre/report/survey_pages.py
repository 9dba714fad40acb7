"""The pages of the authorities' survey: one per theme, each question for the two totals (with
the "Total pondéré" beside them where it exists) in the latest wave, every group in a table,
and its trend across waves on a fixed base, broken where the scale or the question changed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from barometre.codebook import default_category, no_answer_label, totals
from barometre.codebook import groups as survey_groups
from barometre.french import number, percent, points
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
    text,
    theme_label,
    wording,
    wordings,
)
from barometre.report.tables import Cell, DataTable, interval, table_html
from barometre.report.texts import question_type_label
from barometre.sources import survey_source

MAIN_GROUPS = tuple(totals())  # the Observatoire's two totals, shown first
NO_ANSWER = no_answer_label()
STACKED_TYPES = ("array", "ranking")
WEIGHTED = "Total pondéré"
# who weighs nothing in the "Total pondéré" (the Observatoire's rule)
UNWEIGHTED = [g.excluded for g in survey_groups() if g.excluded] + [default_category()]
# where a trend is broken, and why (the codebook's comparability grade)
BREAK_REASONS = {
    "scale_changed": "l'échelle de réponses ou le type de question a changé",
    "not_comparable": "la question porte sur autre chose, ou sous une autre forme",
}


def survey_theme_page(theme: str, questions: Questions, data: Published, nav: str) -> str:
    sections = [
        _survey_question(question_id, by_wave, data)
        for (question_id, _), by_wave in questions.items()
    ]
    title = f"Collectivités — {theme_label(theme)}"
    intro = (
        '<p class="note">'
        + text(
            "Enquête auprès des collectivités. Pourcentages de l'ensemble des répondants du "
            f"groupe (« {NO_ANSWER} » compris), comme les publie l'Observatoire. "
            f"« {WEIGHTED} » : le total redressé de l'Observatoire, sur les effectifs nationaux "
            "de collectivités."
        )
        + "</p>"
    )
    return page(title, nav, intro + "".join(sections), data.release)


def _survey_question(question_id: str, by_wave: dict[int, list[Row]], data: Published) -> str:
    wave, rows = latest(by_wave)
    question_type = rows[0]["question_type"]
    sizes = groups(rows)
    main = {g: n for g, n in sizes.items() if g in MAIN_GROUPS} or dict(list(sizes.items())[:1])
    weighted = data.weighted.get((wave, question_id), [])
    title = rows[0]["question_text"]
    main_rows = [r for r in rows if r["group_label"] in main]
    parts = [
        f'<h2 id="{question_id}">{text(title)}</h2>',
        code_line(question_id, question_type_label(question_type), f"survey-{question_id}"),
        figure(
            _survey_chart(
                question_id, main_rows, list(main), weighted, question_type, f"{title} ({wave})"
            ),
            _survey_caption(rows, main, wave, question_type, weighted),
            survey_source([wave]),
            _main_table(question_id, wave, main_rows, weighted, question_type),
        ),
        "<details><summary>Tous les groupes (catégories et strates)</summary>"
        + table_html(_groups_table(question_id, wave, rows, question_type))
        + _survey_caption(rows, sizes, wave, question_type, [])
        + "</details>",
        _survey_trend(question_id, by_wave, question_type),
    ]
    related = [c for c in data.comparisons if c["survey_question_id"] == question_id]
    if related:
        parts.append(comparison_blocks(related))
    return "<section>" + "".join(parts) + "</section>"


def _category_label(row: Row, question_type: str) -> str:
    if question_type == "multi_select" and row["item_label"]:
        return row["item_label"]
    return row["answer_label"]


def _weighted_interval(row: Row) -> tuple[float | None, float | None]:
    """The interval is that of the weighted share of respondents: shown on the "Total pondéré"
    bar only where the two are the same figure (not for a multi-select's share of mentions)."""
    low, high = row.get("ci95_low"), row.get("ci95_high")
    same = row["pct_total_pondere"] is not None and row.get("pct_weighted") is not None
    if same and abs(row["pct_total_pondere"] - row["pct_weighted"]) < 1e-9:
        return low, high
    return None, None


def _survey_chart(
    question_id: str,
    rows: list[Row],
    groups: list[str],
    weighted: list[Row],
    question_type: str,
    title: str,
) -> str:
    if question_type in STACKED_TYPES:
        return stacked_chart(question_id, _stacked_rows(rows, groups, weighted), title)
    by_label: dict[str, list[Bar]] = defaultdict(list)
    for group in groups:
        for row in rows:
            if row["group_label"] == group:
                by_label[_category_label(row, question_type)].append(
                    Bar(
                        group,
                        row["pct"],
                        row.get("ci95_low"),
                        row.get("ci95_high"),
                        small_base=is_small(row["n_group"]),
                    )
                )
    for row in weighted:
        label = _category_label(row, question_type)
        if label in by_label and row["pct_total_pondere"] is not None:
            low, high = _weighted_interval(row)
            by_label[label].append(
                Bar(WEIGHTED, row["pct_total_pondere"], low, high, bool(row["small_base"]))
            )
    return bar_chart(
        question_id, [Category(label, bars) for label, bars in by_label.items()], title
    )


def _stacked_rows(rows: list[Row], groups: list[str], weighted: list[Row]) -> list[StackedRow]:
    cells: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        cells[(row["item_label"] or "", row["group_label"])].append(row)
    for row in weighted:
        cells[(row["item_label"] or "", WEIGHTED)].append(row)
    items = dict.fromkeys(row["item_label"] or "" for row in rows)
    stacked = []
    for item in items:
        for group in [*groups, WEIGHTED]:
            answers = cells.get((item, group), [])
            if not answers:
                continue
            label = f"{item} — {group}"
            if group == WEIGHTED:
                segments = [(a["answer_label"], a["pct_total_pondere"]) for a in answers]
                stacked.append(StackedRow(label, segments, bool(answers[0]["small_base"])))
            else:
                segments = [(a["answer_label"], a["pct"]) for a in answers]
                stacked.append(StackedRow(label, segments, is_small(answers[0]["n_group"])))
    return stacked


def _survey_caption(
    rows: list[Row], groups: dict[str, int], wave: int, question_type: str, weighted: list[Row]
) -> str:
    bases = " ; ".join(f"{g} : {number(n)} répondants" for g, n in groups.items())
    lines = [_p("base", f"Base ({wave}) : {bases}.")]
    if weighted:
        base = weighted[0]
        effective = base.get("n_effective")
        extra = f", taille effective {number(effective)}" if effective is not None else ""
        nothing = " et ".join(UNWEIGHTED)
        lines.append(
            _p(
                "base",
                f"{WEIGHTED} : {number(base['base_unweighted'])} répondants des strates "
                f"pondérées{extra} (poids nul : {nothing}).",
            )
        )
        if base["small_base"]:
            lines.append(
                _p("warning small-base", f"⚠ {WEIGHTED} : base faible, à lire avec prudence.")
            )
    lines.append(wording(wave, rows[0]["question_text"]))
    if question_type == "multi_select":
        lines.append(_p("note", "Plusieurs réponses possibles : le total dépasse 100 %."))
    if question_type in STACKED_TYPES:
        answered = sorted({r["n_answered"] for r in rows if r["group_label"] in groups})
        if answered:
            low, high = number(answered[0]), number(answered[-1])
            lines.append(_p("note", f"Ont répondu, selon la ligne : de {low} à {high}."))
    if any(r.get("ci95_low") is not None for r in rows):
        lines.append(_p("note", "Trait : intervalle de confiance à 95 %."))
    lines.append(small_base_warning(groups))
    return "".join(lines)


def _p(kind: str, words: str) -> str:
    return f'<p class="{kind}">{text(words)}</p>'


def _interval(
    row: Row, bounds: Callable[[Row], tuple[float | None, float | None]] | None = None
) -> Cell:
    return interval(*(bounds(row) if bounds else (row.get("ci95_low"), row.get("ci95_high"))))


def _main_table(
    question_id: str, wave: int, rows: list[Row], weighted: list[Row], question_type: str
) -> DataTable:
    label = "Item" if question_type == "multi_select" else "Réponse"
    first = ["Item"] if question_type in STACKED_TYPES else []
    table_rows = [
        [
            *([r["item_label"] or ""] if first else []),
            _category_label(r, question_type),
            r["group_label"],
            Cell(percent(r["pct"]), r["pct"]),
            _interval(r),
            r["n"],
            r["n_group"],
        ]
        for r in rows
    ]
    table_rows += [
        [
            *([w["item_label"] or ""] if first else []),
            _category_label(w, question_type),
            WEIGHTED,
            Cell(percent(w["pct_total_pondere"]), w["pct_total_pondere"]),
            _interval(w, _weighted_interval),
            None,
            w["base_unweighted"],
        ]
        for w in weighted
    ]
    return DataTable(
        f"enquete-{question_id}-{wave}",
        f"{rows[0]['question_text']} ({wave}) : les totaux",
        [*first, label, "Groupe", "%", "IC à 95 %", "Effectif", "Base"],
        table_rows,
    )


def _groups_table(question_id: str, wave: int, rows: list[Row], question_type: str) -> DataTable:
    """Every group in rows (with its base), answers in columns: readable where twelve colours
    would not be."""
    stacked = question_type in STACKED_TYPES
    columns = list(dict.fromkeys(_category_label(r, question_type) for r in rows))
    cells: dict[tuple[str, str], dict[str, Row]] = defaultdict(dict)
    for row in rows:
        cells[(row["item_label"] or "" if stacked else "", row["group_label"])][
            _category_label(row, question_type)
        ] = row
    table_rows = []
    for (item, group), by_answer in cells.items():
        size = next(iter(by_answer.values()))["n_group"]
        flag = " ⚠" if is_small(size) else ""
        table_rows.append(
            [
                *([item] if stacked else []),
                Cell(group + flag, group),
                size,
                *[
                    Cell(percent(by_answer[c]["pct"]), by_answer[c]["pct"])
                    if c in by_answer
                    else None
                    for c in columns
                ],
            ]
        )
    return DataTable(
        f"enquete-{question_id}-{wave}-groupes",
        f"{rows[0]['question_text']} ({wave}), par groupe (%)",
        [*(["Item"] if stacked else []), "Groupe", "Base", *columns],
        table_rows,
    )


def _survey_trend(question_id: str, by_wave: dict[int, list[Row]], question_type: str) -> str:
    if len(by_wave) < 2:
        (wave,) = by_wave
        return _p("note trend-note", f"Une seule vague ({wave}) : pas de courbe d'évolution.")
    present = [g for g in MAIN_GROUPS if all(groups(rows).get(g) for rows in by_wave.values())]
    group = present[0] if present else MAIN_GROUPS[0]
    breaks = frozenset(
        w for w, rows in by_wave.items() if rows[0].get("comparability") in BREAK_REASONS
    )
    # one line per harmonised answer (and item): its wording may change from wave to wave
    points_of: dict[tuple, dict[int, Point]] = defaultdict(dict)
    labels: dict[tuple, str] = {}
    table_rows = []
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
            points_of[key][wave] = Point(row["pct"])
            table_rows.append(
                [
                    wave,
                    labels[key],
                    Cell(percent(row["pct"]), row["pct"]),
                    *_change_cells(row),
                    row["n_group"],
                ]
            )
    title = f"{by_wave[max(by_wave)][0]['question_text']} — évolution ({group})"
    series = [Series(labels[key], values, breaks=breaks) for key, values in points_of.items()]
    chart = line_chart(question_id, series, title)
    sizes = " ; ".join(
        f"{w} : {number(groups(r).get(group, 0))}" for w, r in sorted(by_wave.items())
    )
    caption = _p("base", f"Base ({group}) : {sizes} répondants.")
    caption += _break_reasons(by_wave, breaks)
    caption += wordings({w: r[0]["question_text"] for w, r in by_wave.items()})
    table = DataTable(
        f"enquete-{question_id}-evolution",
        f"{title} (%)",
        ["Vague", "Réponse", "%", "Évolution", "Significative", "Base"],
        table_rows,
    )
    return "<h3>Évolution</h3>" + figure(chart, caption, survey_source(sorted(by_wave)), table)


def _change_cells(row: Row) -> list[Cell]:
    change = row.get("change_pts")
    if change is None:
        return [Cell("—"), Cell("—")]
    significant = row.get("change_significant")
    verdict = "—" if significant is None else "oui" if significant else "non"
    return [
        Cell(points(change), round(change, 2)),
        Cell(verdict, "" if significant is None else str(bool(significant)).lower()),
    ]


def _break_reasons(by_wave: dict[int, list[Row]], breaks: frozenset[int]) -> str:
    """Why the line is broken, for each wave whose scale or question changed."""
    reasons = []
    for wave in sorted(breaks):
        why = BREAK_REASONS[by_wave[wave][0]["comparability"]]
        reasons.append(
            _p(
                "warning scale-change",
                f"Rupture en {wave} (trait pointillé) : {why}. Les vagues de part et d'autre "
                "ne se comparent pas directement (détail : questionnaire).",
            )
        )
    return "".join(reasons)


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
