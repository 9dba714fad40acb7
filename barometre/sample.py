"""Generate the SYNTHETIC sample landing folder bundled with barometre.

Everything written here is FICTIVE sample data made up by a seeded pseudo-random generator
from the codebook seeds. It is NOT the Observatoire Data Publica's data: no row comes from the
real 2023 export, every structure name contains "fictif"/"fictive" (test answers aside, which
are literally "test"/"bla"), and the e-mails, names, job titles and phone numbers are invented.

The files mimic the 2023 LimeSurvey export ("full question text" headers with whitespace
quirks, `N/A` cells, uploads, timing columns) and the Observatoire's respondents reference
file. The respondent mix (complete, duplicated, incomplete and test answers) is built so that
the Observatoire's cleaning rules (methodology note §2-3) keep exactly the 191 respondents of
the 2023 wave, in the same groups.

Usage: ``python -m barometre.sample OUT_DIR``
"""

from __future__ import annotations

import argparse
import csv
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from barometre import settings
from barometre.landing import ORIGIN_NOTES, SYNTHETIC

WAVE = "2023"  # the wave this module's respondent mix reproduces (others: sample_calibrated)
SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"
EXPORT_FILENAME = "results-survey-sample.csv"
REFERENCE_FILENAME = "respondents_reference.csv"
REFERENCE_COLUMNS = (
    "response_id",
    "structure_name",
    "normalised_name",
    "siren",
    "cog",
    "population",
    "category",
)
SUBMITTED_AT = "1980-01-01 00:00:00"
FINAL_PAGE = "13"
FIRST_RESPONSE_ID = 5
ITEM_SEPARATORS = (" ", "  ", "    ")
NBSP = "\u00a0"

# Retained respondents per reference category ("" = not classified, i.e. "Autre").
RETAINED_COUNTS = (
    ("Commune", 30),
    ("EPCI", 33),
    ("Metropole", 18),
    ("Departement", 25),
    ("Region", 10),
    ("", 75),
)
# Commune strata: (lower, upper exclusive, count, boundary value used once).
COMMUNE_STRATA = (
    (80, 3500, 9, 3499),
    (3500, 10000, 6, 3500),
    (10000, 100000, 10, 10000),
    (100000, 900000, 5, 100000),
)
# (category, index among retained of that category, number of strictly emptier duplicates).
DUPLICATE_PLAN = (
    ("Region", 1, 3),
    ("Metropole", 1, 2),
    ("Departement", 1, 2),
    ("Commune", 0, 1),
    ("EPCI", 0, 1),
    ("", 1, 1),
    ("", 2, 1),
)
TIE_TARGET = ("EPCI", 1)
SKIPPED_NR_TARGET = ("EPCI", 2)
RESTART_TARGET = ("Commune", 12)
CONFLICT_TARGET = ("Metropole", 0)
COPIED_REFERENCE_TARGET = ("Departement", 0)
PARTIAL_RETAINED_TARGET = ("", 0)
TEST_ANSWERS = (("test", "TEST"), ("test", "TEST"), ("bla", "BLA"), ("Test", "TEST"))
EMPTY_STARTS = 8

NAME_TEMPLATES: dict[str, tuple[str, ...]] = {
    "Commune": ("Commune fictive de {}", "Mairie fictive de {}", "Ville fictive de {}"),
    "EPCI": ("Communauté de communes fictive du {}", "Communauté d'agglomération fictive de {}"),
    "Metropole": ("Métropole fictive de {}",),
    "Departement": ("Département fictif de {}", "Conseil départemental fictif de {}"),
    "Region": ("Région fictive {}",),
    "": (
        "Syndicat mixte fictif du numérique de {}",
        "Agence fictive des données de {}",
        "Université fictive de {}",
        "Société fictive {} Conseil",
        "Service départemental d’incendie fictif de {}",
        "CCAS fictif de {}",
        "Direction régionale fictive de {}",
        "Association fictive {} Numérique",
    ),
}
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
THEME_PAGE_LABELS = {
    "respondent": "Vous connaître",
    "law_governance": "Droit et gouvernance des données",
    "data_usage": "Usages des données",
    "culture_skills": "Culture et compétences",
    "artificial_intelligence": "Intelligence artificielle",
    "infrastructure_technology": "Infrastructures et technologies",
    "cybersecurity": "Cybersécurité",
    "responsible_digital": "Numérique responsable",
}


