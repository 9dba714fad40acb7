"""The personal-data scan that blocks publication finds leaks, and only leaks."""

from __future__ import annotations

from pathlib import Path

import duckdb

from barometre.quality.privacy import scan_marts
from barometre.text import normalise_whitespace, normalise_whitespace_sql

FREE_TEXT = "Nous travaillons avec le syndicat mixte depuis 2019"


def build_database(path: Path, published_labels: list[str]) -> Path:
    """A build database with the personal values dbt lists (normalised) and the codebook
    tables the scan reads."""
    with duckdb.connect(str(path)) as c:
        for schema in ("staging", "codebook", "marts"):
            c.execute(f"create schema {schema}")
        c.execute(
            "create table staging.stg_limesurvey__personal_values as select * from (values "
            "('camille.martin@exemple.fr'), ('Chargée de mission'), "
            f"('{FREE_TEXT}'), ('Non'), ('Mairie de Villefictive'), ('sans réponse'), "
            "('UNE RÉGION')) as t(value)"
        )
        c.execute(
            "create table codebook.question_crosswalk as select 'Question ?' as question_text"
        )
        c.execute("create table codebook.survey_question_items as select 'Autre' as item_label")
        c.execute(
            "create table codebook.answer_crosswalk as select 'Oui, tout à fait' as answer_label"
        )
        # the project's own labels: the no-answer row, a group, a theme
        c.execute(
            "create table codebook.answer_conventions as select 'Sans réponse' as answer_label"
        )
        c.execute("create table codebook.survey_groups as select 'Une région' as group_label")
        c.execute("create table codebook.survey_themes as select 'Cybersécurité' as theme_label")
        c.execute("create table marts.results (answer_label varchar, n integer)")
        for label in published_labels:
            c.execute("insert into marts.results values (?, 1)", [label])
    return path


def test_questionnaire_labels_are_not_leaks(tmp_path: Path) -> None:
    # "sans réponse" and "UNE RÉGION" typed in free text are the project's own labels, in
    # another case: they reveal nothing of whoever typed them
    published = ["Oui, tout à fait", "Non", "Total", "Sans réponse", "Une région"]
    database = build_database(tmp_path / "build.duckdb", published)
    assert scan_marts(database, ["results"])["results"] == []


def test_a_hexadecimal_key_is_not_a_phone_number(tmp_path: Path) -> None:
    keys = ["5e3fa0612345678b9c0d1e2f3a4b5c6d", "0612345678abcdef0123456789abcdef"]
    database = build_database(tmp_path / "build.duckdb", keys)
    assert scan_marts(database, ["results"])["results"] == []


def test_personal_values_emails_phones_and_embedded_free_text_are_found(tmp_path: Path) -> None:
    leaks = [
        "Chargée de mission",
        "Mairie de Villefictive",
        "écrire à prenom.nom@mairie.example",
        "appeler le 06 12 34 56 78",
        f"Autre : {FREE_TEXT}",
    ]
    database = build_database(tmp_path / "build.duckdb", ["Oui, tout à fait", *leaks])

    findings = scan_marts(database, ["results"])["results"]

    assert sorted(f.reason for f in findings) == [
        "contains the text of a personal column",
        "e-mail address",
        "phone number",
        "value of a personal column",
        "value of a personal column",
    ]
    assert all(f.table == "results" and f.column == "answer_label" for f in findings)
    # reports mask what they found
    assert not any(leak in f.describe() for f in findings for leak in leaks)


def test_a_personal_value_published_with_other_spaces_is_found(tmp_path: Path) -> None:
    """Published text is normalised as dbt normalised the personal values: a thin, narrow
    no-break, figure or no-break space does not hide a personal value."""
    variants = [
        "Mairie de\u2009Villefictive",
        "Mairie\u202fde Villefictive",
        "Mairie de\u2007Villefictive",
        "Chargée\u00a0de mission ",
    ]
    for number, variant in enumerate(variants):
        database = build_database(tmp_path / f"build{number}.duckdb", ["Oui", variant])

        findings = scan_marts(database, ["results"])["results"]

        assert [f.reason for f in findings] == ["value of a personal column"], repr(variant)


def test_python_and_dbt_normalise_whitespace_alike() -> None:
    """Checks made before dbt runs (the landing's headers) normalise text as staging does."""
    texts = [
        "  Un\u00a0prestataire \u202finformatique\t",
        "figure\u2007et\u2009fine",
        "cadratin\u2003et idéographique\u3000gardés",
        "ligne\nsuivante\r\n",
        "",
    ]
    with duckdb.connect() as connection:
        in_sql = [
            connection.execute(f"select {normalise_whitespace_sql('?')}", [text]).fetchone()[0]
            for text in texts
        ]
    assert [normalise_whitespace(text) for text in texts] == in_sql


def test_a_personal_value_published_in_another_case_is_found(tmp_path: Path) -> None:
    for number, variant in enumerate(["CHARGÉE DE MISSION", "mairie de villefictive"]):
        database = build_database(tmp_path / f"build{number}.duckdb", ["Oui", variant])

        findings = scan_marts(database, ["results"])["results"]

        assert [f.reason for f in findings] == ["value of a personal column"], variant
