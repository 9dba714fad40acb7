"""The pages of the public-opinion poll: one per theme, each item weighted with its interval,
by quota group, and its trend across waves."""

from __future__ import annotations

from collections import defaultdict
from html import escape

from barometre.report.charts import Bar, Category, Point, Series, bar_chart, line_chart
from barometre.report.comparison_pages import comparison_blocks, poll_wording
from barometre.report.data import POLL_TOTAL, Published, Questions, Row, is_poll_total, latest
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


def poll_theme_page(theme: str, questions: Questions, data: Published, nav: str) -> str:
    parts, current = [], None
    for (question_id, item), by_wave in questions.items():
        _, rows = latest(by_wave)
        if question_id != current:
            current = question_id
            parts.append(f'<h2 id="{escape(question_id)}">{escape(rows[0]["question_text"])}</h2>')
            parts.append(code_line(question_id, "sondage", f"poll-{question_id}"))
        parts.append(_poll_item(question_id, item, by_wave, data.comparisons))
    title = f"Citoyens (sondage Ipsos) — {theme_label(theme)}"
    intro = (
        "<p class=\"note\">Sondage Ipsos auprès d'un échantillon représentatif d'adultes. Barres "
        "pleines : part pondérée (redressée) et son intervalle de confiance à 95 % ; barres "
        "voisines : part non pondérée (n / base), pour voir l'effet du redressement.</p>"
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
    caption = (
        f'<p class="base">Base ({wave}, {POLL_TOTAL}) : {total[0]["base_unweighted"]} personnes '
        "interrogées (non pondéré). Trait : intervalle de confiance à 95 % de la part "
        "pondérée.</p>" + wording(wave, poll_wording(total[0])) + _poll_small_warning(total)
    )
    parts = [
        f"<h3>{escape(label)}</h3>" if total[0].get("item_label") else "",
        figure(bar_chart(question_id, categories, f"{label} ({wave})"), caption),
        _poll_by_group(question_id, wave, rows, label),
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


def _poll_by_group(question_id: str, wave: int, rows: list[Row], label: str) -> str:
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
    caption = (
        f'<p class="base">Base ({wave}) : de {min(bases)} à {max(bases)} personnes par groupe '
        "(non pondéré).</p>" + _poll_small_warning(chosen)
    )
    chart = bar_chart(question_id, categories, f"{label} — {key}, par groupe ({wave})")
    return (
        f"<details><summary>Par groupe (sexe, âge, profession, agglomération, région) : "
        f"« {escape(key)} »</summary>{figure(chart, caption)}</details>"
    )


def _poll_trend(question_id: str, by_wave: dict[int, list[Row]], label: str) -> str:
    if len(by_wave) < 2:
        (wave,) = by_wave
        return f'<p class="note trend-note">Posée une seule fois ({wave}) : pas de courbe.</p>'
    comparable = all(
        r.get("comparability", "comparable") == "comparable"
        for rows in by_wave.values()
        for r in rows
    )
    series: dict[str, dict[int, Point]] = defaultdict(dict)
    for wave, rows in by_wave.items():
        for r in rows:
            if is_poll_total(r) and r.get("answer_kind", "answer") == "answer":
                series[r["answer_label"]][wave] = Point(
                    r["pct_weighted"], r["ci95_low"], r["ci95_high"]
                )
    lines = [Series(k, v, dashed=not comparable) for k, v in series.items()]
    chart = line_chart(question_id, lines, f"{label} — évolution ({POLL_TOTAL}, pondéré)")
    bases = " ; ".join(
        f"{w} : {next(r['base_unweighted'] for r in rows if is_poll_total(r))}"
        for w, rows in sorted(by_wave.items())
    )
    caption = f'<p class="base">Base ({POLL_TOTAL}) : {escape(bases)} personnes.</p>'
    caption += wordings({w: poll_wording(rows[0]) for w, rows in by_wave.items()})
    if not comparable:
        caption += (
            "<p class=\"warning\">⚠ Libellé ou échelle différents d'une vague à l'autre : "
            "évolution indicative (traits pointillés).</p>"
        )
    return "<h3>Évolution</h3>" + figure(chart, caption)


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
