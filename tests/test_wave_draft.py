"""`barometre wave draft`'s parts: the naming rule and label pairing against the hand-made
seeds, the grading rules, and a whole draft of the sample's 2024 wave (its rows left out of
the seeds) beside the hand-made 2024 rows."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from barometre import config
from barometre.codebook import Item, Question, read_seed
from barometre.errors import BarometreError
from barometre.waves.draft import draft_wave
from barometre.waves.files import write_draft
from barometre.waves.grading import Comparison, grade
from barometre.waves.naming import code_from_label
from barometre.waves.similarity import match_labels
from benchmarks.wave_draft import compare, seeds_without
from tests.conftest import SAMPLE_LANDING, copy_landing, run_cli, sha256

P12 = [
    "Oui",
    "Non, mais c’est prévu dans les 12 prochains mois",
    "Non, et ce n’est pas prévu dans les 12 prochains mois",
    "Je ne sais pas",
]


def test_the_naming_rule_gives_most_hand_made_codes() -> None:
    pairs = {(r["answer_label"], r["answer_code"]) for r in read_seed("answer_crosswalk")}
    pairs |= {(r["item_label"], r["item_code"]) for r in read_seed("survey_question_items")}
    same = {label for label, code in pairs if code_from_label(label) == code}
    assert len(same) >= 182, f"{len(same)} of {len(pairs)}"
    assert code_from_label("Le respect de standards ou de formats de données") == (
        "respect_standards_ou_formats"
    )
    assert code_from_label("Oui, en interne", taken={"oui_interne"}) == "oui_interne_2"


def test_labels_pair_when_reworded_only() -> None:
    old = ["Oui", "Non", "Ma collectivité n’est pas concernée par cette obligation"]
    new = ["Ma structure n’est pas concernée par cette obligation", "Non", "OUI"]
    assert match_labels(new, old) == {
        "Ma structure n’est pas concernée par cette obligation": old[2],
        "Non": "Non",
        "OUI": "Oui",
    }
    assert match_labels(["Non, pas encore"], ["Non, pas complètement"]) == {}
    assert match_labels(P12, ["Oui", "Non", "Je ne sais pas"]) == {
        "Oui": "Oui",
        "Je ne sais pas": "Je ne sais pas",
    }


def _question(qtype: str, text: str, options: list[str], items: list[str] = ()) -> Question:
    return Question(
        question_id="q",
        order=1,
        theme="law_governance",
        qtype=qtype,
        text=text,
        shown_if=None,
        items=tuple(Item(label, "choice") for label in items),
        options=tuple(options),
    )


def _grade(old: Question, kind: str, text: str, scale: list[str], items: list[str] = ()) -> str:
    comparison = Comparison.of(2025, text, kind, scale, list(items), old, 2024)
    return grade(comparison).comparability


YES_NO = ["Oui", "Non"]
OPEN_SOURCE_2022 = ["La collectivité choisit parfois l’open source mais ce n’est pas systématique"]
OPEN_SOURCE_2023 = ["La structure choisit parfois l’open source mais ce n’est pas systématique"]
ONE = "single_choice"
GRADES = [
    # old type, wording and scale; new type, wording and scale; grade
    # same wording, same answers ("Je ne sais pas" added changes nothing)
    (ONE, "A ?", YES_NO, ONE, "A ?", ["Non", "Oui"], "identical"),
    (ONE, "A ?", YES_NO, ONE, "A ?", ["Oui", "Je ne sais pas"], "identical"),
    # nobody chose an earlier answer: not a change
    (ONE, "A ?", [*YES_NO, "Peut-être"], ONE, "A ?", ["Oui"], "identical"),
    (ONE, "Votre collectivité ?", YES_NO, ONE, "Votre structure ?", YES_NO, "reworded"),
    (ONE, "A ?", OPEN_SOURCE_2022, ONE, "A ?", OPEN_SOURCE_2023, "reworded"),
    (ONE, "A ?", [*YES_NO, "Je ne sais pas"], ONE, "A ?", P12, "scale_changed"),
    ("free_text", "A ?", [], "multi_select", "A ?", YES_NO, "not_comparable"),
    (ONE, "A ?", YES_NO, "array", "A ?", YES_NO, "not_comparable"),
    ("metadata", "ID de la réponse", [], "metadata", "ID de la réponse", [], "identical"),
]


@pytest.mark.parametrize("case", GRADES)
def test_grading_rules(case: tuple) -> None:
    *old, kind, text, scale, expected = case
    assert _grade(_question(*old), kind, text, scale) == expected


def test_grading_rules_on_items() -> None:
    measures = ["Une formation", "Un RSSI", "Une stratégie"]
    multi = _question("multi_select", "Mesures :", ["Oui", "Non"], measures)
    assert _grade(multi, "array", "Mesures :", P12, measures + ["Autre"]) == "scale_changed"
    assert _grade(multi, "array", "Mesures :", P12, ["Autre chose"]) == "not_comparable"
    # items added to a multi-select change nothing
    assert _grade(multi, "multi_select", "Mesures :", ["Oui", "Non"], [*measures, "Autre"]) == (
        "identical"
    )
    ranking = _question("ranking", "Classez", ["a", "b"], ["Classement 1", "Classement 2"])
    positions = ["Classement 1", "Classement 2", "Classement 3"]
    assert _grade(ranking, "ranking", "Classez", ["a", "b"], positions) == "not_comparable"


@pytest.fixture(scope="module")
def draft_2024(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's 2024 wave drafted against 2022 and 2023 (its rows left out of the seeds)."""
    work = tmp_path_factory.mktemp("draft2024")
    seeds = seeds_without((2024,), work / "seeds")
    draft = draft_wave(SAMPLE_LANDING, 2024, seeds)
    write_draft(draft, work / "draft", seeds)
    return work / "draft"


