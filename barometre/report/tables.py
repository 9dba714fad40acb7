"""The data behind every chart, for readers who cannot or would rather not read a chart: a
table under it ("Voir les données") and the same table as a CSV file (`donnees/<name>.csv`),
written from the page itself so that the two never differ."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape, unescape
from pathlib import Path

from barometre.french import percent, typography

DATA_FOLDER = "donnees"
Value = str | int | float | None


@dataclass(frozen=True)
class Cell:
    """A cell as shown (French typography) and as the CSV gives it (the figure)."""

    text: str
    value: Value = None


@dataclass(frozen=True)
class DataTable:
    name: str  # the CSV file's name, unique in the site
    caption: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell | Value]]


def data_table(table: DataTable) -> str:
    """The table, folded under its chart, with the link to its CSV."""
    return f'<details class="data"><summary>Voir les données</summary>{table_html(table)}</details>'


def table_html(table: DataTable) -> str:
    """The table (it scrolls by itself on a narrow screen) and the link to its CSV."""
    head = "".join(f'<th scope="col">{escape(typography(c))}</th>' for c in table.columns)
    body = "".join(
        "<tr>" + "".join(_cell(cell, first=i == 0) for i, cell in enumerate(row)) + "</tr>"
        for row in table.rows
    )
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", table.name)  # a file name anywhere
    href = f"{DATA_FOLDER}/{name}.csv"
    return (
        # a region that scrolls sideways is reachable from the keyboard
        f'<div class="scroll" tabindex="0" role="region" aria-label="{escape(table.caption)}">'
        f'<table class="data" data-csv="{name}"><caption>'
        f"{escape(typography(table.caption))}</caption><thead><tr>{head}</tr></thead>"
        f'<tbody>{body}</tbody></table></div><p><a href="{href}" download>'
        "Télécharger ces données (CSV)</a></p>"
    )


def interval(low: float | None, high: float | None) -> Cell:
    """A 95 % interval: "38 % à 47 %", "38.20–47.10" in the CSV."""
    if low is None or high is None:
        return Cell("—")
    return Cell(f"{percent(low)} à {percent(high)}", f"{low:.2f}–{high:.2f}")


def write_data_files(pages: dict[str, str], out_dir: Path) -> list[Path]:
    """Every data table of the pages as `donnees/<name>.csv` (UTF-8, comma, `.` decimals)."""
    folder = out_dir / DATA_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for html in pages.values():
        for name, table in re.findall(
            r'<table class="data" data-csv="([^"]+)">(.*?)</table>', html, flags=re.S
        ):
            path = folder / f"{unescape(name)}.csv"
            path.write_text(_csv(table), encoding="utf-8")
            written[name] = path
    for stale in folder.glob("*.csv"):
        if stale not in written.values():
            stale.unlink()
    return list(written.values())


def _cell(cell: Cell | Value, first: bool) -> str:
    shown = cell if isinstance(cell, Cell) else Cell(_text(cell), cell)
    value = "" if shown.value is None else str(shown.value)
    tag = "th" if first else "td"
    scope = ' scope="row"' if first else ""
    return f'<{tag}{scope} data-value="{escape(value)}">{escape(typography(shown.text))}</{tag}>'


def _text(value: Value) -> str:
    if value is None:
        return "—"
    return str(value)


def _csv(table: str) -> str:
    header = [
        unescape(re.sub(r"<[^>]+>", "", h))
        for h in re.findall(r"<th scope=\"col\">(.*?)</th>", table)
    ]
    rows = [
        [unescape(v) for v in re.findall(r'data-value="([^"]*)"', row)]
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1])
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(h.replace("\u00a0", " ").replace("\u202f", " ") for h in header)
    writer.writerows(rows)
    return out.getvalue()
