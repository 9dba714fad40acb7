"""How alike two wordings or two lists of labels are, the way a reviewer reads them: case,
accents, apostrophes and punctuation aside (RapidFuzz's edit-distance ratio on what is left).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from rapidfuzz import fuzz

# two labels at least this alike are one answer reworded ("Ma collectivité n'est pas
# concernée…" and "Ma structure n’est pas concernée…" score 0.86; "Non, pas encore" and
# "Non, pas complètement" 0.65)
SAME_LABEL = 0.8
_WORD = re.compile(r"[a-z0-9]+")


def comparable(text: str) -> str:
    """Lower case, no accents, words only: "L’accès aux données" -> "l acces aux donnees"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(plain))


def words(text: str) -> list[str]:
    return comparable(text).split()


def is_dont_know(label: str) -> bool:
    return comparable(label) == "je ne sais pas"


def similarity(a: str, b: str) -> float:
    """0 (nothing alike) to 1 (the same words in the same order)."""
    return fuzz.ratio(comparable(a), comparable(b)) / 100


def same_wording(a: str, b: str) -> bool:
    return comparable(a) == comparable(b)


def match_labels(new: Sequence[str], old: Sequence[str]) -> dict[str, str]:
    """Each new label paired with at most one old label: the same wording first, then the
    most alike pairs at least SAME_LABEL alike."""
    pairs: dict[str, str] = {}
    old_by_wording = {comparable(label): label for label in old}
    for label in new:
        same = old_by_wording.get(comparable(label))
        if same is not None and same not in pairs.values():
            pairs[label] = same
    scored = sorted(
        (
            (similarity(n, o), index, n, o)
            for index, n in enumerate(new)
            if n not in pairs
            for o in old
            if o not in pairs.values()
        ),
        key=lambda candidate: (-candidate[0], candidate[1]),
    )
    for score, _, new_label, old_label in scored:
        if score < SAME_LABEL:
            break
        if new_label not in pairs and old_label not in pairs.values():
            pairs[new_label] = old_label
    return pairs


def overlap(new: Sequence[str], old: Sequence[str]) -> float:
    """Share of the labels of both lists that pair up (0 when either is empty)."""
    if not new or not old:
        return 0.0
    paired = len(match_labels(new, old))
    return paired / (len(set(new)) + len(set(old)) - paired)
