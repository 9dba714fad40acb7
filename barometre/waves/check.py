"""`barometre wave check`: before any run, every wave's export in the landing against the
codebook seeds, as the pipeline will hold them against each other (the staging model's header
parse, the quality gate's survey_columns, survey_answer_labels and survey_group_sizes suites),
in seconds and without dbt. Each finding names the seed file and the row to add or fix;
`blocking` ones would have the run refused, the others only change what is published.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from barometre.codebook import Row, read_seed
from barometre.ingest.landing import SurveyWaveFiles, discover_survey_waves
from barometre.waves.export import (
    ITEM_TYPES,
    SCALE_TYPES,
    ExportQuestion,
    read_export_questionnaire,
)


@dataclass(frozen=True)
class Finding:
    wave: int
    seed: str  # the seed file to edit
    problem: str
    fix: str  # the row to add, or what to change
    blocking: bool = True

    def __str__(self) -> str:
        return f"seeds/{self.seed}: {self.problem}; {self.fix}"


@dataclass(frozen=True)
class Seeds:
    """The codebook seeds the check reads, indexed by wave."""

    questions: dict[int, list[Row]]
    items: dict[tuple[int, str], set[str]]  # (wave, question_id) -> item labels
    answers: dict[tuple[int, str], set[str]]  # (wave, question_id) -> answer labels
    waves: dict[int, Row]
    sizes: dict[int, set[str]]  # wave -> groups with an expected size
    counts: dict[int, list[Row]]
    total_groups: list[str]

    @classmethod
    def read(cls, seeds_dir: Path) -> Seeds:
        questions: dict[int, list[Row]] = defaultdict(list)
        for row in read_seed("question_crosswalk", seeds_dir):
            questions[int(row["wave"])].append(row)
        sizes: dict[int, set[str]] = defaultdict(set)
        for row in read_seed("expected_sample_sizes", seeds_dir):
            sizes[int(row["wave"])].add(row["group_label"])
        counts: dict[int, list[Row]] = defaultdict(list)
        for row in read_seed("national_authority_counts", seeds_dir):
            counts[int(row["wave"])].append(row)
        return cls(
            questions=questions,
            items=_labels(read_seed("survey_question_items", seeds_dir), "item_label"),
            answers=_labels(read_seed("answer_crosswalk", seeds_dir), "answer_label"),
            waves={int(row["wave"]): row for row in read_seed("survey_waves", seeds_dir)},
            sizes=sizes,
            counts=counts,
            total_groups=[
                row["group_label"]
                for row in read_seed("survey_groups", seeds_dir)
                if row["group_kind"] == "total"
            ],
        )


def _labels(rows: list[Row], column: str) -> dict[tuple[int, str], set[str]]:
    labels: dict[tuple[int, str], set[str]] = defaultdict(set)
    for row in rows:
        labels[int(row["wave"]), row["question_id"]].add(row[column])
    return labels


def check_landing(landing: Path, seeds_dir: Path) -> dict[int, list[Finding]]:
    """Every wave of the landing, with what its rows in the codebook lack or contradict."""
    seeds = Seeds.read(seeds_dir)
    return {
        files.wave: _wave_settings(files, seeds) + _questionnaire(files, seeds)
        for files in discover_survey_waves(landing)
    }


def _wave_settings(files: SurveyWaveFiles, seeds: Seeds) -> list[Finding]:
    """The wave's rows in survey_waves, expected_sample_sizes and national_authority_counts."""
    wave, findings = files.wave, []
    settings = seeds.waves.get(wave)
    latest = seeds.waves[max(seeds.waves)] if seeds.waves else None
    if settings is None:
        completeness = latest["completeness_question_id"] if latest else "<question_id>"
        classification = "reference_file" if files.reference else "self_declared"
        findings.append(
            Finding(
                wave,
                "survey_waves.csv",
                f"no row for wave {wave}",
                f"add {wave},fieldwork,{completeness},{classification},<note> (fieldwork: "
                "published as it stands; closed: its group sizes must be in "
                "expected_sample_sizes.csv)",
            )
        )
    else:
        findings += _settings_rows(files, settings, seeds)
    if wave not in seeds.counts:
        example = f"e.g. the wave {max(seeds.counts)} rows" if seeds.counts else "one row a group"
        findings.append(
            Finding(
                wave,
                "national_authority_counts.csv",
                f"no row for wave {wave}: its survey_weighted_totals (Total pondéré) will be empty",
                f"add wave,group_label,national_count,in_national_total,is_weighted_stratum,"
                f"source rows for {wave} ({example}, with wave {wave} and its own counts)",
                blocking=False,
            )
        )
    return findings


