"""The SYNTHETIC 2023 wave of the bundled sample landing folder.

Everything written here is FICTIVE sample data made up by a seeded pseudo-random generator
from the codebook seeds. It is NOT the Observatoire Data Publica's data: no row comes from the
real 2023 export, every structure name contains "fictif"/"fictive" (test answers aside, which
are literally "test"/"bla"), and the e-mails, names, job titles and phone numbers are invented.

The files mimic the 2023 LimeSurvey export ("full question text" headers with whitespace
quirks, `N/A` cells, uploads, timing columns) and the Observatoire's respondents reference
file. The respondent mix (complete, duplicated, incomplete and test answers) is built so that
the Observatoire's cleaning rules (methodology note §2-3) keep exactly the 191 respondents of
the 2023 wave, in the same groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from random import Random

from barometre import codebook
from barometre.codebook import Question
from barometre.ingest.landing import REFERENCE_COLUMNS, REFERENCE_FILE_NAME
from barometre.synthetic.cells import (
    Answering,
    Structure,
    count_empty,
    digits,
    free_text,
    hidden_cells,
    is_shown,
    make_row,
    normalise_name,
    places,
    random_seed,
    typed_variant,
    write_csv,
)
from barometre.synthetic.questionnaire import Survey, build_survey

WAVE = "2023"  # the wave this module's respondent mix reproduces (others: survey_calibrated)
EXPORT_FILENAME = "results-survey-sample.csv"
FIRST_RESPONSE_ID = 5

# Retained respondents per reference category ("" = not classified: the default category).
RETAINED_COUNTS = (
    ("Commune", 30),
    ("EPCI", 33),
    ("Metropole", 18),
    ("Departement", 25),
    ("Region", 10),
    ("", 75),
)
# Commune strata (bounds from seeds/survey_groups.csv; the smallest and the largest commune
# drawn are the generator's): (lower, upper exclusive, count, boundary value used once).
COMMUNE_STRATA = tuple(
    (
        stratum.population_min or 80,
        stratum.population_max or 900000,
        count,
        stratum.population_min or stratum.population_max - 1,
    )
    for stratum, count in zip(codebook.strata(), (9, 6, 10, 5), strict=True)
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
    # 2022's self-declared EPCI, métropoles included
    "EPCI_or_Metropole": (
        "Communauté de communes fictive du {}",
        "Communauté d'agglomération fictive de {}",
    ),
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


@dataclass(eq=False)
class Record:
    """One export row, its reference line and its place in a duplicate group."""

    row: list[str]
    structure_name: str
    reference: Structure | None
    group: int | None = None
    rank: int = 0  # order inside the duplicate group: lower ranks get lower response ids


def make_structure(rng: Random, category: str, place: str, population: int | None) -> Structure:
    typed = rng.choice(NAME_TEMPLATES[category]).format(place)
    siren = "2" + digits(rng, 8) if category else ""
    if siren and rng.random() < 0.25:
        siren = f"{siren[:3]} {siren[3:6]} {siren[6:]}"  # as some reference rows have it
    if category in ("EPCI", "EPCI_or_Metropole"):  # the latter: 2022's EPCI, métropoles included
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
        self.places = places(rng)
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
        return typed_variant(self.rng, target.structure_name), target.reference

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
        row[self.survey.first_column["random_seed"]] = random_seed(self.rng)
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
                row[span.start : span.stop] = hidden_cells(question)
            elif _is_open_question(question) and is_shown(question, answers):
                row[span.start] = row[span.start] or free_text(self.rng, self.counter)
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


def generate_sample_landing(landing_dir: Path, seed: int = 2023) -> list[Path]:
    """Write the synthetic 2023 landing folder under landing_dir; return the written files."""
    survey = build_survey(WAVE)
    builder = MixBuilder(Random(seed), survey)
    builder.build()
    records = builder.ordered()
    wave_dir = Path(landing_dir) / "survey" / WAVE
    reference = builder.reference_rows(records)
    return [
        write_csv(wave_dir / EXPORT_FILENAME, survey.headers, [r.row for r in records]),
        write_csv(wave_dir / REFERENCE_FILE_NAME, REFERENCE_COLUMNS, reference),
    ]
