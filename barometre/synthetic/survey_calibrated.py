"""SYNTHETIC sample waves calibrated to published figures (2022, 2024).

Everything written here is FICTIVE sample data, like the 2023 wave (survey_2023.py): made-up
structures ("fictif"/"fictive" in every name), invented contacts, seeded pseudo-random answers.
What is not random is how many respondents give each answer: the counts in
``targets/survey_<wave>.csv`` are met exactly, per segment, so that the warehouse run on
this sample reproduces the Observatoire's published figures for that wave (2022: every count of
its two totals for single-choice and multi-select questions; 2024: the
report's headline figures, listed in seeds/survey_report_figures.csv).

A target row is ``question_id, item_code, answer_code, segment, n``: exactly ``n`` respondents
of ``segment`` give that answer (array: on that row; multi-select: tick that item; answer
``not_shown``: the question is not shown to them). ``segment`` is a reporting group made of
whole cells of the respondent mix (a commune stratum or a category), or ``rest`` for the
respondents of no segment named for that question. Answers no target fixes are drawn at
random among those left.

The respondent mix is the wave's ``seeds/expected_sample_sizes.csv``; a wave classified by
``self_declared`` answers gets the structure type and population band questions answered, a
``reference_file`` wave gets a respondents_reference.csv.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from barometre import codebook
from barometre.codebook import Question, read_seed
from barometre.ingest.landing import REFERENCE_COLUMNS, REFERENCE_FILE_NAME
from barometre.synthetic import cells, questionnaire, survey_2023
from barometre.synthetic.cells import Answering, Structure
from barometre.synthetic.questionnaire import Survey

TARGETS_DIR = Path(__file__).resolve().parent / "targets"
REST = "rest"
NOT_SHOWN = "not_shown"
# Responses the cleaning rules drop, after a wave's retained ones, so that those rules run on
# it (the targets count retained respondents only): how each is dropped, and the retained row
# (its index) it copies.
DROPPED_COPIES = {
    "2022": (("incomplete", 11), ("duplicate", 42), ("incomplete", 150), ("duplicate", 230)),
}
# A population inside each commune stratum (its bounds in seeds/survey_groups.csv; the smallest
# and the largest commune drawn are the generator's), for waves classified from a reference file.
STRATUM_POPULATIONS = {
    stratum.label: (stratum.population_min or 200, (stratum.population_max or 800001) - 1)
    for stratum in codebook.strata()
}
SMALL_COMMUNES = codebook.strata()[0].label
COMMUNES = codebook.strata()[0].parent  # the category the strata split
OTHER = codebook.default_category()
PLACE_SUFFIXES = ("", "-sur-Loire", "-les-Bains")
# The category code (and so the name template) of each non-commune cell: the first code of
# seeds/structure_categories.csv classified into it ("" for the default category).
CELL_CATEGORIES = {OTHER: ""} | {
    label: code for code, label in reversed(codebook.category_labels().items())
}


@dataclass
class Respondent:
    """One retained respondent: the finest reporting group it falls in, and its answers."""

    cell: str
    structure: Structure
    answers: dict[str, list[str]] = field(default_factory=dict)

    def first_answer(self, question_id: str) -> str:
        return self.answers.get(question_id, [""])[0]


@dataclass(frozen=True)
class Target:
    item_code: str
    answer_code: str
    segment: str
    n: int


def calibrated_waves() -> list[str]:
    return sorted(path.stem.removeprefix("survey_") for path in TARGETS_DIR.glob("survey_*.csv"))


def load_targets(wave: str) -> dict[str, list[Target]]:
    by_question: dict[str, list[Target]] = defaultdict(list)
    with (TARGETS_DIR / f"survey_{wave}.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            target = Target(row["item_code"], row["answer_code"], row["segment"], int(row["n"]))
            by_question[row["question_id"]].append(target)
    return by_question


def respondent_cells(wave: str) -> list[tuple[str, int]]:
    """The finest groups of the wave's expected sizes: strata and non-commune categories."""
    kinds = {row["group_label"]: row["group_kind"] for row in read_seed("survey_groups")}
    return [
        (row["group_label"], int(row["n_respondents"]))
        for row in read_seed("expected_sample_sizes")
        if row["wave"] == wave
        and (
            kinds[row["group_label"]] == "stratum"
            or (kinds[row["group_label"]] == "category" and row["group_label"] != COMMUNES)
        )
    ]


def _classification(wave: str) -> str:
    return next(r["classification"] for r in read_seed("survey_waves") if r["wave"] == wave)


def _self_declared_answers(wave: str, cell: str) -> dict[str, str]:
    """The structure type (and population band) answers that classify into this cell."""
    labels = codebook.category_labels()
    answers: dict[str, str] = {}
    for row in read_seed("self_declared_structures"):
        if row["wave"] != wave:
            continue
        label = labels.get(row["category"], OTHER) if row["question_id"] == "structure_type" else ""
        is_commune = cell in STRATUM_POPULATIONS
        if row["question_id"] == "structure_type" and (
            label == cell or (is_commune and label == COMMUNES)
        ):
            answers["structure_type"] = row["answer_label"]
        if row["question_id"] == "population_band" and row["stratum_label"] == cell:
            answers["population_band"] = row["answer_label"]
    return answers


