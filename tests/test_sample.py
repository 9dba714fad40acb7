"""Checks on the SYNTHETIC sample landing folder written by barometre.synthetic.survey_2023.

The cleaning rules of the methodology note (§2-3) are re-implemented here with the csv module
only, independently of the pipeline, so the sample's composition is checked on its own.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import PUBLISHED_2023_GROUP_SIZES

from barometre.synthetic.survey_2023 import generate_sample_landing

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS = REPO_ROOT / "seeds"
COMMITTED = REPO_ROOT / "sample_landing"
EXPORT = "survey/2023/results-survey-sample.csv"
REFERENCE = "survey/2023/respondents_reference.csv"

EXPECTED_ROWS = 222
EXPECTED_COLUMNS = 301
# the sample keeps the real 2023 wave's group sizes: strata and categories other than communes
EXPECTED_GROUPS = {
    group: size
    for group, size in PUBLISHED_2023_GROUP_SIZES.items()
    if not group.startswith(("Total", "Une commune"))
}
CATEGORY_LABELS = {
    "EPCI": "Un EPCI (hors métropole)",
    "GFP": "Un EPCI (hors métropole)",
    "Metropole": "Une métropole",
    "Departement": "Un département",
    "Region": "Une région",
    "": "Autre",
}
REFERENCE_VALUE_COLUMNS = ("normalised_name", "siren", "cog", "population", "category")
PERSONAL_HEADERS = (
    "Quelle est votre adresse électronique ?",
    "Quel est votre prénom ?",
    "Quel est votre nom ?",
    "Quelle est votre fonction ?",
)
FICTIVE = re.compile(r"fictif|fictive|\(exemple\)", re.IGNORECASE)
PHONE = re.compile(r"\b0[67](?: \d{2}){4}\b")


def normalise(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def read_seed(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["wave"] == "2023"]


def ordered_seed(name: str, order: str) -> dict[str, list[dict[str, str]]]:
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in sorted(read_seed(name), key=lambda r: int(r[order])):
        grouped.setdefault(row["question_id"], []).append(row)
    return grouped


QUESTIONS = sorted(read_seed("question_crosswalk.csv"), key=lambda r: int(r["question_order"]))
ITEMS = ordered_seed("survey_question_items.csv", "item_order")
OPTIONS = ordered_seed("answer_crosswalk.csv", "answer_order")
NR_ID = read_seed("survey_waves.csv")[0]["completeness_question_id"]


def expected_question_headers() -> list[str]:
    """Normalised headers the codebook implies, question by question."""
    headers: list[str] = []
    for question in QUESTIONS:
        text = question["question_text"]
        if question["question_id"] in ITEMS:
            headers += [f"{text} [{i['item_label']}]" for i in ITEMS[question["question_id"]]]
        elif question["question_type"] == "upload":
            headers += [text, f"filecount - {text}"]
        else:
            headers.append(text)
    return headers


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("landing")
    generate_sample_landing(out)
    return out


@pytest.fixture(scope="module")
def export(landing: Path) -> tuple[list[str], list[list[str]]]:
    with (landing / EXPORT).open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


@pytest.fixture(scope="module")
def reference(landing: Path) -> list[dict[str, str]]:
    with (landing / REFERENCE).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def column(header: list[str], text: str) -> int:
    return [normalise(h) for h in header].index(text)


def question_text(question_id: str) -> str:
    return next(q["question_text"] for q in QUESTIONS if q["question_id"] == question_id)


def test_generation_is_deterministic_and_matches_committed_sample(
    landing: Path, tmp_path: Path
) -> None:
    paths = generate_sample_landing(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [EXPORT, REFERENCE]
    for relative in (EXPORT, REFERENCE):
        fresh = (landing / relative).read_bytes()
        assert fresh == (tmp_path / relative).read_bytes()
        # A failure here means the generator changed: rerun `barometre sample sample_landing`.
        assert fresh == (COMMITTED / relative).read_bytes(), f"sample_landing/{relative} drifted"


def test_files_are_plain_utf8_with_lf(landing: Path) -> None:
    for relative in (EXPORT, REFERENCE):
        raw = (landing / relative).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in raw
        raw.decode("utf-8")
    with (landing / REFERENCE).open(encoding="utf-8", newline="") as handle:
        columns = next(csv.reader(handle))
    assert columns == [
        "response_id",
        "structure_name",
        "normalised_name",
        *REFERENCE_VALUE_COLUMNS[1:],
    ]


def test_headers_normalise_to_the_codebook(export: tuple[list[str], list[list[str]]]) -> None:
    header, rows = export
    expected = expected_question_headers()
    assert [normalise(h) for h in header[: len(expected)]] == expected
    timing = header[len(expected) :]
    assert timing[0] == "Temps total :"
    asked = [q for q in QUESTIONS if q["question_type"] != "metadata"]
    assert sum(h.startswith("Durée pour la question: ") for h in timing) == len(asked)
    pages = sum(h.startswith("Durée pour le groupe : ") for h in timing)
    assert len(header) == len(expected) + 1 + pages + len(asked) == EXPECTED_COLUMNS
    assert len(rows) == EXPECTED_ROWS
    assert all(len(row) == EXPECTED_COLUMNS for row in rows)
    # The whitespace quirks the pipeline must normalise are really there.
    assert header.count("") == 1
    assert sum(h.endswith(" ") for h in header) >= 5
    assert sum("\u00a0?" in h for h in header) >= 2
    separators = {len(m.group(1)) for h in header if (m := re.search(r"(\s+)\[[^\]]*\]$", h))}
    assert separators == {1, 2, 4}


def first_references(reference: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    first: dict[str, dict[str, str]] = {}
    for line in reference:
        first.setdefault(line["response_id"], line)
    return first


def empty_cells(row: list[str], ref: dict[str, str] | None) -> int:
    """Empty export cells plus empty reference values ("N/A" is not empty)."""
    ref_values = [ref[c] for c in REFERENCE_VALUE_COLUMNS] if ref else [""] * 5
    return sum(cell == "" for cell in row) + sum(value == "" for value in ref_values)


def retained_respondents(
    export: tuple[list[str], list[list[str]]], reference: list[dict[str, str]]
) -> dict[str | None, list[tuple[int, int, dict[str, str] | None]]]:
    """Complete responses grouped by normalised name, each group sorted best first."""
    header, rows = export
    nr = column(header, question_text(NR_ID))
    first_reference = first_references(reference)
    groups: dict[str | None, list[tuple[int, int, dict[str, str] | None]]] = {}
    for row in rows:
        if row[nr] == "":
            continue
        ref = first_reference.get(row[0])
        empty = empty_cells(row, ref)
        key = (ref["normalised_name"] or None) if ref else None
        groups.setdefault(key, []).append((empty, int(row[0]), ref))
    return {key: sorted(members, key=lambda m: m[:2]) for key, members in groups.items()}


def group_label(ref: dict[str, str] | None) -> str:
    category = ref["category"] if ref else ""
    if category != "Commune":
        return CATEGORY_LABELS[category]
    population = int(ref["population"]) if ref else 0
    if population < 3500:
        return "Communes de moins de 3 500 hab."
    if population < 10000:
        return "Communes de 3 500 à 10 000 hab."
    if population < 100000:
        return "Communes de 10 000 à 100 000 hab."
    return "Communes de plus de 100 000 hab."


def test_cleaning_keeps_the_2023_sample_sizes(
    export: tuple[list[str], list[list[str]]], reference: list[dict[str, str]]
) -> None:
    groups = retained_respondents(export, reference)
    assert None not in groups, "every complete response needs a non-empty normalised name"
    sizes = Counter(group_label(members[0][2]) for members in groups.values())
    assert dict(sizes) == EXPECTED_GROUPS
    assert sum(sizes.values()) == 191
    assert sum(sizes.values()) - sizes["Communes de moins de 3 500 hab."] == 182


def test_cleaning_has_work_to_do(
    export: tuple[list[str], list[list[str]]], reference: list[dict[str, str]]
) -> None:
    header, rows = export
    groups = retained_respondents(export, reference)
    losers = [(members[0], m) for members in groups.values() for m in members[1:]]
    assert len(losers) >= 10
    assert any(loser[0] == winner[0] for winner, loser in losers), "no exact tie"
    assert any(loser[1] < winner[1] for winner, loser in losers), "earliest answer always wins"
    assert any(loser[1] > winner[1] for winner, loser in losers), "latest answer always wins"
    nr = column(header, question_text(NR_ID))
    incomplete = [row for row in rows if row[nr] == ""]
    assert len(incomplete) >= 19
    # A finished response that skipped the NR question beats its retained twin on empties:
    # deduplicating before the completeness filter would lose a respondent.
    best = {key: members[0][0] for key, members in groups.items()}
    refs = first_references(reference)
    assert any(
        empty_cells(row, refs[row[0]]) < best.get(refs[row[0]]["normalised_name"], -1)
        for row in incomplete
        if row[0] in refs
    )
    names = {refs[row[0]]["normalised_name"] if row[0] in refs else None for row in incomplete}
    assert names >= {"TEST", "BLA", None}
    # One retained respondent did not submit but answered the NR question (like ID 1053).
    submitted = column(header, "Date de soumission")
    kept = {members[0][1] for members in groups.values()}
    assert any(row[submitted] == "" and int(row[0]) in kept for row in rows)


def test_reference_duplicates_keep_the_first_line(reference: list[dict[str, str]]) -> None:
    by_id: dict[str, list[dict[str, str]]] = {}
    for line in reference:
        by_id.setdefault(line["response_id"], []).append(line)
    repeated = [lines for lines in by_id.values() if len(lines) > 1]
    assert len(repeated) == 2
    assert any(lines[0] == lines[1] for lines in repeated)
    assert any([x["category"] for x in lines] == ["Metropole", "GFP"] for lines in repeated)
    assert any(" " in line["siren"] for line in reference)
    populations = [int(line["population"]) for line in reference if line["category"] == "Commune"]
    assert {3500, 10000, 100000} <= set(populations)


def test_metadata_and_structure_names(
    export: tuple[list[str], list[list[str]]], reference: list[dict[str, str]]
) -> None:
    header, rows = export
    ids = [int(row[0]) for row in rows]
    assert ids[0] == 5 and all(b > a for a, b in zip(ids, ids[1:], strict=False))
    submitted, last_page = column(header, "Date de soumission"), column(header, "Dernière page")
    language, seed = column(header, "Langue de départ"), column(header, "Tête de série")
    for row in rows:
        assert row[submitted] in ("", "1980-01-01 00:00:00")
        assert (row[last_page] == "13") == (row[submitted] != "")
        assert row[language] == "fr"
        assert re.fullmatch(r"\d{9,10}", row[seed])
    name_col = column(header, question_text("structure_name"))
    typed = {row[0]: row[name_col] for row in rows}
    for line in reference:
        assert line["structure_name"] == typed[line["response_id"]]
        assert line["normalised_name"] in ("TEST", "BLA") or FICTIVE.search(line["structure_name"])
    for name in typed.values():
        assert normalise(name).upper() in ("", "TEST", "BLA") or FICTIVE.search(name)


def test_personal_data_is_present_to_be_stripped(
    export: tuple[list[str], list[list[str]]],
) -> None:
    header, rows = export
    for text in PERSONAL_HEADERS:
        index = column(header, text)
        filled = sum(row[index] != "" for row in rows)
        assert filled >= 0.75 * len(rows), text
    email = column(header, PERSONAL_HEADERS[0])
    emails = [row[email] for row in rows]
    assert all(re.fullmatch(r"[a-z]+\.[a-z]+@exemple\.fr", e) for e in emails if e)
    free_texts = [cell for row in rows for cell in row if cell.startswith("Texte libre fictif")]
    assert any(PHONE.search(text) for text in free_texts)
    assert any("\n" in text for text in free_texts) and any("," in text for text in free_texts)


def test_answers_follow_the_codebook(export: tuple[list[str], list[list[str]]]) -> None:
    header, rows = export
    at = [normalise(h) for h in header].index
    for question in QUESTIONS:
        qid, qtype, text = (
            question["question_id"],
            question["question_type"],
            question["question_text"],
        )
        options = [o["answer_label"] for o in OPTIONS.get(qid, [])]
        items = ITEMS.get(qid, [])
        cols = [at(f"{text} [{item['item_label']}]") for item in items]
        parent, _, prefix = question["shown_if"].partition(":")
        parent_col = at(question_text(parent)) if parent else None
        for row in rows:
            shown = parent_col is None or row[parent_col].startswith(prefix)
            if qtype == "single_choice":
                assert row[at(text)] in ["", *options]
            elif qtype == "array":
                assert all(row[c] in ["", *options] for c in cols)
            elif qtype == "ranking":
                cells = [row[c] for c in cols]
                assert cells == [""] * 5 or sorted(cells) == sorted(options)
            elif qtype == "multi_select":
                check_checkboxes([row[c] for c in cols], items, shown)
            elif qtype == "upload":
                check_upload(row[at(text)], row[at(f"filecount - {text}")])
            elif qtype == "free_text" and not shown:
                assert row[at(text)] == ""


def check_checkboxes(cells: list[str], items: list[dict[str, str]], shown: bool) -> None:
    for cell, item in zip(cells, items, strict=True):
        if item["item_kind"] == "choice":
            assert cell in (("Oui", "Non", "N/A") if shown else ("N/A",))
        else:
            assert cell not in ("Oui", "Non", "N/A")
            assert shown or cell == ""


def check_upload(content: str, count: str) -> None:
    if content:
        assert count == "1"
        assert json.loads(content)[0]["title"] == "Document fictif"
    else:
        assert count in ("", "0")
