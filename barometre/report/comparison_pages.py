"""Citizens beside authorities: the poll's share beside the survey's on one topic, on its own
page and under the questions they pair."""

from __future__ import annotations

from collections import defaultdict

from barometre.french import number, percent
from barometre.report.charts import Bar, Category, bar_chart
from barometre.report.data import Published, Row
from barometre.report.html import figure, is_small, page, small_base_warning, text
from barometre.report.tables import Cell, DataTable, interval
from barometre.sources import poll_source, survey_source


def comparisons_page(data: Published, nav: str) -> str:
    intro = (
        '<p class="note">'
        + text(
            "La part des citoyens (sondage, pondérée, avec son intervalle de confiance à 95 %) "
            "à côté de la part des collectivités (enquête) sur un même sujet. Chaque vague du "
            "sondage est rapprochée de la vague d'enquête la plus proche."
        )
        + "</p>"
    )
    body = comparison_blocks(data.comparisons, heading="h2")
    return page("Citoyens et collectivités", nav, intro + body, data.release)


def comparison_blocks(rows: list[Row], heading: str = "h3") -> str:
    topics: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        topics[row["topic"]].append(row)
    return "".join(_comparison_block(topic_rows, heading) for topic_rows in topics.values())


def _comparison_block(rows: list[Row], heading: str = "h3") -> str:
    first = rows[0]
    categories = [
        Category(
            f"Sondage {r['poll_wave']} · enquête {r['survey_wave']}",
            [
                Bar(
                    "Citoyens",
                    r["citizens_pct"],
                    r["citizens_ci95_low"],
                    r["citizens_ci95_high"],
                    is_small(r["citizens_base_unweighted"]),
                ),
                Bar(
                    "Collectivités",
                    r["authorities_pct"],
                    small_base=is_small(r["authorities_base"]),
                ),
            ],
        )
        for r in rows
    ]
    chart = bar_chart(first["survey_question_id"], categories, first["topic_label"])
    citizens = poll_wording(
        {"question_text": first["poll_question_text"], "item_label": first["poll_item_label"]}
    )
    authorities = first["survey_question_text"] + (
        f" — {first['survey_item_label']}" if first.get("survey_item_label") else ""
    )
    base_kind = "répondants interrogés" if first["survey_base"] == "answered" else "répondants"
    # each pair of waves has its own bases
    citizens_bases = " ; ".join(
        f"base {number(r['citizens_base_unweighted'])} personnes (sondage {r['poll_wave']})"
        for r in rows
    )
    authorities_bases = " ; ".join(
        f"base {number(r['authorities_base'])} {base_kind} (enquête {r['survey_wave']})"
        for r in rows
    )
    caption = "".join(
        [
            '<p class="base">'
            + text(
                f"Citoyens : « {first['poll_answer_label']} », {citizens_bases}. Collectivités "
                f"({first['survey_group_label']}) : « {first['survey_answer_labels']} », "
                f"{authorities_bases}."
            )
            + "</p>",
            f'<p class="wording">{text(f"Sondage : « {citizens} »")}</p>',
            f'<p class="wording">{text(f"Enquête : « {authorities} »")}</p>',
            small_base_warning(
                {
                    f"Collectivités (enquête {r['survey_wave']})": int(r["authorities_base"])
                    for r in rows
                    if is_small(r["authorities_base"])
                }
            ),
        ]
    )
    table = DataTable(
        f"comparaison-{first['topic']}",
        first["topic_label"],
        [
            "Vagues",
            "Citoyens",
            "IC à 95 %",
            "Base (citoyens)",
            "Collectivités",
            "Base (collectivités)",
        ],
        [
            [
                f"sondage {r['poll_wave']} · enquête {r['survey_wave']}",
                Cell(percent(r["citizens_pct"]), r["citizens_pct"]),
                interval(r["citizens_ci95_low"], r["citizens_ci95_high"]),
                r["citizens_base_unweighted"],
                Cell(percent(r["authorities_pct"]), r["authorities_pct"]),
                r["authorities_base"],
            ]
            for r in rows
        ],
    )
    source = (
        f"{poll_source(sorted({r['poll_wave'] for r in rows}))} ; "
        f"{survey_source(sorted({r['survey_wave'] for r in rows}))}"
    )
    heading_text = text(f"Citoyens et collectivités : {first['topic_label']}")
    return (
        f'<div class="comparison"><{heading}>{heading_text}</{heading}>'
        f"{figure(chart, caption, source, table)}</div>"
    )


def poll_wording(row: Row) -> str:
    item = row.get("item_label")
    return f"{row['question_text']} — {item}" if item else row["question_text"]
