"""`barometre report`: a static, browsable barometer built from a published release.

The published DuckDB file is opened read-only, as any BI tool would. The site has an index, one
page per theme of the authorities' survey (``marts.survey_results``) and, when the poll marts
are published, one per theme of the public-opinion poll (``marts.poll_results``), a page setting
citizens beside authorities (``marts.citizens_vs_authorities``) and the codebook. A mart that
is absent only removes its pages. Charts are inline SVG (``barometre.report.charts``): no
script, no network, the pages open from disk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from datetime import datetime
from html import escape
from pathlib import Path

from barometre.codebook import default_category, no_answer_label, publication
from barometre.french import moment
from barometre.report.comparison_pages import comparisons_page
from barometre.report.data import (
    Published,
    Row,
    by_theme,
    is_poll_total,
    load_published,
    poll_key,
    survey_key,
)
from barometre.report.html import (
    CODEBOOK,
    COMPARISONS,
    INDEX,
    METHOD,
    SMALL_BASE,
    html_list,
    navigation,
    page,
    page_name,
    text,
    theme_label,
)
from barometre.report.poll_pages import poll_theme_page
from barometre.report.survey_pages import survey_theme_page
from barometre.report.tables import write_data_files
from barometre.report.texts import comparability_label, question_type_label

# meta.release.origin, as readers of the report say it
ORIGIN_LABELS = {
    "observed": "observées (exports de l'Observatoire)",
    "synthetic": "synthétiques (échantillon fictif, pas les chiffres de l'Observatoire)",
}


def build_report(published_db: Path, out_dir: Path) -> list[Path]:
    """Write the site into out_dir; returns the pages written, the index first."""
    data = load_published(published_db)
    nav = navigation(data)
    pages: dict[str, str] = {INDEX: ""}
    for theme, questions in by_theme(data.survey, survey_key).items():
        pages[page_name("survey", theme)] = survey_theme_page(theme, questions, data, nav)
    for theme, questions in by_theme(data.poll, poll_key).items():
        pages[page_name("poll", theme)] = poll_theme_page(theme, questions, data, nav)
    if data.comparisons:
        pages[COMPARISONS] = comparisons_page(data, nav)
    pages[CODEBOOK] = codebook_page(data, nav)
    pages[METHOD] = method_page(data, nav)
    pages[INDEX] = index_page(data, nav)

    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_pages(out_dir, pages)
    written = []
    for name, content in pages.items():
        path = out_dir / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    write_data_files(pages, out_dir)
    return written


def codebook_page(data: Published, nav: str) -> str:
    body = ""
    if data.survey:
        body += "<h2>Enquête auprès des collectivités</h2>" + codebook_table(
            data.survey, "survey", lambda r: question_type_label(r["question_type"])
        )
    if data.poll:
        body += "<h2>Sondage Ipsos (citoyens)</h2>" + codebook_table(
            [r for r in data.poll if is_poll_total(r)],
            "poll",
            lambda r: f"sondage ({comparability_label(r.get('comparability'))})",
        )
    return page("Questionnaires", nav, body, data.release, wide=True)


def codebook_table(rows: list[Row], kind: str, type_of: Callable[[Row], str]) -> str:
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
            f"<td>{text(theme_label(group[0]['theme']))}</td><td>{text(type_of(group[0]))}</td>"
            f"<td>{text(group[0]['question_text'])}</td><td>{html_list(items)}</td>"
            f"<td>{html_list(answers)}</td></tr>"
        )
    return (
        '<div class="scroll" tabindex="0" role="region" '
        f'aria-label="Questionnaires : {"sondage" if kind == "poll" else "enquête"}">'
        '<table><thead><tr><th scope="col">Code</th>'
        '<th scope="col">Vague</th><th scope="col">Thème</th><th scope="col">Type</th>'
        '<th scope="col">Libellé de la vague</th><th scope="col">Items</th>'
        '<th scope="col">Réponses</th></tr></thead><tbody>'
        + "".join(lines)
        + "</tbody></table></div>"
    )


def index_page(data: Published, nav: str) -> str:
    release = data.release
    survey_waves = sorted({r["wave"] for r in data.survey})
    poll_waves = sorted({r["wave"] for r in data.poll})
    published = release.get("published_at")
    facts = [
        ("Publication", release.get("release_id", "n.d.")),
        ("Publiée le", moment(published) if isinstance(published, datetime) else "n.d."),
        ("Version de barometre", release.get("barometre_version", "n.d.")),
        ("Origine des données", ORIGIN_LABELS.get(release.get("origin"), "non précisée")),
        ("Vagues de l'enquête (collectivités)", ", ".join(map(str, survey_waves)) or "aucune"),
        ("Vagues du sondage (citoyens)", ", ".join(map(str, poll_waves)) or "non publié"),
    ]
    body = "<dl>" + "".join(f"<dt>{text(k)}</dt><dd>{text(str(v))}</dd>" for k, v in facts)
    body += "</dl>" + theme_list("Collectivités : enquête", "survey", data.survey, survey_key)
    body += theme_list("Citoyens : sondage Ipsos", "poll", data.poll, lambda r: r["question_id"])
    others = [(COMPARISONS, "Citoyens et collectivités")] if data.comparisons else []
    others.append((METHOD, "Méthode : qui a répondu, règles, bases, pondération, arrondis"))
    others.append((CODEBOOK, "Questionnaires : questions, libellés, items et échelles"))
    body += "<h2>Aussi</h2><ul>" + "".join(
        f'<li><a href="{href}">{text(label)}</a></li>' for href, label in others
    )
    body += "</ul><h2>Lire les graphiques</h2>" + html_list(
        [
            "Sous chaque graphique : la base (effectif du groupe), le libellé exact de la vague, "
            "la source et, dépliables, les données du graphique (à télécharger en CSV).",
            f"⚠ signale une base de moins de {SMALL_BASE} répondants : chiffre à lire avec "
            "prudence (barre estompée).",
            "Les pourcentages affichés sont arrondis au plus proche, à égalité vers le pair, "
            "comme ceux de l'Observatoire.",
        ]
    )
    return page("Baromètre de l'Observatoire Data Publica", nav, body, release)


def theme_list(title: str, kind: str, rows: list[Row], key: Callable[[Row], Hashable]) -> str:
    if not rows:
        return ""
    counts: dict[str, set[Hashable]] = defaultdict(set)
    for row in rows:
        counts[row["theme"]].add(key(row))
    links = "".join(
        f'<li><a href="{page_name(kind, theme)}">{text(theme_label(theme))}</a> '
        f"({len(keys)} question{'s' if len(keys) > 1 else ''})</li>"
        for theme, keys in counts.items()
    )
    return f"<h2>{text(title)}</h2><ul>{links}</ul>"


def method_page(data: Published, nav: str) -> str:
    """Who was asked, how answers are cleaned, bases, weighting, rounding, where the data are."""
    facts = publication()
    sections = {
        "Qui a été interrogé": [
            "Enquête en ligne (LimeSurvey) auprès des collectivités et structures publiques "
            "locales : communes, EPCI, métropoles, départements, régions et autres structures.",
            "Sondage Ipsos auprès d'un échantillon représentatif d'adultes (méthode des quotas : "
            "sexe, âge, profession, catégorie d'agglomération, région), pondéré.",
        ],
        "Règles de nettoyage": [
            "Une réponse est retenue quand elle est complète (la question sur le numérique "
            "responsable, vers la fin du questionnaire, a une réponse).",
            "Une seule réponse par structure : celle qui a le moins de cellules vides (à égalité, "
            "la première reçue). Les réponses écartées sont publiées avec leur raison.",
            "Catégorie et strate viennent du fichier de classement de l'Observatoire ; une "
            f"structure non reconnue est classée « {default_category()} ».",
        ],
        "Bases": [
            f"Les pourcentages portent sur tous les répondants du groupe, « {no_answer_label()} "
            "» compris, comme ceux de l'Observatoire.",
            f"Sous {SMALL_BASE} répondants, un chiffre est signalé par ⚠ : à lire avec prudence.",
        ],
        "Pondération": [
            "Le « Total pondéré » redresse les réponses sur les effectifs nationaux de "
            "collectivités par strate ; les communes de moins de 3 500 habitants et "
            f"« {default_category()} » ne pèsent rien. Les résultats du sondage sont pondérés "
            "par Ipsos.",
        ],
        "Arrondis": [
            "Les pourcentages sont arrondis à l'entier, à égalité vers le pair ; les barres "
            "sont tracées avec les valeurs non arrondies.",
        ],
        "Pour aller plus loin": [
            f"Données sous licence {facts['licence_title']}.",
        ],
    }
    body = "".join(f"<h2>{text(title)}</h2>{html_list(items)}" for title, items in sections.items())
    body += (
        f'<p><a href="{CODEBOOK}">Les questionnaires</a> : chaque question de chaque vague. '
        "Les tables complètes (CSV, dictionnaire des données, classeurs Excel) sont dans le "
        "dossier <code>open_data</code> de chaque publication.</p>"
    )
    return page("Méthode", nav, body, data.release)


def remove_stale_pages(out_dir: Path, pages: dict[str, str]) -> None:
    """A theme gone from the release must not keep its old page; other files are left alone."""
    for pattern in ("survey-*.html", "poll-*.html", COMPARISONS, METHOD):
        for path in out_dir.glob(pattern):
            if path.name not in pages:
                path.unlink()
