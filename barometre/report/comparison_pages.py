"""Citizens beside authorities: the poll's share beside the survey's on one topic, on its own
page and under the questions they pair."""

from __future__ import annotations

from collections import defaultdict
from html import escape

from barometre.report.charts import Bar, Category, bar_chart
from barometre.report.data import Published, Row
from barometre.report.html import figure, is_small, page, small_base_warning


def comparisons_page(data: Published, nav: str) -> str:
    intro = (
        '<p class="note">La part des citoyens (sondage, pondérée, avec son intervalle de '
        "confiance à 95 %) à côté de la part des collectivités (enquête) sur un même sujet. "
        "Chaque vague du sondage est rapprochée de la vague d'enquête la plus proche.</p>"
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
        f"base {r['citizens_base_unweighted']} personnes (sondage {r['poll_wave']})" for r in rows
    )
    authorities_bases = " ; ".join(
        f"base {r['authorities_base']:.0f} {base_kind} (enquête {r['survey_wave']})" for r in rows
    )
    caption = "".join(
        [
            f'<p class="base">Citoyens : « {escape(first["poll_answer_label"])} », '
            f"{citizens_bases}. Collectivités ({escape(first['survey_group_label'])}) : "
            f"« {escape(first['survey_answer_labels'])} », {authorities_bases}.</p>",
            f'<p class="wording">Sondage : « {escape(citizens)} »</p>',
            f'<p class="wording">Enquête : « {escape(authorities)} »</p>',
            f'<p class="note">{escape(first.get("note") or "")}</p>',
            small_base_warning(
                {
                    f"Collectivités (enquête {r['survey_wave']})": int(r["authorities_base"])
                    for r in rows
                    if is_small(r["authorities_base"])
                }
            ),
        ]
    )
    return (
        f'<div class="comparison"><{heading}>Citoyens et collectivités : '
        f"{escape(first['topic_label'])}</{heading}>{figure(chart, caption)}</div>"
    )


def poll_wording(row: Row) -> str:
    item = row.get("item_label")
    return f"{row['question_text']} — {item}" if item else row["question_text"]
