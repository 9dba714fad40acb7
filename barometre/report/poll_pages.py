"""The pages of the public-opinion poll: one per theme, each item weighted with its interval,
by quota group, and its trend across waves."""

from __future__ import annotations

from collections import defaultdict

from barometre.french import number, percent
from barometre.report.charts import Bar, Category, Point, Series, bar_chart, line_chart
from barometre.report.comparison_pages import comparison_blocks, poll_wording
from barometre.report.data import POLL_TOTAL, Published, Questions, Row, is_poll_total, latest
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
from barometre.report.tables import Cell, DataTable, interval
from barometre.sources import poll_source


def poll_theme_page(theme: str, questions: Questions, data: Published, nav: str) -> str:
    parts, current = [], None
    for (question_id, item), by_wave in questions.items():
        _, rows = latest(by_wave)
        if question_id != current:
            current = question_id
            parts.append(f'<h2 id="{question_id}">{text(rows[0]["question_text"])}</h2>')
            parts.append(code_line(question_id, "sondage", f"poll-{question_id}"))
        parts.append(_poll_item(question_id, item, by_wave, data.comparisons))
    title = f"Citoyens (sondage Ipsos) — {theme_label(theme)}"
    intro = (
        '<p class="note">'
        + text(
            "Sondage Ipsos auprès d'un échantillon représentatif d'adultes. Barres pleines : "
            "part pondérée (redressée) et son intervalle de confiance à 95 % ; barres voisines : "
            "part non pondérée (n / base), pour voir l'effet du redressement."
        )
        + "</p>"
    )
    return page(title, nav, intro + "".join(parts), data.release)


def _poll_item(
    question_id: str, item: str, by_wave: dict[int, list[Row]], comparisons: list[Row]
) -> str:
    wave, rows = latest(by_wave)
    total = [r for r in rows if is_poll_total(r)]
    if not total:
        return ""
    label = total[0].get("item_label") or total[0]["question_text"]
    small = is_small(total[0]["base_unweighted"]) or bool(total[0].get("small_base"))
    categories = [
        Category(
            r["answer_label"],
            [
                Bar("Pondéré", r["pct_weighted"], r["ci95_low"], r["ci95_high"], small),
                Bar("Non pondéré", _unweighted(r), small_base=small),
            ],
        )
        for r in total
    ]
    base = number(total[0]["base_unweighted"])
    caption = (
        '<p class="base">'
        + text(
            f"Base ({wave}, {POLL_TOTAL}) : {base} personnes interrogées (non pondéré). "
            "Trait : intervalle de confiance à 95 % de la part pondérée."
        )
        + "</p>"
        + wording(wave, poll_wording(total[0]))
        + _poll_small_warning(total)
    )
    table = DataTable(
        f"sondage-{question_id}-{item}-{wave}",
        f"{label} ({wave}, {POLL_TOTAL})",
        ["Réponse", "Part pondérée", "IC à 95 %", "Part non pondérée", "Effectif", "Base"],
        [
            [
                r["answer_label"],
                Cell(percent(r["pct_weighted"]), r["pct_weighted"]),
                interval(r["ci95_low"], r["ci95_high"]),
                Cell(percent(_unweighted(r)), _unweighted(r)),
                r["n_unweighted"],
                r["base_unweighted"],
            ]
            for r in total
        ],
    )
    parts = [
        f"<h3>{text(label)}</h3>" if total[0].get("item_label") else "",
        figure(
            bar_chart(question_id, categories, f"{label} ({wave})"),
            caption,
            poll_source([wave]),
            table,
        ),
        _poll_by_group(question_id, item, wave, rows, label),
        _poll_trend(question_id, by_wave, label),
    ]
    related = [
        c
        for c in comparisons
        if c["poll_question_id"] == question_id and (c.get("poll_item_id") or "") == item
    ]
    if related:
        parts.append(comparison_blocks(related))
    return "<section>" + "".join(parts) + "</section>"