@dataclass(frozen=True)
class Item:
    label: str
    kind: str  # choice | free_text
    code: str = ""  # stable item code (survey_question_items.item_code)
    subcode: str = ""  # LimeSurvey subquestion code, for waves whose headers carry codes


@dataclass(frozen=True)
class Question:
    question_id: str
    order: int
    theme: str
    qtype: str
    text: str
    shown_if: tuple[str, str] | None
    items: tuple[Item, ...]
    options: tuple[str, ...]
    code: str = ""  # LimeSurvey question code, for waves whose headers carry codes (2022)
    option_codes: tuple[str, ...] = ()  # answer_crosswalk.answer_code of each option


@dataclass(frozen=True)
class Structure:
    """One line of the reference file, minus the response id."""

    typed_name: str
    normalised_name: str
    siren: str
    cog: str
    population: str
    category: str


@dataclass(eq=False)
class Record:
    """One export row, its reference line and its place in a duplicate group."""

    row: list[str]
    structure_name: str
    reference: Structure | None
    group: int | None = None
    rank: int = 0  # order inside the duplicate group: lower ranks get lower response ids


@dataclass
class Survey:
    """The questionnaire laid out as export columns."""

    questions: list[Question]
    pages: list[list[Question]]
    completeness_id: str
    headers: list[str] = field(default_factory=list)
    first_column: dict[str, int] = field(default_factory=dict)
    page_index: dict[str, int] = field(default_factory=dict)

    def page_of(self, question_id: str) -> int:
        return self.page_index.get(question_id, 0)  # 0 = metadata, on no page

    def span(self, question_id: str) -> range:
        start = self.first_column[question_id]
        question = next(q for q in self.questions if q.question_id == question_id)
        return range(start, start + column_count(question))


# ---------------------------------------------------------------------------------------------
# Codebook seeds
# ---------------------------------------------------------------------------------------------


def _read_seed(name: str, wave: str) -> list[dict[str, str]]:
    with (SEEDS_DIR / name).open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["wave"] == wave]


def _ordered(rows: list[dict[str, str]], order_key: str) -> dict[str, list[dict[str, str]]]:
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in sorted(rows, key=lambda r: (r["question_id"], int(r[order_key]))):
        grouped.setdefault(row["question_id"], []).append(row)
    return grouped


def load_questions(wave: str) -> list[Question]:
    items = _ordered(_read_seed("survey_question_items.csv", wave), "item_order")
    options = _ordered(_read_seed("answer_crosswalk.csv", wave), "answer_order")
    questions = []
    for row in _read_seed("question_crosswalk.csv", wave):
        qid = row["question_id"]
        parent, _, prefix = row["shown_if"].partition(":")
        questions.append(
            Question(
                question_id=qid,
                order=int(row["question_order"]),
                theme=row["theme"],
                qtype=row["question_type"],
                text=row["question_text"],
                shown_if=(parent, prefix) if parent else None,
                items=tuple(
                    Item(i["item_label"], i["item_kind"], i["item_code"], i["subquestion_code"])
                    for i in items.get(qid, [])
                ),
                options=tuple(o["answer_label"] for o in options.get(qid, [])),
                code=row["question_code"],
                option_codes=tuple(o["answer_code"] for o in options.get(qid, [])),
            )
        )
    return sorted(questions, key=lambda q: q.order)