def _places(rng: Random) -> list[str]:
    """Distinct fictive place names, more than the 2023 mix needs (a wave has up to ~300)."""
    places = [f"{place}{suffix}" for place in cells.places(rng) for suffix in PLACE_SUFFIXES]
    rng.shuffle(places)
    return places


def _make_respondents(rng: Random, wave: str) -> list[Respondent]:
    places = _places(rng)
    respondents = []
    for cell, count in respondent_cells(wave):
        category = "Commune" if cell in STRATUM_POPULATIONS else CELL_CATEGORIES[cell]
        for _ in range(count):
            low, high = STRATUM_POPULATIONS.get(cell, (0, 0))
            population = rng.randint(low, high) if high else None
            structure = survey_2023.make_structure(rng, category, places.pop(), population)
            respondents.append(Respondent(cell, structure))
    rng.shuffle(respondents)
    return respondents


class CalibratedAnswers:
    """Fills every respondent's answer cells, question by question, meeting the targets."""

    def __init__(
        self, rng: Random, wave: str, survey: Survey, respondents: list[Respondent]
    ) -> None:
        self.rng = rng
        self.wave = wave
        self.survey = survey
        self.respondents = respondents
        self.targets = load_targets(wave)
        self.counter = [0]
        self.self_declared = _classification(wave) == "self_declared"

    def fill(self) -> None:
        for question in self.survey.questions:
            if question.qtype in ("single_choice", "array", "multi_select") and (
                question.question_id in self.targets
            ):
                self._fill_calibrated(question)
            else:
                for respondent in self.respondents:
                    respondent.answers[question.question_id] = self._free_cells(
                        question, respondent
                    )

    def _who(self, respondent: Respondent) -> Answering:
        pages = len(self.survey.pages)
        return Answering(respondent.structure.typed_name, respondent.structure, pages, True)

    def is_shown(self, question: Question, respondent: Respondent) -> bool:
        if question.shown_if is None:
            return True
        parent, prefix = question.shown_if
        return respondent.first_answer(parent).startswith(prefix)

    def _free_cells(self, question: Question, respondent: Respondent) -> list[str]:
        """Cells no target fixes: classification answers, metadata, random answers."""
        if not self.is_shown(question, respondent):
            return cells.hidden_cells(question)
        if question.question_id in ("structure_type", "population_band"):
            # read from the seeds only for these two questions, not for every cell
            if not self.self_declared:
                return [""]
            declared = _self_declared_answers(self.wave, respondent.cell)
            return [declared.get(question.question_id, "")]
        who = self._who(respondent)
        if question.qtype == "metadata":
            return [cells.metadata_cell(question, self.rng, who)]
        if question.qtype == "personal":
            return [cells.contact(self.rng).get(question.question_id, "")]
        if question.qtype == "single_choice":
            return [cells.weighted_option(self.rng, question.options)]
        return cells.answer_cells(question, self.rng, self.survey, who, self.counter)

    def _segments(self, question: Question) -> dict[str, list[Respondent]]:
        named = {t.segment for t in self.targets[question.question_id]} - {REST}
        segments: dict[str, list[Respondent]] = defaultdict(list)
        for respondent in self.respondents:
            segment = next((s for s in named if _in_segment(respondent.cell, s)), REST)
            segments[segment].append(respondent)
        return segments

    def _fill_calibrated(self, question: Question) -> None:
        targets = self.targets[question.question_id]
        for segment, members in self._segments(question).items():
            mine = [t for t in targets if t.segment == segment]
            hidden = _pick(self.rng, members, _total(mine, NOT_SHOWN), question, "not shown")
            shown = [r for r in members if self.is_shown(question, r) and r not in hidden]
            for respondent in members:
                if respondent not in shown:
                    respondent.answers[question.question_id] = cells.hidden_cells(question)
            if question.qtype == "single_choice":
                choices = self._choice_cells(question, len(shown), mine)
                for respondent, cell in zip(shown, choices, strict=True):
                    respondent.answers[question.question_id] = [cell]
            elif question.qtype == "array":
                self._fill_array(question, shown, mine)
            else:
                self._fill_multi(question, shown, mine)

    def _choice_cells(self, question: Question, n_shown: int, mine: list[Target]) -> list[str]:
        """The answers of n_shown respondents to one single-choice question or array row."""
        cells: list[str] = []
        codes = dict(zip(question.option_codes, question.options, strict=True))
        for target in mine:
            cells += [codes[target.answer_code]] * target.n
        if len(cells) > n_shown:
            raise ValueError(f"{question.question_id}: targets exceed the {n_shown} shown")
        free = [o for c, o in codes.items() if c not in {t.answer_code for t in mine}]
        # Respondents no target covers answer an untargeted option, or nothing if none is left.
        cells += [self.rng.choice(free) if free else "" for _ in range(n_shown - len(cells))]
        self.rng.shuffle(cells)
        return cells

    def _fill_array(self, question: Question, shown: list[Respondent], mine: list[Target]) -> None:
        """Rows without targets are answered at random; each targeted row meets its counts."""
        for respondent in shown:
            respondent.answers[question.question_id] = self._free_cells(question, respondent)
        for index, item in enumerate(question.items):
            row_targets = [t for t in mine if t.item_code == item.code]
            if not row_targets:
                continue
            cells = self._choice_cells(question, len(shown), row_targets)
            for respondent, cell in zip(shown, cells, strict=True):
                respondent.answers[question.question_id][index] = cell

    def _fill_multi(self, question: Question, shown: list[Respondent], mine: list[Target]) -> None:
        for respondent in shown:
            respondent.answers[question.question_id] = [
                cells.checkbox_cell(self.rng, item, self.counter) for item in question.items
            ]
        for index, item in enumerate(question.items):
            n = _total([t for t in mine if t.item_code == item.code], "yes")
            if not any(t.item_code == item.code for t in mine):
                continue
            ticked = set(map(id, _pick(self.rng, shown, n, question, item.code)))
            for respondent in shown:
                respondent.answers[question.question_id][index] = (
                    cells.TICKED if id(respondent) in ticked else cells.UNTICKED
                )