def _poll_by_group(question_id: str, item: str, wave: int, rows: list[Row], label: str) -> str:
    """One figure (the first net, else the first answer) for every quota group."""
    nets = [r for r in rows if r.get("answer_kind") == "net"]
    key = (nets or rows)[0]["answer_label"]
    chosen = [r for r in rows if r["answer_label"] == key]
    categories = [
        Category(
            r["group_label"],
            [
                Bar(
                    key,
                    r["pct_weighted"],
                    r["ci95_low"],
                    r["ci95_high"],
                    is_small(r["base_unweighted"]) or bool(r.get("small_base")),
                )
            ],
        )
        for r in chosen
    ]
    bases = [r["base_unweighted"] for r in chosen]
    low, high = number(min(bases)), number(max(bases))
    caption = (
        '<p class="base">'
        + text(f"Base ({wave}) : de {low} à {high} personnes par groupe (non pondéré).")
        + "</p>"
        + _poll_small_warning(chosen)
    )
    title = f"{label} — {key}, par groupe ({wave})"
    chart = bar_chart(question_id, categories, title)
    table = DataTable(
        f"sondage-{question_id}-{item}-{wave}-groupes",
        title,
        ["Groupe", "Part pondérée", "IC à 95 %", "Base"],
        [
            [
                r["group_label"],
                Cell(percent(r["pct_weighted"]), r["pct_weighted"]),
                interval(r["ci95_low"], r["ci95_high"]),
                r["base_unweighted"],
            ]
            for r in chosen
        ],
    )
    summary = text(f"Par groupe (sexe, âge, profession, agglomération, région) : « {key} »")
    return (
        f"<details><summary>{summary}</summary>"
        f"{figure(chart, caption, poll_source([wave]), table)}</details>"
    )


def _poll_trend(question_id: str, by_wave: dict[int, list[Row]], label: str) -> str:
    if len(by_wave) < 2:
        (wave,) = by_wave
        once = text(f"Posée une seule fois ({wave}) : pas de courbe.")
        return f'<p class="note trend-note">{once}</p>'
    comparable = all(
        r.get("comparability", "comparable") == "comparable"
        for rows in by_wave.values()
        for r in rows
    )
    series: dict[str, dict[int, Point]] = defaultdict(dict)
    table_rows = []
    for wave, rows in sorted(by_wave.items()):
        for r in rows:
            if is_poll_total(r) and r.get("answer_kind", "answer") == "answer":
                series[r["answer_label"]][wave] = Point(
                    r["pct_weighted"], r["ci95_low"], r["ci95_high"]
                )
                table_rows.append(
                    [
                        wave,
                        r["answer_label"],
                        Cell(percent(r["pct_weighted"]), r["pct_weighted"]),
                        interval(r["ci95_low"], r["ci95_high"]),
                        r["base_unweighted"],
                    ]
                )
    lines = [Series(k, v, dashed=not comparable) for k, v in series.items()]
    title = f"{label} — évolution ({POLL_TOTAL}, pondéré)"
    chart = line_chart(question_id, lines, title)
    bases = " ; ".join(
        f"{w} : {number(next(r['base_unweighted'] for r in rows if is_poll_total(r)))}"
        for w, rows in sorted(by_wave.items())
    )
    caption = f'<p class="base">{text(f"Base ({POLL_TOTAL}) : {bases} personnes.")}</p>'
    caption += wordings({w: poll_wording(rows[0]) for w, rows in by_wave.items()})
    if not comparable:
        caption += (
            '<p class="warning">'
            + text(
                "⚠ Libellé ou échelle différents d'une vague à l'autre : évolution indicative "
                "(traits pointillés)."
            )
            + "</p>"
        )
    table = DataTable(
        f"sondage-{question_id}-{_item(by_wave)}-evolution",
        title,
        ["Vague", "Réponse", "Part pondérée", "IC à 95 %", "Base"],
        table_rows,
    )
    return "<h3>Évolution</h3>" + figure(chart, caption, poll_source(sorted(by_wave)), table)


def _item(by_wave: dict[int, list[Row]]) -> str:
    return by_wave[max(by_wave)][0].get("item_id") or "question"


def _unweighted(row: Row) -> float | None:
    base = row["base_unweighted"]
    return 100 * row["n_unweighted"] / base if base else None


def _poll_small_warning(rows: list[Row]) -> str:
    small = {
        r["group_label"]: r["base_unweighted"]
        for r in rows
        if is_small(r["base_unweighted"]) or r.get("small_base")
    }
    return small_base_warning(small)