def test_the_sample_2024_draft_is_the_hand_made_crosswalk(draft_2024: Path) -> None:
    figures = compare(draft_2024, 2024)
    assert (figures.ids.right, figures.ids.total) == (43, 43), figures.ids.misses
    assert figures.grades.misses == [] and figures.grades_all_choice.misses == []
    assert (figures.answer_codes.right, figures.answer_codes.total) == (154, 154)
    # the three misses: codes shortened by hand ("ia_generative" for "IA générative (…)")
    assert figures.item_codes.right >= 164 and figures.item_codes.total == 167
    assert figures.new_questions.misses == [] and figures.new_questions.total == 6


def test_draft_files_have_the_seeds_columns(draft_2024: Path) -> None:
    for name in ("question_crosswalk", "survey_question_items", "answer_crosswalk", "survey_waves"):
        with open(draft_2024 / f"{name}.csv", encoding="utf-8", newline="") as handle:
            drafted = next(csv.reader(handle))
        with open(config.SEEDS_DIR / f"{name}.csv", encoding="utf-8", newline="") as handle:
            assert drafted == next(csv.reader(handle)), name
    (wave_row,) = read_seed("survey_waves", draft_2024)
    assert (wave_row["wave"], wave_row["status"], wave_row["classification"]) == (
        "2024",
        "fieldwork",
        "reference_file",
    )
    assert wave_row["completeness_question_id"] == "responsible_digital_reflection"


def test_the_review_page_shows_the_least_sure_first_with_the_wording_changes(
    draft_2024: Path,
) -> None:
    page = (draft_2024 / "review.html").read_text(encoding="utf-8")
    confidences = [float(c) for c in re.findall(r"<h2><span[^>]*>([0-9.]+)</span>", page)]
    assert len(confidences) == len(read_seed("question_crosswalk", draft_2024)) == 79
    assert confidences == sorted(confidences) and confidences[0] < 0.5
    # first, a new question beside the earlier one it was nearly paired with
    least_sure = page.split("<section>")[1]
    assert '<span class="grade new">' in least_sure
    assert "(closest, cyber_obstacles, multi_select)" in least_sure
    # ai_projects was reworded in 2024: its old and new wordings, differences marked
    section = next(s for s in page.split("<section>") if ">ai_projects<" in s)
    assert "scale_changed" in section
    assert "<ins>ou testé</ins>" in section and "<del>artificielle</del>" in section


def test_a_draft_is_for_a_wave_the_codebook_does_not_know() -> None:
    with pytest.raises(BarometreError, match="already has rows for wave 2024"):
        draft_wave(SAMPLE_LANDING, 2024, config.SEEDS_DIR)
    with pytest.raises(BarometreError, match="no folder for wave 2031"):
        draft_wave(SAMPLE_LANDING, 2031, config.SEEDS_DIR)


def test_the_cli_drafts_a_new_wave_beside_the_seeds_never_into_them(tmp_path: Path) -> None:
    landing = copy_landing(SAMPLE_LANDING, tmp_path / "landing")
    shutil.copytree(landing / "survey" / "2024", landing / "survey" / "2025")
    seeds_before = {p.name: sha256(p) for p in config.SEEDS_DIR.iterdir()}
    completed = run_cli(
        *("wave", "draft", "--landing", str(landing), "--wave", "2025"),
        *("--out", str(tmp_path / "draft")),
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "wave 2025: 79 questions drafted (79 identical)" in completed.stdout
    assert {p.name: sha256(p) for p in config.SEEDS_DIR.iterdir()} == seeds_before
    drafted = read_seed("question_crosswalk", tmp_path / "draft")
    assert [row["question_id"] for row in drafted] == [
        row["question_id"]
        for row in sorted(read_seed("question_crosswalk"), key=lambda r: int(r["question_order"]))
        if row["wave"] == "2024"
    ]
    assert (tmp_path / "draft" / "review.html").is_file()
