"""Words of the report that name the marts' codes for a French reader."""

from __future__ import annotations

QUESTION_TYPES = {
    "single_choice": "choix unique",
    "multi_select": "choix multiples",
    "array": "tableau",
    "ranking": "classement",
    "personal": "question personnelle",
    "free_text": "texte libre",
    "upload": "fichier joint",
}
COMPARABILITY = {
    "identical": "identique",
    "reworded": "reformulée",
    "scale_changed": "échelle modifiée",
    "not_comparable": "non comparable",
    "new": "nouvelle",
    "comparable": "comparable",
}


def question_type_label(code: str) -> str:
    return QUESTION_TYPES.get(code, code)


def comparability_label(code: str | None) -> str:
    return COMPARABILITY.get(code or "", "non précisée")