def load_completeness_question_id(wave: str) -> str:
    return _read_seed("survey_waves.csv", wave)[0]["completeness_question_id"]


# ---------------------------------------------------------------------------------------------
# Columns and headers
# ---------------------------------------------------------------------------------------------


def column_count(question: Question) -> int:
    if question.items:
        return len(question.items)
    return 2 if question.qtype == "upload" else 1


def split_pages(questions: list[Question]) -> list[list[Question]]:
    """One page per run of consecutive questions sharing a theme (metadata is on no page)."""
    pages: list[list[Question]] = []
    for question in questions:
        if question.qtype == "metadata":
            continue
        if pages and pages[-1][-1].theme == question.theme:
            pages[-1].append(question)
        else:
            pages.append([question])
    return pages


def _stem(question: Question) -> str:
    # A no-break space before the final "?" on a few questions, as in the real export.
    if question.order % 11 == 5 and question.text.endswith(" ?"):
        return question.text[:-2] + NBSP + "?"
    return question.text


def question_headers(question: Question) -> list[str]:
    """The export's headers: "<stem> [<item>]", or with codes "<code>[<sub>]. <stem> [<item>]"."""
    stem = _stem(question)
    if question.items:
        separator = ITEM_SEPARATORS[question.order % 3]
        return [
            f"{_code_prefix(question, item)}{stem}{separator}[{item.label}]"
            for item in question.items
        ]
    # Trailing spaces on some headers, as in the real export (never on the untitled column).
    header = _code_prefix(question) + (stem + " " if stem and question.order % 7 == 0 else stem)
    return [header, f"filecount - {header}"] if question.qtype == "upload" else [header]


def _code_prefix(question: Question, item: Item | None = None) -> str:
    if not question.code:
        return ""
    return f"{question.code}[{item.subcode}]. " if item else f"{question.code}. "


def _page_name(index: int, page: list[Question]) -> str:
    # The real export has one untitled page: keep its timing header name empty too.
    if not any(q.text for q in page):
        return ""
    return f"Page {index:02d} (exemple) - {THEME_PAGE_LABELS.get(page[0].theme, page[0].theme)}"


def timing_headers(pages: list[list[Question]], coded: bool = False) -> list[str]:
    # A coded export names timings too ("interviewtime. Temps total :").
    headers = [("interviewtime. " if coded else "") + "Temps total :"]
    for index, page in enumerate(pages, start=1):
        prefix = f"G{index}time. " if coded else ""
        headers.append(f"{prefix}Durée pour le groupe : {_page_name(index, page)}")
        headers.extend(
            f"{q.code + 'time. ' if coded else ''}Durée pour la question: Q{q.order:02d}"
            for q in page
        )
    return headers


def build_survey(wave: str = WAVE) -> Survey:
    questions = load_questions(wave)
    survey = Survey(questions, split_pages(questions), load_completeness_question_id(wave))
    for index, page in enumerate(survey.pages, start=1):
        survey.page_index.update((q.question_id, index) for q in page)
    for question in questions:
        survey.first_column[question.question_id] = len(survey.headers)
        survey.headers.extend(question_headers(question))
    survey.headers.extend(timing_headers(survey.pages, coded=any(q.code for q in questions)))
    return survey


# ---------------------------------------------------------------------------------------------
# Fake values
# ---------------------------------------------------------------------------------------------


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


def _typed_variant(rng: Random, name: str) -> str:
    """Another way of typing a name that normalises to the same string."""
    variants: tuple[Callable[[str], str], ...] = (
        str.lower,
        str.upper,
        strip_accents,
        lambda s: s.replace(" ", "  ", 1),
        lambda s: s.replace("'", "’"),
    )
    return rng.choice(variants)(name)


def _digits(rng: Random, count: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(count))


def _phone(rng: Random) -> str:
    return "0" + rng.choice("67") + " " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))


