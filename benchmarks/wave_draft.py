"""How well `barometre wave draft` drafts a wave, measured by leaving a wave out:

    python -m benchmarks.wave_draft [--landing DIR] [--wave 2023] [--work DIR] [--json FILE]

The 2023 and 2024 rows are removed from the three crosswalk seeds (2024's questionnaire was
built from 2023's, which would make the draft trivially easy); the CLI drafts 2023 from the
real 2023 export (../shared/data/landing-2023) against 2022 alone; its rows are compared with
the hand-made 2023 rows of the choice questions (single choice, multi-select, array, ranking):
- ids: question_ids right, for the questions the hand-made crosswalk grades identical or
  reworded (the ones whose trends are published);
- grades: comparability right, for the same questions (and, reported too, for every choice
  question);
- answer codes: hand-made answer rows of those questions whose label the draft codes alike
  (an answer the draft lacks counts as wrong); item codes likewise;
- false matches: choice questions the hand-made crosswalk calls new that the draft pairs with
  an earlier question.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from barometre import config
from barometre.codebook import Row, read_seed

REAL_LANDING = config.REPO_ROOT.parent / "shared" / "data" / "landing-2023"
CROSSWALK_SEEDS = ("question_crosswalk", "survey_question_items", "answer_crosswalk")
LEFT_OUT_WAVES = (2023, 2024)
CHOICE_TYPES = frozenset({"single_choice", "multi_select", "array", "ranking"})
COMPARABLE = frozenset({"identical", "reworded"})


@dataclass
class Share:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def count(self, is_right: bool, what: str) -> None:
        self.total += 1
        self.right += is_right
        if not is_right:
            self.misses.append(what)

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Figures:
    ids: Share = field(default_factory=Share)
    grades: Share = field(default_factory=Share)
    grades_all_choice: Share = field(default_factory=Share)
    answer_codes: Share = field(default_factory=Share)
    item_codes: Share = field(default_factory=Share)
    # choice questions the hand-made crosswalk calls new: right when the draft does too
    new_questions: Share = field(default_factory=Share)

    @property
    def false_matches(self) -> float:
        """Share of the new questions the draft pairs with an earlier one."""
        return 1.0 - self.new_questions.value


def seeds_without(waves: tuple[int, ...], target: Path, seeds_dir: Path = config.SEEDS_DIR) -> Path:
    """A copy of the seeds whose crosswalk seeds have no row of these waves."""
    shutil.copytree(seeds_dir, target)
    for name in CROSSWALK_SEEDS:
        with open(seeds_dir / f"{name}.csv", encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            kept = [row for row in reader if int(row["wave"]) not in waves]
            columns = reader.fieldnames or []
        with open(target / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(kept)
    return target


def draft_with_cli(landing: Path, wave: int, seeds: Path, out: Path) -> None:
    """`barometre wave draft`, as a data engineer runs it."""
    command = [sys.executable, "-m", "orchestration.cli", "wave", "draft"]
    command += ["--landing", str(landing), "--wave", str(wave), "--seeds", str(seeds)]
    completed = subprocess.run(
        [*command, "--out", str(out)],
        cwd=config.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"wave draft failed: {completed.stdout}{completed.stderr}")


def _key(row: Row) -> str:
    """The wave's own key of a question (the staging model's join)."""
    return row["question_code"] or row["question_text"]


def _by_question(rows: list[Row], column: str, code: str) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        found.setdefault(row["question_id"], {})[row[column]] = row[code]
    return found


def compare(draft_dir: Path, wave: int, hand_seeds: Path = config.SEEDS_DIR) -> Figures:
    """The draft's rows beside the hand-made rows of the same wave."""
    figures = Figures()
    drafted = {_key(r): r for r in read_seed("question_crosswalk", draft_dir)}
    answers = _by_question(read_seed("answer_crosswalk", draft_dir), "answer_label", "answer_code")
    items = _by_question(read_seed("survey_question_items", draft_dir), "item_label", "item_code")
    hand_answers = [r for r in read_seed("answer_crosswalk", hand_seeds) if r["wave"] == str(wave)]
    hand_items = [
        r for r in read_seed("survey_question_items", hand_seeds) if r["wave"] == str(wave)
    ]
    for hand in read_seed("question_crosswalk", hand_seeds):
        if hand["wave"] != str(wave) or hand["question_type"] not in CHOICE_TYPES:
            continue
        qid, grade = hand["question_id"], hand["comparability"]
        draft = drafted.get(_key(hand), {})
        draft_id, draft_grade = draft.get("question_id"), draft.get("comparability")
        figures.grades_all_choice.count(draft_grade == grade, f"{qid}: {draft_grade}")
        if grade == "new":
            figures.new_questions.count(draft_grade == "new", f"{qid}: paired with {draft_id}")
        if grade not in COMPARABLE:
            continue
        figures.ids.count(draft_id == qid, f"{qid}: {draft_id}")
        figures.grades.count(draft_grade == grade, f"{qid}: {draft_grade} for {grade}")
        mine_answers = answers.get(draft_id or "", {})
        for row in (r for r in hand_answers if r["question_id"] == qid):
            code = mine_answers.get(row["answer_label"])
            what = f"{qid} {row['answer_label']!r}: {code} for {row['answer_code']}"
            figures.answer_codes.count(code == row["answer_code"], what)
        mine_items = items.get(draft_id or "", {})
        for row in (r for r in hand_items if r["question_id"] == qid):
            code = mine_items.get(row["item_label"])
            what = f"{qid} {row['item_label']!r}: {code} for {row['item_code']}"
            figures.item_codes.count(code == row["item_code"], what)
    return figures


def measure(landing: Path, wave: int, work: Path) -> Figures:
    seeds = seeds_without(LEFT_OUT_WAVES, work / "seeds")
    draft_with_cli(landing, wave, seeds, work / "draft")
    return compare(work / "draft", wave)


def report(figures: Figures) -> list[str]:
    """One line per figure, each miss below it."""
    lines = []
    for name, share in asdict(figures).items():
        right, total = share["right"], share["total"]
        if name == "new_questions":
            name, right = "false matches", total - right
        lines.append(f"{name:18} {right / total if total else 0:7.1%}  ({right} of {total})")
        lines += [f"{'':18}   {miss}" for miss in share["misses"]]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.wave_draft")
    parser.add_argument("--landing", type=Path, default=REAL_LANDING)
    parser.add_argument("--wave", type=int, default=2023)
    parser.add_argument("--work", type=Path, default=None, help="default: a temporary folder")
    parser.add_argument("--json", type=Path, default=None, help="write the figures as JSON")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        work = arguments.work or Path(temporary)
        figures = measure(arguments.landing.resolve(), arguments.wave, work)
    print(
        f"wave {arguments.wave} drafted against the waves before it (rows of "
        f"{', '.join(map(str, LEFT_OUT_WAVES))} left out), beside the hand-made rows:"
    )
    for line in report(figures):
        print(line)
    if arguments.json:
        arguments.json.write_text(json.dumps(asdict(figures), indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
