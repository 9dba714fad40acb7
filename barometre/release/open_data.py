"""The open-data package of a release (`<release>/open_data/`), for people who do not write SQL:
one CSV per published mart as data.gouv.fr recommends (UTF-8, comma, one header row, `.` as
decimal mark), a Frictionless Data Package (`datapackage.json`: a Table Schema per CSV with
French titles and descriptions, keys, licence, sources, the release id), the French data
dictionary (`dictionnaire.csv`) and the themes' French labels (`themes.csv`).

`validate_open_data` checks the package with the `frictionless` library, data against schemas
and keys (up to VALIDATED_ROWS rows per CSV), and that every table and column has its French
title and description: publication runs it before the release is switched, and publishes
nothing when it fails."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from barometre.codebook import publication, read_seed, survey_theme_marts, theme_labels
from barometre.database import connect, sql_string
from barometre.errors import BarometreError
from barometre.ingest.landing import ORIGIN_NOTES_FR, file_sha256
from barometre.release.descriptions import French, TableDescription
from barometre.release.workbooks import XLSX_FOLDER, write_workbooks
from barometre.sources import poll_source, survey_source

OPEN_DATA_FOLDER = "open_data"
PACKAGE_FILE = "datapackage.json"
DICTIONARY = "dictionnaire"
THEMES = "themes"
SCHEMA = "marts"
# rows of each CSV that publication validates in Python (frictionless reads about 30,000 rows
# a second here: 5 s for the sample's 157,000, 423 s for the 100x package): enough to prove
# each file's dialect, header and types against its schema. The CSVs are written by DuckDB from
# marts whose types the contracts and whose keys the gate's dbt tests have checked on every
# row, and the tests validate whole packages
VALIDATED_ROWS = 10_000
# what the published file's column types are in a Table Schema
FIELD_TYPES = {
    "INTEGER": "integer",
    "BIGINT": "integer",
    "DOUBLE": "number",
    "VARCHAR": "string",
    "BOOLEAN": "boolean",
}
# every published row carries the release it belongs to (publish.py adds the column)
RELEASE_ID = French("Publication", "L'identifiant de la publication dont vient la ligne.")
# the package's own tables, described like the marts
DICTIONARY_TABLE = TableDescription(
    description="",
    columns={},
    french=French(
        "Dictionnaire des données",
        "Chaque table publiée et chacune de ses colonnes : type, titre et description en "
        "français (une ligne sans colonne décrit la table).",
    ),
    french_columns={
        "table": French("Table", "Le nom de la table (et de son fichier CSV)."),
        "colonne": French("Colonne", "Le nom de la colonne ; vide pour la table elle-même."),
        "type": French("Type", "Le type Table Schema de la colonne."),
        "titre": French("Titre", "Le titre de la table ou de la colonne."),
        "description": French("Description", "Ce que contient la table ou la colonne."),
    },
    primary_key=("table", "colonne"),
)
THEMES_TABLE = TableDescription(
    description="",
    columns={},
    french=French("Thèmes", "Les codes de thème des tables et leur libellé en français."),
    french_columns={
        "source": French("Source", "survey (enquête auprès des collectivités) ou poll (sondage)."),
        "theme": French("Code du thème", "La valeur de la colonne theme des tables."),
        "libelle": French("Libellé", "Le nom du thème en français."),
        "ordre": French("Ordre", "Rang d'affichage du thème."),
    },
    primary_key=("source", "theme"),
)


def write_open_data(
    database: Path,
    folder: Path,
    descriptions: Mapping[str, TableDescription],
    release: Mapping[str, Any],
) -> Path:
    """Write the package of the release database `database` into `folder`; returns the
    package's descriptor. `release` is the release's release.json content."""
    folder.mkdir()
    resources, dictionary = [], []
    with connect(database, read_only=True) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "select table_name from duckdb_tables() where database_name = current_database() "
                "and schema_name = ? order by table_name",
                [SCHEMA],
            ).fetchall()
        ]
        for table in tables:
            columns = connection.execute(
                "select column_name, data_type from duckdb_columns() where database_name = "
                "current_database() and schema_name = ? and table_name = ? order by column_index",
                [SCHEMA, table],
            ).fetchall()
            path = folder / f"{table}.csv"
            connection.execute(
                f"copy {SCHEMA}.\"{table}\" to {sql_string(path)} (header, delimiter ',')"
            )
            described = _with_theme_title(table, descriptions.get(table))
            resource = _resource(table, path, columns, described, tables)
            resources.append(resource)
            dictionary.append(_dictionary_row(table, "", "", resource))
            dictionary += [
                _dictionary_row(table, f["name"], f["type"], f)
                for f in resource["schema"]["fields"]
            ]
    if "survey_results" in tables:
        fields = next(r for r in resources if r["name"] == "survey_results")["schema"]["fields"]
        titles = {f["name"]: f.get("title", f["name"]) for f in fields}
        write_workbooks(database, folder / XLSX_FOLDER, release, titles)
    resources.append(_write_table(folder, DICTIONARY, DICTIONARY_TABLE, dictionary))
    resources.append(_write_table(folder, THEMES, THEMES_TABLE, _theme_rows()))
    package = _package(release, resources)
    path = folder / PACKAGE_FILE
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def validate_open_data(folder: Path) -> None:
    """Raise a BarometreError naming every problem of the package in `folder`: what
    `frictionless` finds (the package, and each CSV's dialect, header, and first
    VALIDATED_ROWS rows against its schema and keys) and any table or column without its French
    title and description."""
    path = folder / PACKAGE_FILE
    if not path.is_file():
        raise BarometreError(f"open-data package refused: {path} is missing")
    problems = _untranslated(json.loads(path.read_text(encoding="utf-8")))
    import frictionless  # here: the CLI's other commands and its no-op check need not load it

    # basepath: the package's files are read from its folder, whatever the working directory
    report = frictionless.validate(str(path), basepath=str(folder), limit_rows=VALIDATED_ROWS)
    for task in report.tasks:
        problems += [f"{task.name}: {error.message}" for error in task.errors[:5]]
    problems += [error.message for error in report.errors[:5]]
    if problems:
        shown = "\n  ".join(problems[:20])
        raise BarometreError(f"open-data package refused ({len(problems)} problem(s)):\n  {shown}")


def _with_theme_title(table: str, described: TableDescription | None) -> TableDescription:
    """A theme mart's French title is its theme's label (seeds/survey_themes.csv)."""
    described = described or TableDescription("", {})
    theme = survey_theme_marts().get(table)
    if theme is None or described.french is None:
        return described
    title = f"Thème : {theme_labels()[theme]}"
    return TableDescription(
        described.description,
        described.columns,
        French(title, described.french.description),
        described.french_columns,
        described.primary_key,
        described.foreign_keys,
    )


def _resource(
    table: str,
    path: Path,
    columns: list[tuple[str, str]],
    described: TableDescription,
    tables: list[str],
) -> dict[str, Any]:
    fields = []
    for name, kind in columns:
        french = RELEASE_ID if name == "release_id" else described.french_columns.get(name)
        if kind not in FIELD_TYPES:
            raise BarometreError(f"open-data package: {table}.{name} has type {kind}, no CSV type")
        field: dict[str, Any] = {"name": name, "type": FIELD_TYPES[kind]}
        if french:
            field |= {"title": french.title, "description": french.description}
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields}
    if described.primary_key:
        schema["primaryKey"] = list(described.primary_key)
    references = [key for key in described.foreign_keys if key.table in tables]
    if references:
        schema["foreignKeys"] = [
            {
                "fields": list(k.columns),
                "reference": {"resource": k.table, "fields": list(k.table_columns)},
            }
            for k in references
        ]
    french = described.french
    return {
        "name": table,
        "path": path.name,
        **({"title": french.title, "description": french.description} if french else {}),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": path.stat().st_size,
        "hash": "sha256:" + file_sha256(path),
        "schema": schema,
    }


def _write_table(
    folder: Path, name: str, described: TableDescription, rows: list[dict[str, Any]]
) -> dict[str, Any]:
    path = folder / f"{name}.csv"
    columns = list(described.french_columns)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    kinds = {column: "INTEGER" if column == "ordre" else "VARCHAR" for column in columns}
    return _resource(name, path, list(kinds.items()), described, [])


def _dictionary_row(
    table: str, column: str, kind: str, described: Mapping[str, Any]
) -> dict[str, str]:
    return {
        "table": table,
        "colonne": column,
        "type": kind,
        "titre": described.get("title", ""),
        "description": described.get("description", ""),
    }


def _theme_rows() -> list[dict[str, Any]]:
    return [
        {
            "source": source,
            "theme": row["theme"],
            "libelle": row["theme_label"],
            "ordre": row["theme_order"],
        }
        for source, seed in (("survey", "survey_themes"), ("poll", "poll_themes"))
        for row in read_seed(seed)
    ]


def _package(release: Mapping[str, Any], resources: list[dict[str, Any]]) -> dict[str, Any]:
    facts = publication()
    waves = ", ".join(map(str, release["waves"])) or "aucune"
    note = ORIGIN_NOTES_FR.get(release["origin"])
    poll = sorted({i["wave"] for i in release["inputs"] if i["kind"] == "poll_export"})
    description = (
        f"Les tables publiées du Baromètre (publication {release['release_id']}, vagues de "
        f"l'enquête : {waves}), en CSV décrits par ce paquet de données. "
        "Dictionnaire des données : dictionnaire.csv."
    ) + (f" {note}." if note else "")
    return {
        "name": facts["package_name"],
        "id": release["release_id"],
        "title": facts["package_title"],
        "description": description,
        "created": release["published_at"],
        "licenses": [
            {
                "name": facts["licence_name"],
                "title": facts["licence_title"],
                "path": facts["licence_path"],
            }
        ],
        "sources": [{"title": survey_source(release["waves"])}]
        + ([{"title": poll_source(poll)}] if poll else []),
        "contributors": [{"title": facts["publisher"], "role": "publisher"}],
        "resources": resources,
    }


def _untranslated(package: Mapping[str, Any]) -> list[str]:
    """Tables and columns without their French title and description."""
    missing = []
    for resource in package.get("resources", []):
        if not (resource.get("title") and resource.get("description")):
            missing.append(f"{resource['name']}: no French title and description")
        missing += [
            f"{resource['name']}.{field['name']}: no French title and description"
            for field in resource["schema"]["fields"]
            if not (field.get("title") and field.get("description"))
        ]
    return missing