def _random_seed(rng: Random) -> str:
    """LimeSurvey's "Tête de série": a 9 or 10 digit integer."""
    return str(rng.randint(100_000_000, 2_147_483_647))


def _seconds(rng: Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high), 2)


def _weighted_option(rng: Random, options: Sequence[str]) -> str:
    # Earlier options are more likely, so follow-up questions (shown on "Oui") get answers.
    weights = [len(options) - i for i in range(len(options))]
    return rng.choices(list(options), weights=weights)[0]


def _free_text(rng: Random, counter: list[int]) -> str:
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


def _contact(rng: Random) -> dict[str, str]:
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
        return rng.choice(("", "Non communiqué", _digits(rng, 14)))
    siret = siren + _digits(rng, 5)
    if rng.random() < 0.3:
        return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    return siret


# ---------------------------------------------------------------------------------------------
# One export row
# ---------------------------------------------------------------------------------------------


@dataclass
class Answering:
    """What a respondent did: how far they went and how much they skipped."""

    structure_name: str
    structure: Structure | None
    pages_answered: int
    submitted: bool
    skip_rate: float = 0.0


def _is_shown(question: Question, answers: dict[str, str]) -> bool:
    if question.shown_if is None:
        return True
    parent, prefix = question.shown_if
    return answers.get(parent, "").startswith(prefix)


def _is_reached(survey: Survey, question: Question, who: Answering) -> bool:
    return survey.page_of(question.question_id) <= who.pages_answered


def _hidden_cells(question: Question) -> list[str]:
    # LimeSurvey writes N/A for checkboxes that were not shown (or not reached).
    if question.qtype == "multi_select":
        return ["N/A" if item.kind == "choice" else "" for item in question.items]
    return [""] * column_count(question)


def _metadata_cell(question: Question, rng: Random, who: Answering) -> str:
    if question.question_id == "submitted_at":
        return SUBMITTED_AT if who.submitted else ""
    if question.question_id == "last_page":
        if who.submitted:
            return FINAL_PAGE
        return str(who.pages_answered) if who.pages_answered else rng.choice(("", "0"))
    if question.question_id == "start_language":
        return "fr"
    if question.question_id == "random_seed":
        return _random_seed(rng)
    return ""  # response id: set once rows are in their final order


def _checkbox_cell(rng: Random, item: Item, counter: list[int]) -> str:
    if item.kind == "choice":
        return rng.choices(("Oui", "Non"), weights=(2, 3))[0]
    if rng.random() >= 0.15:
        return ""
    counter[0] += 1
    return f"Précision fictive {counter[0]:04d}, à détailler"


