"""Where the figures come from, in words: the source line under every chart of the report and
the sources of the open-data package (seeds/publication.csv, seeds/poll_waves.csv)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from barometre.codebook import poll_waves, publication
from barometre.french import day


def survey_source(waves: Iterable[int]) -> str:
    """ "Observatoire Data Publica, enquête auprès des collectivités 2023"."""
    facts = publication()
    return f"{facts['publisher']}, {facts['survey_source']} {_waves(waves)}".rstrip()


def poll_source(waves: Iterable[int]) -> str:
    """ "Ipsos pour l'Observatoire Data Publica, sondage auprès des citoyens 2024, terrain du
    17 au 22 juillet 2024" (the fieldwork when the seed gives it)."""
    facts, known = publication(), poll_waves()
    waves = sorted(waves)
    pollsters = sorted({known[w]["pollster"] for w in waves if w in known})
    by = f"{' et '.join(pollsters)} pour " if pollsters else ""
    text = f"{by}{_of(facts['publisher'])}, {facts['poll_source']} {_waves(waves)}".rstrip()
    fieldwork = [_fieldwork(known[w]) for w in waves if w in known and known[w]["fieldwork_start"]]
    return text + (f", terrain {' ; '.join(fieldwork)}" if fieldwork else "")


def _of(publisher: str) -> str:
    """ "l'Observatoire …" after "pour": the publisher's name takes its article."""
    return f"l'{publisher}" if publisher[:1] in "AEIOUÉ" else publisher


def _waves(waves: Iterable[int]) -> str:
    return ", ".join(str(w) for w in sorted(waves))


def _fieldwork(wave: dict[str, str]) -> str:
    start, end = (
        date.fromisoformat(wave["fieldwork_start"]),
        date.fromisoformat(wave["fieldwork_end"]),
    )
    first = str(start.day) if (start.month, start.year) == (end.month, end.year) else day(start)
    return f"du {first} au {day(end)}"
