"""Page furniture shared by every page of the report: the layout, the navigation (folded into a
menu on narrow screens), figures with their captions, source line and data table, wordings and
small-base warnings. Every text a reader sees goes through French typography."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from html import escape

from barometre.codebook import small_base, theme_labels
from barometre.french import moment, number, typography
from barometre.ingest.landing import ORIGIN_NOTES_FR
from barometre.report.data import Published, Row
from barometre.report.tables import DataTable, data_table

SMALL_BASE = small_base()  # under it, a figure is read with care
INDEX = "index.html"
CODEBOOK = "codebook.html"
COMPARISONS = "citoyens-collectivites.html"
METHOD = "methode.html"
THEME_LABELS = theme_labels()
CSS = """
body{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;margin:0;color:#1d2329;
overflow-wrap:break-word}
nav{background:#14365d;padding:.5rem 1rem}nav a{color:#fff;font-size:.85rem}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1rem}
nav summary{color:#fff;font-weight:bold}nav details ul{display:block}nav details li{margin:.4rem 0}
nav .menu-wide{display:none}
@media (min-width:900px){nav .menu-wide{display:flex}nav details{display:none}}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;padding:.3rem}
main{max-width:860px;margin:0 auto;padding:1rem}main.wide{max-width:1400px}
h1{font-size:1.5rem}
h2{font-size:1.15rem;margin-top:2.2rem;border-top:1px solid #ccd;padding-top:1rem}
h3{font-size:1rem}figure{margin:1rem 0}figcaption{font-size:.8rem;color:#3b4650}
figcaption p{margin:.2rem 0}.code{font-family:monospace;color:#5f6b75;font-size:.8rem}
.warning{color:#8a4b00;font-weight:bold}.source{font-style:italic}
.data-note{background:#fff3cd;border:1px solid #8a4b00;padding:.5rem;font-weight:bold}
.note{color:#5f6b75;font-style:italic;font-size:.85rem}
svg.chart{display:block;height:auto}
svg.chart text{font-size:12px;fill:#1d2329}svg.chart text.inside{fill:#fff;font-size:11px}
svg.chart .grid,svg.chart .axis{stroke:#c8ced4}svg.chart .break{stroke:#8a4b00;stroke-dasharray:2 3}
svg.chart text.break-label{fill:#8a4b00;font-size:11px}
svg.chart .ci{stroke:#1d2329;stroke-width:1.3;fill:none}
svg.chart text.category{font-weight:bold}svg.chart text.na{fill:#8a4b00}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.8rem;width:100%}td.code{word-break:break-all}
td,th{border:1px solid #ccd;padding:.3rem;vertical-align:top;text-align:left}
th{background:#eef1f5}caption{text-align:left;font-weight:bold;padding:.3rem 0}
ul{margin:0;padding-left:1.1rem}
footer{font-size:.75rem;color:#4b5660;padding:1rem}
details{margin:.5rem 0}summary{cursor:pointer;color:#14365d}
"""


def page(title: str, nav: str, body: str, release: Row, wide: bool = False) -> str:
    release_id = release.get("release_id", "n.d.")
    published = release.get("published_at")
    when = moment(published) if isinstance(published, datetime) else "n.d."
    footer = f"Publication {release_id}, publiée le {when}."
    main_class = ' class="wide"' if wide else ""  # the questionnaires' table needs the width
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{text(title)} — Baromètre Data Publica</title><style>{CSS}</style></head>"
        '<body><a class="skip" href="#contenu">Aller au contenu</a>'
        f'<nav aria-label="Pages du baromètre">{nav}</nav><main id="contenu"{main_class}>'
        f"{data_note(release)}<h1>{text(title)}</h1>{body}</main>"
        f"<footer>{text(footer)}</footer></body></html>\n"
    )


def text(value: str) -> str:
    """Text for a reader: French typography, then HTML-escaped."""
    return escape(typography(value))


def data_note(release: Row) -> str:
    """A banner on every page of a release that is not the Observatoire's data."""
    note = ORIGIN_NOTES_FR.get(release.get("origin", ""))
    return f'<p class="data-note" role="alert">{text(note)}.</p>' if note else ""


def navigation(data: Published) -> str:
    links = [(INDEX, "Accueil")]
    links += [
        (page_name("survey", t), f"Collectivités : {theme_label(t)}") for t in themes(data.survey)
    ]
    links += [(page_name("poll", t), f"Citoyens : {theme_label(t)}") for t in themes(data.poll)]
    if data.comparisons:
        links.append((COMPARISONS, "Citoyens et collectivités"))
    links += [(METHOD, "Méthode"), (CODEBOOK, "Questionnaires")]
    items = "".join(f'<li><a href="{href}">{text(label)}</a></li>' for href, label in links)
    # the full list on wide screens; on narrow ones a menu to unfold
    return (
        f'<ul class="menu-wide">{items}</ul>'
        f"<details><summary>Menu</summary><ul>{items}</ul></details>"
    )


def figure(chart: str, caption: str, source: str, table: DataTable) -> str:
    """A chart, what it rests on (caption), where it comes from (source line) and its data."""
    return (
        f'<figure class="figure">{chart}<figcaption>{caption}'
        f'<p class="source">Source : {text(source)}.</p></figcaption>{data_table(table)}</figure>'
    )


def code_line(question_id: str, kind: str, anchor: str) -> str:
    return (
        f'<p class="code">Code {escape(question_id)} · {text(kind)} · '
        f'<a href="{CODEBOOK}#{escape(anchor)}">questionnaire</a></p>'
    )


def wording(wave: int | str, wording_text: str) -> str:
    return f'<p class="wording">{text(f"Libellé ({wave}) : « {wording_text} »")}</p>'


def wordings(by_wave: dict[int, str]) -> str:
    """Each distinct wording once, with the waves that used it."""
    waves: dict[str, list[int]] = defaultdict(list)
    for wave, wave_text in sorted(by_wave.items()):
        waves[wave_text].append(wave)
    return "".join(wording(", ".join(map(str, w)), t) for t, w in waves.items())


def small_base_warning(sizes: dict[str, float]) -> str:
    small = [f"{g} (n = {number(n)})" for g, n in sizes.items() if is_small(n)]
    empty = [g for g, n in sizes.items() if not n]
    out = ""
    if small:
        out += (
            '<p class="warning small-base">'
            + text(
                f"⚠ Base faible (moins de {SMALL_BASE} répondants), à lire avec prudence : "
                f"{', '.join(small)}."
            )
            + "</p>"
        )
    if empty:
        out += f'<p class="note">{text("Aucun répondant : " + ", ".join(empty) + ".")}</p>'
    return out


def is_small(base: float | None) -> bool:
    return base is not None and 0 < base < SMALL_BASE


def html_list(values: Iterable[str]) -> str:
    items = "".join(f"<li>{text(v)}</li>" for v in values)
    return f"<ul>{items}</ul>" if items else ""


def themes(rows: list[Row]) -> list[str]:
    return list(dict.fromkeys(r["theme"] for r in rows))


def theme_label(theme: str) -> str:
    return THEME_LABELS.get(theme, theme)


def page_name(kind: str, theme: str) -> str:
    return f"{kind}-{re.sub(r'[^a-z0-9_-]+', '-', theme.lower())}.html"
