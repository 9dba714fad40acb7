"""The comparability grade of a new question with the earlier question it was paired with,
by the rules the hand-made crosswalk follows (seeds/_seeds.yml, question_crosswalk):
- new: paired with nothing;
- not_comparable: another type or format (free text became a multi-select, one question
  became an array, a ranking ranks another number of positions);
- scale_changed: the answer scale gained answers (a "Non" split into "prévu" / "pas prévu"),
  or a multi-select became an array of the same items;
- reworded: same scale, other wording of the question or of some answers;
- identical: same wording, same answers.
"Je ne sais pas" added or dropped changes no grade (the hand-made 2023 rows: dpo_appointed is
identical with it added), nor do items added to or dropped from a multi-select or an array.
Answers of the earlier scale not seen in the export are not a change either: nobody may have
chosen them (they are carried over, see barometre/waves/draft.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from barometre.codebook import Question
from barometre.waves.export import SCALE_TYPES
from barometre.waves.similarity import is_dont_know, match_labels, overlap, same_wording

# a multi-select becoming an array of (mostly) the same items changed its scale only
SAME_ITEMS = 0.5
TYPE_WORDS = {
    "multi_select": "a multi-select",
    "single_choice": "a single choice",
    "array": "an array",
    "ranking": "a ranking",
    "free_text": "free text",
    "upload": "a file upload",
    "personal": "personal data",
    "metadata": "LimeSurvey metadata",
}


@dataclass(frozen=True)
class Comparison:
    """A new question beside its earlier version: labels paired, added, removed."""

    wave: int
    earlier_wave: int
    text: str
    kind: str
    scale: list[str]
    items: list[str]
    earlier: Question
    answers_paired: dict[str, str]  # new label -> earlier label
    items_paired: dict[str, str]

    @classmethod
    def of(
        cls,
        wave: int,
        text: str,
        kind: str,
        scale: list[str],
        items: list[str],
        earlier: Question,
        earlier_wave: int,
    ) -> Comparison:
        old_items = [item.label for item in earlier.items]
        return cls(
            wave,
            earlier_wave,
            text,
            kind,
            scale,
            items,
            earlier,
            match_labels(scale, earlier.options),
            match_labels(items, old_items),
        )

    def answers_added(self) -> list[str]:
        return [a for a in self.scale if a not in self.answers_paired]

    def answers_unseen(self) -> list[str]:
        paired = set(self.answers_paired.values())
        return [a for a in self.earlier.options if a not in paired]

    def answers_reworded(self) -> list[tuple[str, str]]:
        return [(old, new) for new, old in self.answers_paired.items() if new != old]

    def items_added(self) -> list[str]:
        return [i for i in self.items if i not in self.items_paired]

    def items_dropped(self) -> list[str]:
        paired = set(self.items_paired.values())
        return [i.label for i in self.earlier.items if i.label not in paired]


@dataclass(frozen=True)
class Grade:
    comparability: str
    note: str  # for the crosswalk's comparability_note
    evidence: list[str]  # for the review page


def grade_new(wave: int) -> Grade:
    return Grade("new", f"first asked in {wave}", [])


def grade(comparison: Comparison) -> Grade:
    c = comparison
    old_type, evidence = c.earlier.qtype, _evidence(c)
    if old_type != c.kind:
        change = _across(c, TYPE_WORDS[old_type], TYPE_WORDS[c.kind])
        if {old_type, c.kind} == {"multi_select", "array"} and _same_items(c):
            return Grade("scale_changed", f"{change} of the same items", evidence)
        return Grade("not_comparable", change, evidence)
    if c.kind == "ranking" and len(c.items) != len(c.earlier.items):
        change = _across(c, f"ranked {len(c.earlier.items)}", f"ranks {len(c.items)} positions")
        return Grade("not_comparable", change, evidence)
    added = [a for a in c.answers_added() if not is_dont_know(a)]
    if c.kind in SCALE_TYPES and added:
        old_scale = " / ".join(c.earlier.options)
        note = f"{c.earlier_wave} {old_scale}; {c.wave} adds {' / '.join(added)}"
        return Grade("scale_changed", note, evidence)
    reworded_answers = c.answers_reworded()
    if same_wording(c.text, c.earlier.text) and not reworded_answers:
        return Grade("identical", "", evidence)
    changes = [] if same_wording(c.text, c.earlier.text) else ["wording reworded"]
    changes += [f'"{old}" became "{new}"' for old, new in reworded_answers]
    changes += ["same answers"] if c.scale else []
    return Grade("reworded", "; ".join(changes), evidence)


def _across(c: Comparison, before: str, after: str) -> str:
    return f"{c.earlier_wave} {before}, {c.wave} {after}"


def _same_items(c: Comparison) -> bool:
    return overlap(c.items, [item.label for item in c.earlier.items]) >= SAME_ITEMS


def _evidence(c: Comparison) -> list[str]:
    facts = []
    if c.answers_added():
        facts.append("answers added: " + " / ".join(c.answers_added()))
    if c.answers_unseen():
        facts.append("earlier answers not seen in the export: " + " / ".join(c.answers_unseen()))
    facts += [f'answer "{old}" -> "{new}"' for old, new in c.answers_reworded()]
    if c.items_added():
        facts.append("items added: " + " / ".join(c.items_added()))
    if c.items_dropped():
        facts.append("items dropped: " + " / ".join(c.items_dropped()))
    return facts
