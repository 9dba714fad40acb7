"""`barometre report`: a static, browsable barometer built from a published release.

The published DuckDB file is opened read-only, as any BI tool would. The site has an index, one
page per theme of the authorities' survey (``marts.survey_results``) and, when the poll marts
are published, one per theme of the public-opinion poll (``marts.poll_results``), a page setting
citizens beside authorities (``marts.citizens_vs_authorities``) and the codebook. A mart that
is absent only removes its pages. Charts are inline SVG (``barometre.report_charts``): no
script, no network, the pages open from disk.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import duckdb

from barometre.report_charts import (
    Bar,
    Category,
    Point,
    Series,
    StackedRow,
    bar_chart,
    line_chart,
    stacked_chart,
)

Row = dict[str, Any]

MAIN_GROUPS = ("Total", "Total hors communes < 3500 habitants")
POLL_TOTAL = "Ensemble"
NO_ANSWER = "Sans réponse"
SMALL_BASE = 30  # the Observatoire's and the poll's threshold for reading a figure with care
STACKED_TYPES = ("array", "ranking")
INDEX = "index.html"
CODEBOOK = "codebook.html"
COMPARISONS = "citoyens-collectivites.html"
THEME_LABELS = {
    "artificial_intelligence": "Intelligence artificielle",
    "cybersecurity": "Cybersécurité",
    "data_usage": "Usages de la donnée",
    "respondent": "Profil des répondants",
    "culture_skills": "Culture et compétences",
    "infrastructure_technology": "Infrastructures et technologies",
    "law_governance": "Droit et gouvernance",
    "responsible_digital": "Numérique responsable",
    "data_society": "La donnée dans la société",
    "trust": "Confiance dans les acteurs",
    "data_domains": "Ce que la donnée peut améliorer",
    "confidence": "Les conditions de la confiance",
    "regulation": "Réglementation",
    "ai": "Intelligence artificielle",
    "cyber": "Cybersécurité",
}
CSS = """
body{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;margin:0;color:#1d2329}
nav{background:#14365d;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.3rem 1rem}
nav a{color:#fff;text-decoration:none;font-size:.85rem}
main{max-width:860px;margin:0 auto;padding:1rem}main.wide{max-width:1400px}
h1{font-size:1.5rem}
h2{font-size:1.15rem;margin-top:2.2rem;border-top:1px solid #ccd;padding-top:1rem}
h3{font-size:1rem}figure{margin:1rem 0}figcaption{font-size:.8rem;color:#3b4650}
figcaption p{margin:.2rem 0}.code{font-family:monospace;color:#5f6b75;font-size:.8rem}
.warning{color:#8a4b00;font-weight:bold}
.data-note{background:#fff3cd;border:1px solid #8a4b00;padding:.5rem;font-weight:bold}
.note{color:#5f6b75;font-style:italic;font-size:.85rem}
svg.chart text{font-size:12px;fill:#1d2329}svg.chart text.inside{fill:#fff;font-size:11px}
svg.chart .grid,svg.chart .axis{stroke:#c8ced4}
svg.chart .ci{stroke:#1d2329;stroke-width:1.3;fill:none}
svg.chart text.category{font-weight:bold}svg.chart text.na{fill:#8a4b00}
table{border-collapse:collapse;font-size:.8rem;width:100%}td.code{word-break:break-all}
td,th{border:1px solid #ccd;padding:.3rem;vertical-align:top}
th{background:#eef1f5}ul{margin:0;padding-left:1.1rem}
footer{font-size:.75rem;color:#5f6b75;padding:1rem}
details{margin:.5rem 0}summary{cursor:pointer;color:#14365d}
"""


@dataclass(frozen=True)
class Published:
    """What the report reads from a release: empty lists for the marts it does not hold."""

    release: Row
    survey: list[Row]
    poll: list[Row]
    comparisons: list[Row]


def build_report(published_db: Path, out_dir: Path) -> list[Path]:
    """Write the site into out_dir; returns the pages written, the index first."""
    data = load_published(published_db)
    nav = _nav(data)
    pages: dict[str, str] = {INDEX: ""}
    for theme, questions in _by_theme(data.survey, _survey_key).items():
        pages[_page_name("survey", theme)] = _survey_theme_page(theme, questions, data, nav)
    for theme, questions in _by_theme(data.poll, _poll_key).items():
        pages[_page_name("poll", theme)] = _poll_theme_page(theme, questions, data, nav)
    if data.comparisons:
        pages[COMPARISONS] = _comparisons_page(data, nav)
    pages[CODEBOOK] = _codebook_page(data, nav)
    pages[INDEX] = _index_page(data, nav)

    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_pages(out_dir, pages)
    written = []
    for name, content in pages.items():
        path = out_dir / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def load_published(published_db: Path) -> Published:
    with duckdb.connect(str(published_db), read_only=True) as connection:
        tables = {
            f"{schema}.{table}"
            for schema, table in connection.execute(
                "select schema_name, table_name from duckdb_tables() "
                "where database_name = current_database()"
            ).fetchall()
        }

        def rows(table: str, order: Sequence[str]) -> list[Row]:
            if table not in tables:
                return []
            schema, name = table.split(".")
            columns = {
                c
                for (c,) in connection.execute(
                    "select column_name from duckdb_columns() where database_name = "
                    "current_database() and schema_name = ? and table_name = ?",
                    [schema, name],
                ).fetchall()
            }
            # order by the sort columns the mart has (a newer mart may add or drop some)
            keys = ", ".join(f'"{c}"' for c in order if c in columns) or "1"
            cursor = connection.execute(f"select * from {table} order by {keys}")
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]

        release = rows("meta.release", [])
        survey = rows(
            "marts.survey_results",
            ["question_order", "question_id", "wave", "item_order", "answer_order"],
        )
        codes = _harmonised_codes(connection)
        for row in survey:
            row.update(codes.get(_result_key(row), {}))
        return Published(
            release=release[0] if release else {},
            survey=survey,
            poll=rows(
                "marts.poll_results",
                ["question_order", "question_id", "item_order", "wave", "answer_kind"]
                + ["answer_order", "breakdown_order", "group_order"],
            ),
            comparisons=rows("marts.citizens_vs_authorities", ["topic", "poll_wave"]),
        )


# --- grouping -------------------------------------------------------------------------------

Questions = dict[tuple[str, str], dict[int, list[Row]]]


def _survey_key(row: Row) -> tuple[str, str]:
    return row["question_id"], ""


def _poll_key(row: Row) -> tuple[str, str]:
    return row["question_id"], row.get("item_id") or row.get("item_label") or ""


def _by_theme(rows: Iterable[Row], key: Callable[[Row], tuple[str, str]]) -> dict[str, Questions]:
    """theme -> (question, item) -> wave -> rows, in questionnaire order."""
    themes: dict[str, Questions] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for row in rows:
        themes[row["theme"]][key(row)][row["wave"]].append(row)
    return themes


def _groups(rows: Iterable[Row]) -> dict[str, int]:
    """Reporting groups and their sizes, in display order."""
    ordered = sorted(rows, key=lambda r: (r.get("group_order") or 0, r["group_label"]))
    return {row["group_label"]: row["n_group"] for row in ordered}


def _is_poll_total(row: Row) -> bool:
    return row.get("breakdown_id") == "total" or row["group_label"] == POLL_TOTAL


def _latest(by_wave: dict[int, list[Row]]) -> tuple[int, list[Row]]:
    wave = max(by_wave)
    return wave, by_wave[wave]


HARMONISED_COLUMNS = ("item_code", "answer_code", "harmonised_label", "comparability")
RESULT_KEY = ("wave", "question_id", "item_label", "answer_label", "group_label")


def _harmonised_codes(connection: duckdb.DuckDBPyConnection) -> dict[tuple, Row]:
    """Stable codes of every survey result, from the theme marts (the marts of the release
    with a change_pts column), so trends follow an answer whose wording changed."""
    marts = connection.execute(
        "select table_name from duckdb_columns() where database_name = current_database() "
        "and schema_name = 'marts' and column_name = 'change_pts' order by table_name"
    ).fetchall()
    if not marts:
        return {}
    columns = ", ".join(RESULT_KEY + HARMONISED_COLUMNS)
    union = " union all ".join(f'select {columns} from marts."{name}"' for (name,) in marts)
    codes = {}
    for values in connection.execute(union).fetchall():
        key, harmonised = values[: len(RESULT_KEY)], values[len(RESULT_KEY) :]
        codes[key] = dict(zip(HARMONISED_COLUMNS, harmonised, strict=True))
    return codes


def _result_key(row: Row) -> tuple:
    return tuple(row[column] for column in RESULT_KEY)


# --- survey pages ----------------------------------------------------------------------------


def _survey_theme_page(theme: str, questions: Questions, data: Published, nav: str) -> str:
    sections = [
        _survey_question(question_id, by_wave, data.comparisons)
        for (question_id, _), by_wave in questions.items()
    ]
    title = f"Collectivités — {_theme_label(theme)}"
    intro = (
        '<p class="note">Enquête auprès des collectivités. Pourcentages de l\'ensemble des '
        "répondants du groupe (« Sans réponse » compris), comme les publie l'Observatoire.</p>"
    )
    return _page(title, nav, intro + "".join(sections), data.release)


def _survey_question(
    question_id: str, by_wave: dict[int, list[Row]], comparisons: list[Row]
) -> str:
    wave, rows = _latest(by_wave)
    question_type = rows[0]["question_type"]
    sizes = _groups(rows)
    main = {g: n for g, n in sizes.items() if g in MAIN_GROUPS} or dict(list(sizes.items())[:1])
    others = {g: n for g, n in sizes.items() if n > 0}
    title = rows[0]["question_text"]
    parts = [
        f'<h2 id="{escape(question_id)}">{escape(title)}</h2>',
        _code_line(question_id, question_type, f"survey-{question_id}"),
        _figure(
            _survey_chart(question_id, rows, list(main), question_type, f"{title} ({wave})"),
            _survey_caption(rows, main, wave, question_type),
        ),
        "<details><summary>Tous les groupes (catégories et strates)</summary>"
        + _figure(
            _survey_chart(question_id, rows, list(others), question_type, f"{title}, par groupe"),
            _survey_caption(rows, sizes, wave, question_type),
        )
        + "</details>",
        _survey_trend(question_id, by_wave, question_type),
    ]
    related = [c for c in comparisons if c["survey_question_id"] == question_id]
    if related:
        parts.append(_comparison_blocks(related))
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
                Bar(g, cells[g]["pct"], small_base=_is_small(cells[g]["n_group"]))
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
            stacked.append(StackedRow(label, segments, _is_small(answers[0]["n_group"])))
    return stacked


def _survey_caption(rows: list[Row], groups: dict[str, int], wave: int, question_type: str) -> str:
    bases = " ; ".join(f"{g} : {n} répondants" for g, n in groups.items())
    lines = [
        f'<p class="base">Base ({wave}) : {escape(bases)}.</p>',
        _wording(wave, rows[0]["question_text"]),
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
    lines.append(_small_base_warning(groups))
    return "".join(lines)


def _survey_trend(question_id: str, by_wave: dict[int, list[Row]], question_type: str) -> str:
    if len(by_wave) < 2:
        (wave,) = by_wave
        return (
            f'<p class="note trend-note">Une seule vague ({wave}) : pas de courbe '
            "d'évolution pour cette question.</p>"
        )
    present = [g for g in MAIN_GROUPS if all(_groups(rows).get(g) for rows in by_wave.values())]
    group = present[0] if present else "Total"
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
    sizes = " ; ".join(f"{w} : {_groups(r).get(group, 0)}" for w, r in sorted(by_wave.items()))
    caption = f'<p class="base">Base ({escape(group)}) : {escape(sizes)} répondants.</p>'
    caption += _comparability_warning(by_wave)
    caption += _wordings({w: r[0]["question_text"] for w, r in by_wave.items()})
    return "<h3>Évolution</h3>" + _figure(chart, caption)


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
    answer on the scale (e.g. "Oui"), which keeps the chart readable."""
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


# --- poll pages ------------------------------------------------------------------------------


def _poll_theme_page(theme: str, questions: Questions, data: Published, nav: str) -> str:
    parts, current = [], None
    for (question_id, item), by_wave in questions.items():
        _, rows = _latest(by_wave)
        if question_id != current:
            current = question_id
            parts.append(f'<h2 id="{escape(question_id)}">{escape(rows[0]["question_text"])}</h2>')
            parts.append(_code_line(question_id, "sondage", f"poll-{question_id}"))
        parts.append(_poll_item(question_id, item, by_wave, data.comparisons))
    title = f"Citoyens (sondage Ipsos) — {_theme_label(theme)}"
    intro = (
        "<p class=\"note\">Sondage Ipsos auprès d'un échantillon représentatif d'adultes. Barres "
        "pleines : part pondérée (redressée) et son intervalle de confiance à 95 % ; barres "
        "voisines : part non pondérée (n / base), pour voir l'effet du redressement.</p>"
    )
    return _page(title, nav, intro + "".join(parts), data.release)


def _poll_item(
    question_id: str, item: str, by_wave: dict[int, list[Row]], comparisons: list[Row]
) -> str:
    wave, rows = _latest(by_wave)
    total = [r for r in rows if _is_poll_total(r)]
    if not total:
        return ""
    label = total[0].get("item_label") or total[0]["question_text"]
    small = _is_small(total[0]["base_unweighted"]) or bool(total[0].get("small_base"))
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
        "pondérée.</p>" + _wording(wave, _poll_wording(total[0])) + _poll_small_warning(total)
    )
    parts = [
        f"<h3>{escape(label)}</h3>" if total[0].get("item_label") else "",
        _figure(bar_chart(question_id, categories, f"{label} ({wave})"), caption),
        _poll_by_group(question_id, wave, rows, label),
        _poll_trend(question_id, by_wave, label),
    ]
    related = [
        c
        for c in comparisons
        if c["poll_question_id"] == question_id and (c.get("poll_item_id") or "") == item
    ]
    if related:
        parts.append(_comparison_blocks(related))
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
                    _is_small(r["base_unweighted"]) or bool(r.get("small_base")),
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
        f"« {escape(key)} »</summary>{_figure(chart, caption)}</details>"
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
            if _is_poll_total(r) and r.get("answer_kind", "answer") == "answer":
                series[r["answer_label"]][wave] = Point(
                    r["pct_weighted"], r["ci95_low"], r["ci95_high"]
                )
    lines = [Series(k, v, dashed=not comparable) for k, v in series.items()]
    chart = line_chart(question_id, lines, f"{label} — évolution ({POLL_TOTAL}, pondéré)")
    bases = " ; ".join(
        f"{w} : {next(r['base_unweighted'] for r in rows if _is_poll_total(r))}"
        for w, rows in sorted(by_wave.items())
    )
    caption = f'<p class="base">Base ({POLL_TOTAL}) : {escape(bases)} personnes.</p>'
    caption += _wordings({w: _poll_wording(rows[0]) for w, rows in by_wave.items()})
    if not comparable:
        caption += (
            "<p class=\"warning\">⚠ Libellé ou échelle différents d'une vague à l'autre : "
            "évolution indicative (traits pointillés).</p>"
        )
    return "<h3>Évolution</h3>" + _figure(chart, caption)


def _unweighted(row: Row) -> float | None:
    base = row["base_unweighted"]
    return 100 * row["n_unweighted"] / base if base else None


def _poll_wording(row: Row) -> str:
    item = row.get("item_label")
    return f"{row['question_text']} — {item}" if item else row["question_text"]


def _poll_small_warning(rows: list[Row]) -> str:
    small = {
        r["group_label"]: r["base_unweighted"]
        for r in rows
        if _is_small(r["base_unweighted"]) or r.get("small_base")
    }
    return _small_base_warning(small)


# --- citizens beside authorities -------------------------------------------------------------


def _comparisons_page(data: Published, nav: str) -> str:
    intro = (
        '<p class="note">La part des citoyens (sondage, pondérée, avec son intervalle de '
        "confiance à 95 %) à côté de la part des collectivités (enquête) sur un même sujet. "
        "Chaque vague du sondage est rapprochée de la vague d'enquête la plus proche.</p>"
    )
    body = _comparison_blocks(data.comparisons, heading="h2")
    return _page("Citoyens et collectivités", nav, intro + body, data.release)


def _comparison_blocks(rows: list[Row], heading: str = "h3") -> str:
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
                    _is_small(r["citizens_base_unweighted"]),
                ),
                Bar(
                    "Collectivités",
                    r["authorities_pct"],
                    small_base=_is_small(r["authorities_base"]),
                ),
            ],
        )
        for r in rows
    ]
    chart = bar_chart(first["survey_question_id"], categories, first["topic_label"])
    citizens = _poll_wording(
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
            _small_base_warning(
                {
                    f"Collectivités (enquête {r['survey_wave']})": int(r["authorities_base"])
                    for r in rows
                    if _is_small(r["authorities_base"])
                }
            ),
        ]
    )
    return (
        f'<div class="comparison"><{heading}>Citoyens et collectivités : '
        f"{escape(first['topic_label'])}</{heading}>{_figure(chart, caption)}</div>"
    )


# --- codebook and index ----------------------------------------------------------------------


def _codebook_page(data: Published, nav: str) -> str:
    body = ""
    if data.survey:
        body += "<h2>Enquête auprès des collectivités</h2>" + _codebook_table(
            data.survey, "survey", lambda r: r["question_type"]
        )
    if data.poll:
        body += "<h2>Sondage Ipsos (citoyens)</h2>" + _codebook_table(
            [r for r in data.poll if _is_poll_total(r)],
            "poll",
            lambda r: f"sondage ({r.get('comparability') or 'n.d.'})",
        )
    return _page("Codebook", nav, body, data.release, wide=True)


def _codebook_table(rows: list[Row], kind: str, type_of: Callable[[Row], str]) -> str:
    entries: dict[tuple[str, int], list[Row]] = defaultdict(list)
    for row in rows:
        entries[(row["question_id"], row["wave"])].append(row)
    lines, anchored = [], set()
    for (question_id, wave), group in entries.items():
        anchor = "" if question_id in anchored else f' id="{kind}-{escape(question_id)}"'
        anchored.add(question_id)
        items = dict.fromkeys(r["item_label"] for r in group if r.get("item_label"))
        answers = dict.fromkeys(
            r["answer_label"] + (" (net)" if r.get("answer_kind") == "net" else "") for r in group
        )
        lines.append(
            f'<tr{anchor}><td class="code">{escape(question_id)}</td><td>{wave}</td>'
            f"<td>{escape(_theme_label(group[0]['theme']))}</td><td>{escape(type_of(group[0]))}</td>"
            f"<td>{escape(group[0]['question_text'])}</td><td>{_list(items)}</td>"
            f"<td>{_list(answers)}</td></tr>"
        )
    return (
        "<table><thead><tr><th>Code</th><th>Vague</th><th>Thème</th><th>Type</th>"
        "<th>Libellé de la vague</th><th>Items</th><th>Réponses</th></tr></thead><tbody>"
        + "".join(lines)
        + "</tbody></table>"
    )


# meta.release.origin, as readers of the report say it
ORIGIN_LABELS = {
    "observed": "observées (exports de l'Observatoire)",
    "synthetic": "synthétiques (échantillon fictif, pas les chiffres de l'Observatoire)",
}


def _index_page(data: Published, nav: str) -> str:
    release = data.release
    survey_waves = sorted({r["wave"] for r in data.survey})
    poll_waves = sorted({r["wave"] for r in data.poll})
    facts = [
        ("Release", release.get("release_id", "n.d.")),
        ("Publiée le", release.get("published_at", "n.d.")),
        ("Version de barometre", release.get("barometre_version", "n.d.")),
        ("Origine des données", ORIGIN_LABELS.get(release.get("origin"), "non précisée")),
        ("Vagues de l'enquête (collectivités)", ", ".join(map(str, survey_waves)) or "aucune"),
        ("Vagues du sondage (citoyens)", ", ".join(map(str, poll_waves)) or "non publié"),
    ]
    body = "<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in facts)
    body += "</dl>" + _theme_list("Collectivités : enquête", "survey", data.survey, _survey_key)
    body += _theme_list("Citoyens : sondage Ipsos", "poll", data.poll, lambda r: r["question_id"])
    others = [(COMPARISONS, "Citoyens et collectivités")] if data.comparisons else []
    others.append((CODEBOOK, "Codebook : questions, libellés, items et échelles"))
    body += "<h2>Aussi</h2><ul>" + "".join(
        f'<li><a href="{href}">{escape(text)}</a></li>' for href, text in others
    )
    body += (
        "</ul><h2>Lire les graphiques</h2><ul><li>Sous chaque graphique : la base (effectif du "
        "groupe) et le libellé exact de la vague.</li><li>⚠ signale une base de moins de "
        f"{SMALL_BASE} répondants : chiffre à lire avec prudence (barre estompée).</li>"
        "<li>Les pourcentages affichés sont arrondis au plus proche, à égalité vers le pair, "
        "comme ceux de l'Observatoire.</li></ul>"
    )
    return _page("Baromètre de l'Observatoire Data Publica", nav, body, release)


def _theme_list(title: str, kind: str, rows: list[Row], key: Callable[[Row], Hashable]) -> str:
    if not rows:
        return ""
    counts: dict[str, set[Hashable]] = defaultdict(set)
    for row in rows:
        counts[row["theme"]].add(key(row))
    links = "".join(
        f'<li><a href="{_page_name(kind, theme)}">{escape(_theme_label(theme))}</a> '
        f"({len(keys)} questions)</li>"
        for theme, keys in counts.items()
    )
    return f"<h2>{escape(title)}</h2><ul>{links}</ul>"


# --- page furniture --------------------------------------------------------------------------


def _page(title: str, nav: str, body: str, release: Row, wide: bool = False) -> str:
    release_id, published_at = (
        release.get("release_id", "n.d."),
        release.get("published_at", "n.d."),
    )
    footer = f"Release {release_id}, publiée le {published_at}."
    main_class = ' class="wide"' if wide else ""  # the codebook's table needs the width
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} — Baromètre Data Publica</title><style>{CSS}</style></head>"
        f"<body><nav>{nav}</nav><main{main_class}>{_data_note(release)}"
        f"<h1>{escape(title)}</h1>{body}</main>"
        f"<footer>{escape(footer)}</footer></body></html>\n"
    )


def _data_note(release: Row) -> str:
    """A banner on every page of a release that is not the Observatoire's data."""
    note = release.get("data_note")
    return f'<p class="data-note" role="alert">{escape(note)}</p>' if note else ""


def _nav(data: Published) -> str:
    links = [(INDEX, "Accueil")]
    links += [
        (_page_name("survey", t), f"Collectivités : {_theme_label(t)}")
        for t in _themes(data.survey)
    ]
    links += [(_page_name("poll", t), f"Citoyens : {_theme_label(t)}") for t in _themes(data.poll)]
    if data.comparisons:
        links.append((COMPARISONS, "Citoyens et collectivités"))
    links.append((CODEBOOK, "Codebook"))
    return "".join(f'<a href="{href}">{escape(text)}</a>' for href, text in links)


def _figure(chart: str, caption: str) -> str:
    return f'<figure class="figure">{chart}<figcaption>{caption}</figcaption></figure>'


def _code_line(question_id: str, kind: str, anchor: str) -> str:
    return (
        f'<p class="code">{escape(question_id)} · {escape(kind)} · '
        f'<a href="{CODEBOOK}#{escape(anchor)}">codebook</a></p>'
    )


def _wording(wave: int | str, text: str) -> str:
    return f'<p class="wording">Libellé ({wave}) : « {escape(text)} »</p>'


def _wordings(by_wave: dict[int, str]) -> str:
    """Each distinct wording once, with the waves that used it."""
    waves: dict[str, list[int]] = defaultdict(list)
    for wave, text in sorted(by_wave.items()):
        waves[text].append(wave)
    return "".join(_wording(", ".join(map(str, w)), text) for text, w in waves.items())


def _small_base_warning(sizes: dict[str, int]) -> str:
    small = [f"{g} (n = {n})" for g, n in sizes.items() if _is_small(n)]
    empty = [g for g, n in sizes.items() if not n]
    text = ""
    if small:
        text += (
            f'<p class="warning small-base">⚠ Base faible (moins de {SMALL_BASE} répondants), à '
            f"lire avec prudence : {escape(', '.join(small))}.</p>"
        )
    if empty:
        text += f'<p class="note">Aucun répondant : {escape(", ".join(empty))}.</p>'
    return text


def _is_small(base: float | None) -> bool:
    return base is not None and 0 < base < SMALL_BASE


def _list(values: Iterable[str]) -> str:
    items = "".join(f"<li>{escape(v)}</li>" for v in values)
    return f"<ul>{items}</ul>" if items else ""


def _themes(rows: list[Row]) -> list[str]:
    return list(dict.fromkeys(r["theme"] for r in rows))


def _theme_label(theme: str) -> str:
    return THEME_LABELS.get(theme, theme)


def _page_name(kind: str, theme: str) -> str:
    return f"{kind}-{re.sub(r'[^a-z0-9_-]+', '-', theme.lower())}.html"


def _remove_stale_pages(out_dir: Path, pages: dict[str, str]) -> None:
    """A theme gone from the release must not keep its old page; other files are left alone."""
    for pattern in ("survey-*.html", "poll-*.html", COMPARISONS):
        for path in out_dir.glob(pattern):
            if path.name not in pages:
                path.unlink()