def _settings_rows(files: SurveyWaveFiles, settings: Row, seeds: Seeds) -> list[Finding]:
    wave, findings = files.wave, []
    ids = {row["question_id"] for row in seeds.questions.get(wave, [])}
    if settings["completeness_question_id"] not in ids:
        findings.append(
            Finding(
                wave,
                "survey_waves.csv",
                f"wave {wave}'s completeness_question_id {settings['completeness_question_id']!r}"
                f" is not a question of wave {wave} in question_crosswalk.csv",
                "name one of its questions (a response is complete when it is answered)",
            )
        )
    if settings["classification"] == "reference_file" and files.reference is None:
        findings.append(
            Finding(
                wave,
                "survey_waves.csv",
                f"wave {wave} is classified by reference_file but {files.export.parent} has no "
                "respondents_reference.csv: every respondent would fall in the default category",
                "add the reference file to the landing, or classify the wave self_declared",
                blocking=False,
            )
        )
    if settings["status"] == "closed":
        missing = [g for g in seeds.total_groups if g not in seeds.sizes.get(wave, set())]
        findings += [
            Finding(
                wave,
                "expected_sample_sizes.csv",
                f"wave {wave} is closed but has no expected size for {group!r}",
                f"add {wave},{group},<n_respondents>,<source> and a row for every other group "
                f"the wave has (or mark it fieldwork in survey_waves.csv)",
            )
            for group in missing
        ]
    return findings


def _questionnaire(files: SurveyWaveFiles, seeds: Seeds) -> list[Finding]:
    """Headers, items and answer labels of the export against the wave's codebook, and the
    codebook's questions against the export."""
    wave = files.wave
    rows = seeds.questions.get(wave, [])
    coded = any(row["question_code"] for row in rows) if rows else None
    questionnaire = read_export_questionnaire(files.export, coded)
    by_code = {row["question_code"]: row for row in rows if row["question_code"]}
    by_text = {row["question_text"]: row for row in rows if not row["question_code"]}
    findings, found = [], set()
    for question in questionnaire.questions:
        row = by_code.get(question.first.question_code or "") or by_text.get(question.text)
        if row is None:
            findings.append(_unknown_question(wave, question))
            continue
        found.add(row["question_id"])
        findings += _unknown_items(wave, question, row, seeds)
        findings += _unknown_answers(wave, question, row, seeds)
    findings += [
        Finding(
            wave,
            "question_crosswalk.csv",
            f"wave {wave}'s question {row['question_id']} ({_short(row['question_text'])}) has "
            f"no column in {files.export.name}",
            "remove its row, or make its question_text the export's header",
        )
        for row in rows
        if row["question_id"] not in found
    ]
    return findings


def _unknown_question(wave: int, question: ExportQuestion) -> Finding:
    columns = [c.header.position for c in question.columns]
    where = f"column {columns[0]}" + (f" to {columns[-1]}" if len(columns) > 1 else "")
    code = question.first.question_code  # only in a wave whose headers carry codes
    key = f"question_code {code}" if code else f"question_text {question.text!r}"
    return Finding(
        wave,
        "question_crosswalk.csv",
        f"{where} ({_short(question.text) or 'untitled'}) is not a question of wave {wave}",
        f"add a wave {wave} row with {key} (barometre wave draft proposes it)",
    )


def _unknown_items(wave: int, question: ExportQuestion, row: Row, seeds: Seeds) -> list[Finding]:
    if row["question_type"] not in ITEM_TYPES:
        return []
    known = seeds.items.get((wave, row["question_id"]), set())
    return [
        Finding(
            wave,
            "survey_question_items.csv",
            f"column {column.header.position}: item {column.header.item_label!r} is not an item "
            f"of wave {wave}'s {row['question_id']}",
            f"add {wave},{row['question_id']},<item_order>,<item_code>,"
            f"{_csv(column.header.item_label or '')},choice,"
            f"{column.header.subquestion_code or ''}",
        )
        for column in question.items
        if column.header.item_label not in known
    ]


def _unknown_answers(wave: int, question: ExportQuestion, row: Row, seeds: Seeds) -> list[Finding]:
    if row["question_type"] not in SCALE_TYPES:
        return []
    known = seeds.answers.get((wave, row["question_id"]), set())
    counts = question.answers
    return [
        Finding(
            wave,
            "answer_crosswalk.csv",
            f"answer {label!r} ({counts[label]} cells of {_short(question.text)}) is not an answer "
            f"of wave {wave}'s {row['question_id']}",
            f"add {wave},{row['question_id']},<answer_order>,{_csv(label)},<answer_code>,"
            "<harmonised_label>",
        )
        for label in sorted(counts)
        if label not in known
    ]


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _csv(value: str) -> str:
    """A value as a CSV cell."""
    return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in ',"\n') else value


def check_report(findings: dict[int, list[Finding]], seeds_dir: Path) -> tuple[list[str], bool]:
    """What `barometre wave check` prints, and whether a run would be refused."""
    lines, blocking = [], 0
    for wave, found in findings.items():
        to_fix = sum(f.blocking for f in found)
        blocking += to_fix
        status = f"{to_fix} to fix" if to_fix else "complete"
        if len(found) > to_fix:
            status += f", {len(found) - to_fix} to consider"
        lines.append(f"wave {wave}: {status}")
        lines += [f"  {'✗' if f.blocking else '!'} {f}" for f in found]
    if blocking:
        lines.append(
            f"a run would be refused: {blocking} row(s) to add or fix in {seeds_dir} "
            "(`barometre wave draft --wave YEAR` drafts a new wave's crosswalk rows)"
        )
    else:
        lines.append("every wave is in the codebook")
    return lines, blocking > 0
