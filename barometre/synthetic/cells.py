"""The cells of one SYNTHETIC export row: made-up personal values (names, e-mails, phone numbers,
SIRET, free text, uploads) and answers that follow the questionnaire's filters, pages reached and
skipped answers. Nothing here describes a real respondent."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from random import Random

from barometre.codebook import Item, Question, not_shown_label, ticked_label
from barometre.synthetic.questionnaire import Survey, column_count

TICKED, UNTICKED = ticked_label(), "Non"  # how LimeSurvey exports a multi-select item
NOT_SHOWN = not_shown_label()  # and a cell the questionnaire's logic did not show
SUBMITTED_AT = "1980-01-01 00:00:00"
FINAL_PAGE = "13"
# Abbreviations the Observatoire applies to normalised names (methodology note §3.3).
NAME_ABBREVIATIONS = (("COMMUNAUTE DE COMMUNES ", "CC "), ("COMMUNAUTE D AGGLOMERATION ", "CA "))
PLACE_HEADS = (
    "Val", "Mont", "Bel", "Clair", "Roche", "Font", "Ker", "Pré", "Haut", "Bois",
    "Lac", "Mar", "Vert", "Sable", "Pierre", "Chêne", "Fleur", "Grand", "Neuf", "Saule",
)  # fmt: skip
PLACE_TAILS = (
    "bois", "fleury", "mont", "rive", "champ", "val", "roche", "lieu",
    "court", "ville", "mare", "sèche", "castel", "brune", "clos",
)  # fmt: skip
FIRST_NAMES = (
    "Camille", "Dominique", "Claude", "Sacha", "Alix", "Morgan", "Lou", "Maxime", "Charlie",
    "Andréa", "Noé", "Élise", "Hugo", "Inès", "Jules", "Léa", "Mathis", "Nadia", "Paul", "Zoé",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Roux", "Fontaine",
    "Chevalier", "Girard", "Bonnet",
)  # fmt: skip
JOB_TITLES = (
    "Chargée de mission données",
    "Directeur des systèmes d'information",
    "DPO",
    "Responsable SIG",
    "Directrice générale des services",
    "Chef de projet open data",
    "Administratrice générale des données",
    "Élu délégué au numérique",
)
FREE_TEXT_SNIPPETS = (
    "réflexion en cours, avec la direction des systèmes d'information",
    "projet mutualisé avec l'intercommunalité, à confirmer en conseil",
    "pas encore de budget dédié, mais un groupe de travail existe",
    "inventaire des jeux de données lancé, puis un catalogue en 2024",
    "sujet porté par la direction générale ; calendrier à préciser",
)


@dataclass(frozen=True)
class Structure:
    """One line of the reference file, minus the response id."""

    typed_name: str
    normalised_name: str
    siren: str
    cog: str
    population: str
    category: str


@dataclass
class Answering:
    """What a respondent did: how far they went and how much they skipped."""

    structure_name: str
    structure: Structure | None
    pages_answered: int
    submitted: bool
    skip_rate: float = 0.0


def places(rng: Random) -> list[str]:
    places = [head + tail for head in PLACE_HEADS for tail in PLACE_TAILS if head.lower() != tail]
    rng.shuffle(places)
    return places


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise_name(name: str) -> str:
    """Upper case, no accents, no punctuation, Observatoire abbreviations (§3.3)."""
    words = strip_accents(re.sub(r"[\W_]+", " ", name)).upper().split()
    normalised = " ".join(words)
    for long, short in NAME_ABBREVIATIONS:
        if normalised.startswith(long):
            normalised = short + normalised[len(long) :]
    return normalised


def typed_variant(rng: Random, name: str) -> str:
    """Another way of typing a name that normalises to the same string."""
    variants: tuple[Callable[[str], str], ...] = (
        str.lower,
        str.upper,
        strip_accents,
        lambda s: s.replace(" ", "  ", 1),
        lambda s: s.replace("'", "’"),
    )
    return rng.choice(variants)(name)


def digits(rng: Random, count: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(count))


def _phone(rng: Random) -> str:
    return "0" + rng.choice("67") + " " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))


def random_seed(rng: Random) -> str:
    """LimeSurvey's "Tête de série": a 9 or 10 digit integer."""
    return str(rng.randint(100_000_000, 2_147_483_647))


def _seconds(rng: Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high), 2)


def weighted_option(rng: Random, options: Sequence[str]) -> str:
    # Earlier options are more likely, so follow-up questions (shown on a yes) get answers.
    weights = [len(options) - i for i in range(len(options))]
    return rng.choices(list(options), weights=weights)[0]


def free_text(rng: Random, counter: list[int]) -> str:
    counter[0] += 1
    text = f"Texte libre fictif {counter[0]:04d} : {rng.choice(FREE_TEXT_SNIPPETS)}"
    if rng.random() < 0.3:
        text += f"\nDeuxième ligne fictive, {rng.choice(FREE_TEXT_SNIPPETS)}"
    if rng.random() < 0.2:
        text += f" Contact : {_phone(rng)}"
    return text


