"""The project's rule for codes built from a label (seeds' item_code and answer_code, and the
draft's ids for new questions): the label's first four significant words, lower-case ASCII,
joined by "_" ("Le respect de standards ou de formats de données" -> respect_standards_ou_formats).
It gives 182 of the 214 hand-made codes (85 %); the others were chosen by hand (yes, no,
dont_know, other…), which the draft reuses from the codebook before building one.
"""

from __future__ import annotations

from collections.abc import Collection

from barometre.waves.similarity import words

WORDS_PER_CODE = 4
# articles, prepositions and elided words the hand-made codes leave out
_LEFT_OUT = frozenset(
    ("a", "au", "aux", "c", "d", "dans", "de", "des", "du", "en", "est", "et", "l", "la")
    + ("le", "les", "ma", "par", "pour", "qu", "s", "sa", "son", "sur", "un", "une")
)
# more words a question's wording starts with and an id does without
_QUESTION_WORDS = frozenset(
    ("avez", "ces", "cette", "collectivite", "elle", "il", "ils", "nous", "organisation")
    + ("ou", "pensez", "pouvez", "quel", "quelle", "quelles", "quels", "selon", "si", "sont")
    + ("structure", "t", "vos", "votre", "vous")
)


def code_from_label(label: str, taken: Collection[str] = ()) -> str:
    """A code for a label, distinct from the codes taken ("_2", "_3"… when needed)."""
    significant = [w for w in words(label) if w not in _LEFT_OUT]
    return _distinct("_".join(significant[:WORDS_PER_CODE]) or "untitled", taken)


def id_from_wording(wording: str, taken: Collection[str]) -> str:
    """An id for a new question, from its wording's significant words (to be renamed in
    review if a better English name comes to mind: ids are barometre's own)."""
    significant = [w for w in words(wording) if w not in _LEFT_OUT | _QUESTION_WORDS]
    return _distinct("_".join(significant[:WORDS_PER_CODE]) or "untitled_column", taken)


def _distinct(code: str, taken: Collection[str]) -> str:
    candidate, suffix = code, 2
    while candidate in taken:
        candidate, suffix = f"{code}_{suffix}", suffix + 1
    return candidate
