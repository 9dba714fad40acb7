"""The draft's review page: one self-contained HTML file, least sure questions first, each
with the earlier and the new wording side by side (words removed struck out, words added
highlighted), the evidence of the pairing and the drafted items and answers."""

from __future__ import annotations

import difflib
from html import escape

from barometre.waves.draft import Draft, DraftAnswer, DraftQuestion
from barometre.waves.matching import Evidence

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; max-width: 80em; color: #222 }
section { border-top: 1px solid #ccc; padding: .5em 0 1em }
h2 { font-size: 1.05em; margin: .4em 0 } .id { font-family: monospace }
.grade { padding: .1em .5em; border-radius: .8em; background: #eee; font-size: .9em }
.new { background: #d8e8ff } .identical { background: #dff3df } .reworded { background: #eef6d0 }
.scale_changed { background: #ffe7c2 } .not_comparable { background: #ffd3d3 }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 1em }
.sides div { background: #fafafa; padding: .5em; border: 1px solid #eee }
del { background: #ffd3d3 } ins { background: #c9f0c9; text-decoration: none }
table { border-collapse: collapse; margin: .3em 0; font-size: .9em }
td, th { border: 1px solid #ddd; padding: .15em .5em; text-align: left }
.unseen { color: #888 } .low { color: #b00; font-weight: bold }
"""
LOW_CONFIDENCE = 0.5


def review_page(draft: Draft) -> str:
    questions = sorted(draft.questions, key=lambda q: (q.match.confidence, q.export.order))
    counts: dict[str, int] = {}
    for question in draft.questions:
        counts[question.grade.comparability] = counts.get(question.grade.comparability, 0) + 1
    summary = ", ".join(f"{n} {grade}" for grade, n in sorted(counts.items()))
    low = sum(q.match.confidence < LOW_CONFIDENCE for q in draft.questions)
    earlier = ", ".join(str(w) for w in draft.earlier_waves)
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="fr"><head><meta charset="utf-8">',
            f"<title>Draft of wave {draft.wave}</title><style>{_STYLE}</style></head><body>",
            f"<h1>Draft crosswalk of wave {draft.wave}</h1>",
            f"<p>{escape(str(draft.export))}, against the codebook of {earlier}: "
            f"{len(draft.questions)} questions ({summary}); {low} with a confidence under "
            f"{LOW_CONFIDENCE}. Least sure first. Edit the CSV files beside this page, then "
            "append them to seeds/ (docs/recipes.md, “Adding a wave”).</p>",
            *(_question(q, draft.wave) for q in questions),
            "</body></html>",
        ]
    )


def _question(question: DraftQuestion, wave: int) -> str:
    match, earlier = question.match, question.match.earlier
    confidence = match.confidence
    level = ' class="low"' if confidence < LOW_CONFIDENCE else ""
    grade = question.grade.comparability
    parts = [
        "<section>",
        f"<h2><span{level}>{confidence:.2f}</span> · Q{question.export.order} · "
        f'<span class="id">{escape(question.question_id)}</span> · '
        f'<span class="grade {grade}">{grade}</span> · {escape(question.question_type)} · '
        f"{escape(question.theme)}</h2>",
    ]
    if question.grade.note:
        parts.append(f"<p>Note: {escape(question.grade.note)}</p>")
    # a new question beside the closest earlier one, which a reviewer may find is the same
    shown = earlier or (match.best_unpaired.candidate if match.best_unpaired else None)
    if shown is not None:
        old, new = _diff(shown.question.text, question.export.text)
        closest = "" if earlier else f"closest, {escape(shown.question_id)}, "
        parts.append(
            f'<div class="sides"><div><b>{shown.wave}</b> ({closest}{shown.question.qtype}): '
            f"{old}</div><div><b>{wave}</b>: {new or '<i>(untitled)</i>'}</div></div>"
        )
    parts.append(f"<p>{_evidence_line(match.evidence, match.best_unpaired)}</p>")
    parts += [f"<p>{escape(fact)}</p>" for fact in question.grade.evidence]
    parts.append(_items_table(question))
    parts.append(_answers_table(question))
    parts.append("</section>")
    return "\n".join(part for part in parts if part)


def _evidence_line(chosen: Evidence | None, rival: Evidence | None) -> str:
    said = []
    if chosen is not None:
        said.append(f"paired on {_scores(chosen)}")
    if rival is not None:
        label = "next best" if chosen is not None else "closest earlier question"
        said.append(f"{label}: {escape(rival.candidate.question_id)} ({_scores(rival)})")
    return "; ".join(said) or "no earlier question to compare with"


def _scores(evidence: Evidence) -> str:
    parts = [f"score {evidence.score:.2f}", f"wording {evidence.wording:.0%}"]
    if evidence.content is not None:
        parts.append(f"items and answers {evidence.content:.0%} alike")
    if evidence.neighbours:
        parts.append("same place in the questionnaire")
    return ", ".join(parts)


def _diff(old: str, new: str) -> tuple[str, str]:
    """Both wordings, word by word: removed words in <del>, added ones in <ins>."""
    old_words, new_words = old.split(" "), new.split(" ")
    left, right = [], []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = " ".join(old_words[i1:i2]), " ".join(new_words[j1:j2])
        if tag == "equal":
            left.append(escape(removed))
            right.append(escape(added))
            continue
        if removed:
            left.append(f"<del>{escape(removed)}</del>")
        if added:
            right.append(f"<ins>{escape(added)}</ins>")
    return " ".join(left), " ".join(right)


def _items_table(question: DraftQuestion) -> str:
    return _table(
        ("item", "item_code", "kind", "earlier"),
        [((i.label, i.code, i.kind, i.earlier_label or "new item"), True) for i in question.items],
    )


def _answers_table(question: DraftQuestion) -> str:
    return _table(
        ("answer", "answer_code", "harmonised_label", "earlier"),
        [((a.label, a.code, a.harmonised_label, _earlier(a)), a.seen) for a in question.answers],
    )


def _earlier(answer: DraftAnswer) -> str:
    if not answer.seen:
        return f"{answer.earlier_label} (not seen in the export: carried over)"
    return answer.earlier_label or "new answer"


def _table(headings: tuple[str, ...], rows: list[tuple[tuple[str, ...], bool]]) -> str:
    """A table of (cells, seen) rows; unseen ones greyed; nothing when there is no row."""
    if not rows:
        return ""
    head = "".join(f"<th>{escape(heading)}</th>" for heading in headings)
    body = "".join(
        f"<tr{'' if seen else ' class=unseen'}>"
        + "".join(f"<td>{escape(cell)}</td>" for cell in cells)
        + "</tr>"
        for cells, seen in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"