def _upload_json(rng: Random, counter: list[int]) -> str:
    counter[0] += 1
    token = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(15))
    size = round(rng.uniform(10, 2000), 2)
    return (
        f'[{{ "title":"Document fictif","comment":"","size":"{size}",'
        f'"name":"doc_fictif_{counter[0]:03d}.pdf","filename":"fu_{token}","ext":"pdf" }}]'
    )


def contact(rng: Random) -> dict[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    slug = strip_accents(f"{first}.{last}").lower()
    return {
        "contact_email": f"{slug}@exemple.fr",
        "contact_first_name": first,
        "contact_last_name": last,
        "contact_job_title": rng.choice(JOB_TITLES),
    }


def _siret(rng: Random, structure: Structure | None) -> str:
    siren = structure.siren.replace(" ", "") if structure else ""
    if not siren:
        return rng.choice(("", "Non communiqué", digits(rng, 14)))
    siret = siren + digits(rng, 5)
    if rng.random() < 0.3:
        return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    return siret


def is_shown(question: Question, answers: dict[str, str]) -> bool:
    if question.shown_if is None:
        return True
    parent, prefix = question.shown_if
    return answers.get(parent, "").startswith(prefix)


def _is_reached(survey: Survey, question: Question, who: Answering) -> bool:
    return survey.page_of(question.question_id) <= who.pages_answered


def hidden_cells(question: Question) -> list[str]:
    # LimeSurvey marks the checkboxes that were not shown (or not reached)
    if question.qtype == "multi_select":
        return [NOT_SHOWN if item.kind == "choice" else "" for item in question.items]
    return [""] * column_count(question)


def metadata_cell(question: Question, rng: Random, who: Answering) -> str:
    if question.question_id == "submitted_at":
        return SUBMITTED_AT if who.submitted else ""
    if question.question_id == "last_page":
        if who.submitted:
            return FINAL_PAGE
        return str(who.pages_answered) if who.pages_answered else rng.choice(("", "0"))
    if question.question_id == "start_language":
        return "fr"
    if question.question_id == "random_seed":
        return random_seed(rng)
    return ""  # response id: set once rows are in their final order


def checkbox_cell(rng: Random, item: Item, counter: list[int]) -> str:
    if item.kind == "choice":
        return rng.choices((TICKED, UNTICKED), weights=(2, 3))[0]
    if rng.random() >= 0.15:
        return ""
    counter[0] += 1
    return f"Précision fictive {counter[0]:04d}, à détailler"


def answer_cells(
    question: Question, rng: Random, survey: Survey, who: Answering, counter: list[int]
) -> list[str]:
    skip = who.skip_rate
    if question.qtype == "single_choice":
        if question.question_id != survey.completeness_id and rng.random() < 0.03 + skip:
            return [""]
        return [weighted_option(rng, question.options)]
    if question.qtype == "multi_select":
        return [checkbox_cell(rng, item, counter) for item in question.items]
    if question.qtype == "array":
        return [
            "" if rng.random() < 0.05 + skip else weighted_option(rng, question.options)
            for _ in question.items
        ]
    if question.qtype == "ranking":
        if rng.random() < 0.1 + skip:
            return [""] * len(question.items)
        return rng.sample(list(question.options), len(question.items))
    if question.qtype == "upload":
        return [_upload_json(rng, counter), "1"] if rng.random() < 0.1 else ["", "0"]
    # free_text
    if question.question_id == "structure_name":
        return [who.structure_name]
    if question.question_id == "structure_siret":
        return [_siret(rng, who.structure)]
    if not question.text or rng.random() >= 0.3 * (1 - skip):
        return [""]  # the untitled column is never filled in the real export
    return [free_text(rng, counter)]


def timing_cells(rng: Random, survey: Survey, who: Answering) -> list[str]:
    cells: list[str] = []
    total = 0.0
    for index, page in enumerate(survey.pages, start=1):
        if index > who.pages_answered:
            cells.extend([""] * (1 + len(page)))
            continue
        page_seconds = _seconds(rng, 8, 420)
        total += page_seconds
        cells.append(str(page_seconds))
        cells.extend(str(_seconds(rng, 1, page_seconds)) for _ in page)
    return [str(round(total + rng.uniform(0, 30), 2))] + cells


def make_row(rng: Random, survey: Survey, who: Answering, counter: list[int]) -> list[str]:
    answers: dict[str, str] = {}
    person = contact(rng) if rng.random() < 0.9 else {}
    row: list[str] = []
    for question in survey.questions:
        if question.qtype == "metadata":
            cells = [metadata_cell(question, rng, who)]
        elif not _is_reached(survey, question, who) or not is_shown(question, answers):
            cells = hidden_cells(question)
        elif question.qtype == "personal":
            cells = [person.get(question.question_id, "")]
        else:
            cells = answer_cells(question, rng, survey, who, counter)
        answers[question.question_id] = cells[0]
        row.extend(cells)
    row.extend(timing_cells(rng, survey, who))
    if len(row) != len(survey.headers):
        raise AssertionError("row and header lengths differ")
    return row


def count_empty(row: Sequence[str]) -> int:
    return sum(1 for cell in row if cell == "")


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path
