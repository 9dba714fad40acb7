"""Page furniture shared by every page of the report: the layout, the navigation, figures with
their captions, wordings and small-base warnings."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from html import escape

from barometre.codebook import small_base, theme_labels
from barometre.report.data import Published, Row

SMALL_BASE = small_base()  # under it, a figure is read with care
INDEX = "index.html"
CODEBOOK = "codebook.html"
COMPARISONS = "citoyens-collectivites.html"
THEME_LABELS = theme_labels()
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


def page(title: str, nav: str, body: str, release: Row, wide: bool = False) -> str:
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
        f"<body><nav>{nav}</nav><main{main_class}>{data_note(release)}"
        f"<h1>{escape(title)}</h1>{body}</main>"
        f"<footer>{escape(footer)}</footer></body></html>\n"
    )


def data_note(release: Row) -> str:
    """A banner on every page of a release that is not the Observatoire's data."""
    note = release.get("data_note")
    return f'<p class="data-note" role="alert">{escape(note)}</p>' if note else ""


def navigation(data: Published) -> str:
    links = [(INDEX, "Accueil")]
    links += [
        (page_name("survey", t), f"Collectivités : {theme_label(t)}") for t in themes(data.survey)
    ]
    links += [(page_name("poll", t), f"Citoyens : {theme_label(t)}") for t in themes(data.poll)]
    if data.comparisons:
        links.append((COMPARISONS, "Citoyens et collectivités"))
    links.append((CODEBOOK, "Codebook"))
    return "".join(f'<a href="{href}">{escape(text)}</a>' for href, text in links)


def figure(chart: str, caption: str) -> str:
    return f'<figure class="figure">{chart}<figcaption>{caption}</figcaption></figure>'


def code_line(question_id: str, kind: str, anchor: str) -> str:
    return (
        f'<p class="code">{escape(question_id)} · {escape(kind)} · '
        f'<a href="{CODEBOOK}#{escape(anchor)}">codebook</a></p>'
    )


def wording(wave: int | str, text: str) -> str:
    return f'<p class="wording">Libellé ({wave}) : « {escape(text)} »</p>'


def wordings(by_wave: dict[int, str]) -> str:
    """Each distinct wording once, with the waves that used it."""
    waves: dict[str, list[int]] = defaultdict(list)
    for wave, text in sorted(by_wave.items()):
        waves[text].append(wave)
    return "".join(wording(", ".join(map(str, w)), text) for text, w in waves.items())


def small_base_warning(sizes: dict[str, int]) -> str:
    small = [f"{g} (n = {n})" for g, n in sizes.items() if is_small(n)]
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


def is_small(base: float | None) -> bool:
    return base is not None and 0 < base < SMALL_BASE


def html_list(values: Iterable[str]) -> str:
    items = "".join(f"<li>{escape(v)}</li>" for v in values)
    return f"<ul>{items}</ul>" if items else ""


def themes(rows: list[Row]) -> list[str]:
    return list(dict.fromkeys(r["theme"] for r in rows))


def theme_label(theme: str) -> str:
    return THEME_LABELS.get(theme, theme)


def page_name(kind: str, theme: str) -> str:
    return f"{kind}-{re.sub(r'[^a-z0-9_-]+', '-', theme.lower())}.html"