def _in_segment(cell: str, segment: str) -> bool:
    return cell == segment or (segment == COMMUNES and cell in STRATUM_POPULATIONS)


def _total(targets: list[Target], answer_code: str) -> int:
    return sum(t.n for t in targets if t.answer_code == answer_code)


def _pick(
    rng: Random, members: list[Respondent], n: int, question: Question, what: str
) -> list[Respondent]:
    if n > len(members):
        raise ValueError(f"{question.question_id} {what}: {n} wanted among {len(members)}")
    return rng.sample(members, n)


def _dropped_copies(survey: Survey, rows: list[list[str]], wave: str) -> list[list[str]]:
    """Copies of retained rows that the Observatoire's rules drop (DROPPED_COPIES): incomplete,
    its completeness question blank; a duplicate, its structure name typed in capitals with a
    double space and one cell fewer (the original, fuller, is kept)."""
    completeness = survey.span(survey.completeness_id)
    name = survey.first_column["structure_name"]
    copies = []
    for kind, index in DROPPED_COPIES.get(wave, ()):
        row = list(rows[index])
        if kind == "incomplete":
            row[completeness.start : completeness.stop] = [""] * len(completeness)
        else:
            row[name] = row[name].upper().replace(" ", "  ", 1)
            row[max(i for i, cell in enumerate(row) if cell)] = ""
        copies.append(row)
    return copies


def _row(survey: Survey, respondent: Respondent, rng: Random) -> list[str]:
    row: list[str] = []
    for question in survey.questions:
        row.extend(respondent.answers[question.question_id])
    who = Answering(respondent.structure.typed_name, respondent.structure, len(survey.pages), True)
    row.extend(cells.timing_cells(rng, survey, who))
    return row


def generate_wave(landing_dir: Path, wave: str, seed: int) -> list[Path]:
    """Write one calibrated wave's export (and reference file) under landing_dir/survey/<wave>/."""
    rng = Random(seed)
    survey = questionnaire.build_survey(wave)
    respondents = _make_respondents(rng, wave)
    CalibratedAnswers(rng, wave, survey, respondents).fill()
    rows = [_row(survey, respondent, rng) for respondent in respondents]
    rows += _dropped_copies(survey, rows, wave)
    id_column = survey.first_column["response_id"]
    for offset, row in enumerate(rows):
        row[id_column] = str(survey_2023.FIRST_RESPONSE_ID + offset)
    wave_dir = Path(landing_dir) / "survey" / wave
    written = [cells.write_csv(wave_dir / survey_2023.EXPORT_FILENAME, survey.headers, rows)]
    if _classification(wave) == "reference_file":
        reference = [
            [row[id_column], r.structure.typed_name, r.structure.normalised_name, r.structure.siren,
             r.structure.cog, r.structure.population, r.structure.category]
            for row, r in zip(rows[: len(respondents)], respondents, strict=True)
        ]  # fmt: skip
        written.append(
            cells.write_csv(wave_dir / REFERENCE_FILE_NAME, REFERENCE_COLUMNS, reference)
        )
    return written


def generate_calibrated_waves(landing_dir: Path) -> list[Path]:
    """Write every calibrated sample wave (one seed per wave: the wave's year)."""
    return [
        path for wave in calibrated_waves() for path in generate_wave(landing_dir, wave, int(wave))
    ]