def _answer_cells(
    question: Question, rng: Random, survey: Survey, who: Answering, counter: list[int]
) -> list[str]:
    skip = who.skip_rate
    if question.qtype == "single_choice":
        if question.question_id != survey.completeness_id and rng.random() < 0.03 + skip:
            return [""]
        return [_weighted_option(rng, question.options)]
    if question.qtype == "multi_select":
        return [_checkbox_cell(rng, item, counter) for item in question.items]
    if question.qtype == "array":
        return [
            "" if rng.random() < 0.05 + skip else _weighted_option(rng, question.options)
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
    return [_free_text(rng, counter)]


def _timing_cells(rng: Random, survey: Survey, who: Answering) -> list[str]:
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
    contact = _contact(rng) if rng.random() < 0.9 else {}
    row: list[str] = []
    for question in survey.questions:
        if question.qtype == "metadata":
            cells = [_metadata_cell(question, rng, who)]
        elif not _is_reached(survey, question, who) or not _is_shown(question, answers):
            cells = _hidden_cells(question)
        elif question.qtype == "personal":
            cells = [contact.get(question.question_id, "")]
        else:
            cells = _answer_cells(question, rng, survey, who, counter)
        answers[question.question_id] = cells[0]
        row.extend(cells)
    row.extend(_timing_cells(rng, survey, who))
    if len(row) != len(survey.headers):
        raise AssertionError("row and header lengths differ")
    return row


def count_empty(row: Sequence[str]) -> int:
    return sum(1 for cell in row if cell == "")


# ---------------------------------------------------------------------------------------------
# Respondent mix
# ---------------------------------------------------------------------------------------------


def _places(rng: Random) -> list[str]:
    places = [head + tail for head in PLACE_HEADS for tail in PLACE_TAILS if head.lower() != tail]
    rng.shuffle(places)
    return places


def make_structure(rng: Random, category: str, place: str, population: int | None) -> Structure:
    typed = rng.choice(NAME_TEMPLATES[category]).format(place)
    siren = "2" + _digits(rng, 8) if category else ""
    if siren and rng.random() < 0.25:
        siren = f"{siren[:3]} {siren[3:6]} {siren[6:]}"  # as some reference rows have it
    if category == "EPCI":
        population = rng.randint(8_000, 250_000)
    elif category == "Metropole":
        population = rng.randint(250_000, 1_500_000)
    # Department "99" is INSEE's code for abroad, so these COG never hit a real commune.
    cog = f"99{rng.randint(0, 999):03d}" if category == "Commune" else ""
    return Structure(
        typed_name=typed,
        normalised_name=normalise_name(typed),
        siren=siren,
        cog=cog,
        population="" if population is None else str(population),
        category=category,
    )


def retained_structures(rng: Random, places: list[str]) -> dict[str, list[Structure]]:
    by_category: dict[str, list[Structure]] = {}
    for category, count in RETAINED_COUNTS:
        populations: list[int | None] = [None] * count
        if category == "Commune":
            populations = [
                boundary if k == 0 else rng.randint(low, high - 1)
                for low, high, size, boundary in COMMUNE_STRATA
                for k in range(size)
            ]
        by_category[category] = [
            make_structure(rng, category, places.pop(), population) for population in populations
        ]
    return by_category


class MixBuilder:
    """Builds every record of the sample: retained, duplicates, incomplete and test answers."""

    def __init__(self, rng: Random, survey: Survey) -> None:
        self.rng = rng
        self.survey = survey
        self.counter = [0]
        self.places = _places(rng)
        self.records: list[Record] = []
        self.targets: dict[tuple[str, int], Record] = {}
        self.nr_page = survey.page_of(survey.completeness_id)

    def _row(self, who: Answering) -> list[str]:
        return make_row(self.rng, self.survey, who, self.counter)

    def _add(self, row: list[str], name: str, ref: Structure | None, **kw: int) -> Record:
        record = Record(row, name, ref, **kw)
        self.records.append(record)
        return record

    def build(self) -> list[Record]:
        for category, structures in retained_structures(self.rng, self.places).items():
            for index, structure in enumerate(structures):
                self.targets[(category, index)] = self._add_retained(category, index, structure)
        for category, index, count in DUPLICATE_PLAN:
            for k in range(count):
                # Alternate before/after the retained row: neither first nor last answer wins.
                rank = -1 if k % 2 == 0 else 1
                self._add_emptier_duplicate(self.targets[(category, index)], rank)
        self._add_tie(self.targets[TIE_TARGET])
        self._add_skipped_nr(self.targets[SKIPPED_NR_TARGET])
        self._add_incomplete(self.targets[RESTART_TARGET])
        self._add_test_answers()
        return self.records

    def _add_retained(self, category: str, index: int, structure: Structure) -> Record:
        # One retained respondent stops right after the completeness question (like ID 1053):
        # not submitted, yet complete under the Observatoire's rule.
        partial = (category, index) == PARTIAL_RETAINED_TARGET
        pages = self.nr_page if partial else len(self.survey.pages)
        who = Answering(structure.typed_name, structure, pages, submitted=not partial)
        return self._add(self._row(who), structure.typed_name, structure, group=len(self.targets))

    def _duplicate_name(self, target: Record) -> tuple[str, Structure]:
        if target.reference is None:
            raise AssertionError("duplicates need a reference row")
        return _typed_variant(self.rng, target.structure_name), target.reference

    def _blankable(self) -> list[int]:
        """Answer cells that can be blanked without breaking skip logic."""
        parents = [q.shown_if[0] for q in self.survey.questions if q.shown_if]
        indices: list[int] = []
        for question in self.survey.questions:
            qid = question.question_id
            kept = [*parents, self.survey.completeness_id]
            if question.qtype in ("single_choice", "array") and qid not in kept:
                indices.extend(self.survey.span(qid))
        return indices

    def _add_emptier_duplicate(self, target: Record, rank: int) -> None:
        name, ref = self._duplicate_name(target)
        who = Answering(name, ref, len(self.survey.pages), submitted=True, skip_rate=0.3)
        row = self._row(who)
        # Blank answers until the duplicate is strictly emptier, so the retained row wins.
        candidates = [i for i in self._blankable() if row[i]]
        while count_empty(row) <= count_empty(target.row):
            row[candidates.pop(self.rng.randrange(len(candidates)))] = ""
        self._add(row, name, ref, group=_group(target), rank=rank)

    def _copy_row(self, target: Record, name: str) -> list[str]:
        row = list(target.row)
        row[self.survey.first_column["structure_name"]] = name
        row[self.survey.first_column["random_seed"]] = _random_seed(self.rng)
        return row

    def _add_tie(self, target: Record) -> None:
        """Same empty count as the retained row but a higher response id: it loses."""
        name, ref = self._duplicate_name(target)
        row = self._copy_row(target, name)
        for question in self.survey.questions:
            if question.qtype == "array":
                for i in self.survey.span(question.question_id):
                    row[i] = self.rng.choice(question.options) if row[i] else ""
        if count_empty(row) != count_empty(target.row):
            raise AssertionError("the tie must have the same empty count")
        self._add(row, name, ref, group=_group(target), rank=2)

    def _add_skipped_nr(self, target: Record) -> None:
        """Finished but skipped the completeness question: fewer empty cells, still dropped."""
        name, ref = self._duplicate_name(target)
        row = self._copy_row(target, name)
        answers: dict[str, str] = {}
        for question in self.survey.questions:
            span = self.survey.span(question.question_id)
            if question.question_id == self.survey.completeness_id:
                row[span.start] = ""
            elif question.shown_if and question.shown_if[0] == self.survey.completeness_id:
                row[span.start : span.stop] = _hidden_cells(question)
            elif _is_open_question(question) and _is_shown(question, answers):
                row[span.start] = row[span.start] or _free_text(self.rng, self.counter)
            answers[question.question_id] = row[span.start]
        if count_empty(row) >= count_empty(target.row):
            raise AssertionError("the skipped-NR response must have fewer empty cells")
        self._add(row, name, ref)

    def _add_incomplete(self, restart_target: Record) -> None:
        """Stopped before the completeness question, with or without a reference row."""
        named: list[tuple[str, Structure | None]] = []
        for category in ("Commune", "EPCI", "", "Commune", ""):
            structure = make_structure(self.rng, category, self.places.pop(), 1_200)
            # The last two names were never matched by the Observatoire: no reference row.
            matched = len(named) < 3
            named.append((structure.typed_name, structure if matched else None))
        named.append(self._duplicate_name(restart_target))
        for name, ref in named:
            who = Answering(name, ref, self.rng.randint(1, self.nr_page - 1), submitted=False)
            self._add(self._row(who), name, ref)
        for _ in range(EMPTY_STARTS):
            self._add(self._row(Answering("", None, 0, submitted=False)), "", None)

    def _add_test_answers(self) -> None:
        for typed, normalised in TEST_ANSWERS:
            ref = Structure(typed, normalised, "", "", "", "")
            who = Answering(typed, ref, self.rng.randint(1, 3), submitted=False)
            self._add(self._row(who), typed, ref)

    def ordered(self) -> list[Record]:
        """Shuffle, then order each duplicate group by rank; response ids follow file order."""
        records = list(self.records)
        self.rng.shuffle(records)
        position = {id(record): i for i, record in enumerate(records)}
        for target in self.targets.values():
            members = [r for r in self.records if r.group == target.group]
            slots = sorted(position[id(r)] for r in members)
            for slot, record in zip(slots, sorted(members, key=lambda r: r.rank), strict=True):
                records[slot] = record
        id_column = self.survey.first_column["response_id"]
        for offset, record in enumerate(records):
            record.row[id_column] = str(FIRST_RESPONSE_ID + offset)
        return records

    def reference_rows(self, records: list[Record]) -> list[list[str]]:
        """Reference lines in file order, with one exact copy and one conflicting copy."""
        id_column = self.survey.first_column["response_id"]
        lines: list[list[str]] = []
        conflicting: list[str] = []
        for record in records:
            ref = record.reference
            if ref is None:
                continue
            line = [
                record.row[id_column],
                record.structure_name,
                ref.normalised_name,
                ref.siren,
                ref.cog,
                ref.population,
                ref.category,
            ]
            lines.append(line)
            if record is self.targets[COPIED_REFERENCE_TARGET]:
                lines.append(list(line))
            if record is self.targets[CONFLICT_TARGET]:
                # Listed again further down as a raw "GFP": the first line is the right one.
                conflicting = line[:-1] + ["GFP"]
        return lines + [conflicting]


def _group(record: Record) -> int:
    if record.group is None:
        raise AssertionError("a retained record always has a group")
    return record.group


def _is_open_question(question: Question) -> bool:
    """Free-text questions a respondent may fill in at will (not the identification ones)."""
    identification = ("structure_name", "structure_siret")
    free = question.qtype == "free_text" and bool(question.text)
    return free and question.question_id not in identification


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def generate_sample_landing(landing_dir: Path, seed: int = 2023) -> list[Path]:
    """Write the synthetic 2023 landing folder under landing_dir; return the written files."""
    survey = build_survey()
    builder = MixBuilder(Random(seed), survey)
    builder.build()
    records = builder.ordered()
    wave_dir = Path(landing_dir) / "survey" / WAVE
    reference = builder.reference_rows(records)
    return [
        write_csv(wave_dir / EXPORT_FILENAME, survey.headers, [r.row for r in records]),
        write_csv(wave_dir / REFERENCE_FILENAME, REFERENCE_COLUMNS, reference),
    ]


SYNTHETIC_NOTE = f"""\
# {ORIGIN_NOTES[SYNTHETIC]}

Everything in this folder is written by `barometre sample` (barometre/sample.py,
barometre/sample_calibrated.py, barometre/sample_poll.py) from a seeded pseudo-random generator:
the structures are fictive ("fictif"/"fictive" in every name), the contacts invented, and the
answers made up so that the warehouse's cleaning and tabulation can be exercised and, for 2022
and 2024, so that published figures come out. No row comes from a real respondent. This file
declares the folder's origin `synthetic`: every release built from it says so
(`meta.release.origin`, `meta.release.data_note`, `release.json`), the report shows it on every
page, and a warehouse holding it refuses observed data (a release never mixes the two).
"""


def write_synthetic_marker(landing_dir: Path) -> Path:
    """The marker that makes every release built from the folder say it is synthetic."""
    path = Path(landing_dir) / settings.SYNTHETIC_MARKER
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SYNTHETIC_NOTE, encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the SYNTHETIC (fictive) sample landing.")
    parser.add_argument("out_dir", type=Path, help="landing folder to write into")
    args = parser.parse_args(argv)
    for path in generate_sample_landing(args.out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
