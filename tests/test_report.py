"""`barometre report`: the static barometer built from a real published release (the bundled
sample run through the whole pipeline), its figures checked against the published marts, and
its theme pages rendered in headless Chromium."""

from __future__ import annotations

import csv
import os
import re
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from browser import chromium, probe
from conftest import PipelineRun
from PIL import Image

from barometre.french import typography
from barometre.report.site import build_report
from barometre.report.texts import QUESTION_TYPES

# a long file: started early (conftest.py)
pytestmark = pytest.mark.scheduled_first(seconds=70)

BAR_BLUE = (0x1F, 0x5F, 0xA8)  # the first series' colour (report_charts.PALETTE[0])
SMALL_REGION = "Une région"  # 10 respondents in the sample


@dataclass
class Chart:
    attrs: dict[str, str]
    marks: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.attrs["class"].split()[1]


class PageParser(HTMLParser):
    """The charts (with their marks and tooltips), element ids, links and text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.charts: list[Chart] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.text: list[str] = []
        self._chart: Chart | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        classes = values.get("class", "").split()
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        if tag == "svg" and "chart" in classes:
            self._chart = Chart(values)
            self.charts.append(self._chart)
        elif self._chart is not None and "mark" in classes:
            self._chart.marks.append((tag, values))
        self._in_title = tag == "title" and self._chart is not None

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._chart = None
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_title and self._chart is not None:
            self._chart.titles.append(data)

    def full_text(self) -> str:
        # no-break spaces (French typography) read as spaces
        return re.sub(r"\s+", " ", "".join(self.text))


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def page(report: Path, name: str) -> PageParser:
    return parse((report / name).read_text(encoding="utf-8"))


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def has_table(database: Path, table: str) -> bool:
    schema, name = table.split(".")
    return bool(
        query(
            database,
            f"select 1 from duckdb_tables() where schema_name = '{schema}' "
            f"and table_name = '{name}'",
        )
    )


def writable_copy(published: Path, target: Path) -> Path:
    """A private, writable copy of a published (read-only) release file, to derive variants."""
    shutil.copyfile(published, target)
    target.chmod(target.stat().st_mode | stat.S_IWUSR)
    return target


@pytest.fixture(scope="module")
def report(sample_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report written by the CLI, as a user would."""
    out = tmp_path_factory.mktemp("report") / "site"
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "report"]
        + ["--warehouse", str(sample_run.warehouse), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "300"},
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert str(out / "index.html") in completed.stdout
    return out


def test_report_without_a_release_fails_clearly(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "report", "--warehouse", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "300"},
    )
    assert completed.returncode == 1
    assert "no published release" in completed.stdout
    assert not (tmp_path / "report").exists()


def test_one_page_per_theme_and_every_link_resolves(sample_run: PipelineRun, report: Path) -> None:
    database = sample_run.published_db
    survey_themes = {
        t for (t,) in query(database, "select distinct theme from marts.survey_results")
    }
    expected = {f"survey-{t}.html" for t in survey_themes}
    expected |= {"index.html", "codebook.html", "methode.html"}
    assert has_table(database, "marts.poll_results"), "the sample release has this mart"
    poll_themes = {t for (t,) in query(database, "select distinct theme from marts.poll_results")}
    expected |= {f"poll-{t}.html" for t in poll_themes}
    assert has_table(database, "marts.citizens_vs_authorities"), "the sample release has this mart"
    expected.add("citoyens-collectivites.html")
    assert {p.name for p in report.glob("*.html")} == expected

    (release_id,) = query(database, "select release_id from meta.release")[0]
    index = page(report, "index.html")
    assert release_id in index.full_text()
    assert set(index.links) >= expected - {"index.html"}
    for name in expected:
        # every page of a release built from the synthetic sample says so
        assert "Données SYNTHÉTIQUES" in page(report, name).full_text(), name
        for link in page(report, name).links:
            target, _, anchor = link.partition("#")
            target = target or name  # "#contenu": an anchor of the page itself
            assert (report / target).is_file(), f"{name}: broken link {link}"
            if anchor:
                assert anchor in page(report, target).ids, f"{name}: no #{anchor} in {target}"


def survey_section(report: Path, theme: str, question_id: str) -> str:
    """The part of a theme page about one question: from its heading to the next question."""
    html = (report / f"survey-{theme}.html").read_text(encoding="utf-8")
    return html.split(f'<h2 id="{question_id}">')[1].split("<section>")[0]


def test_every_survey_question_has_its_chart_base_and_wording(
    sample_run: PipelineRun, report: Path
) -> None:
    # each question is charted in the latest wave that asked it
    rows = query(
        sample_run.published_db,
        "with latest as (select question_id, max(wave) as wave from marts.survey_results "
        "group by question_id) "
        "select theme, question_id, wave, any_value(question_text), "
        "max(n_group) filter (where group_label = 'Total'), "
        "max(n_group) filter (where group_label = 'Une métropole') "
        "from marts.survey_results join latest using (question_id, wave) group by all",
    )
    assert len(rows) > 40
    for theme, question_id, wave, wording, total, metropoles in rows:
        section = parse(survey_section(report, theme, question_id))
        # the two main groups, then every group on demand, each with drawn marks
        # the two totals charted (every group is a table), then the trend when there is one
        assert section.charts[0].attrs["data-question-id"] == question_id
        assert all(chart.marks for chart in section.charts), question_id
        text = section.full_text()
        assert f"Base ({wave}) : Total : {total} répondants" in text
        if metropoles is not None:  # 2022 had no métropole group
            assert f"Une métropole : {metropoles} répondants" in text
        assert f"Libellé ({wave}) : « {' '.join(typography(wording).split())} »" in text


def test_bars_are_the_published_percentages(sample_run: PipelineRun, report: Path) -> None:
    theme, question_id, answer, pct = query(
        sample_run.published_db,
        "select theme, question_id, answer_label, pct from marts.survey_results "
        "where question_type = 'single_choice' and group_label = 'Total' "
        "and wave = (select max(wave) from marts.survey_results) "  # charts show the latest
        "order by question_order, answer_order limit 1",
    )[0]
    chart = next(
        c
        for c in page(report, f"survey-{theme}.html").charts
        if c.attrs["data-question-id"] == question_id
    )
    # the first bar is the first answer for the first group; 560 px is the 0–100 % scale
    tag, first = chart.marks[0]
    assert tag == "rect"
    assert float(first["width"]) == pytest.approx(max(560 * pct / 100, 1.0), abs=0.06)
    assert f"Total : {round(pct)}\u00a0%" in chart.titles
    assert answer in "".join(page(report, f"survey-{theme}.html").text)


def test_small_bases_are_flagged(sample_run: PipelineRun, report: Path) -> None:
    # the first question of the latest wave, whose groups the report shows
    theme, question_id, wave = query(
        sample_run.published_db,
        "select theme, question_id, wave from marts.survey_results "
        "where wave = (select max(wave) from marts.survey_results) "
        "order by question_order, question_id limit 1",
    )[0]
    sizes = dict(
        query(
            sample_run.published_db,
            f"select distinct group_label, n_group from marts.survey_results where wave = {wave}",
        )
    )
    assert 0 < sizes[SMALL_REGION] < 30 and sizes["Total"] >= 30
    main, _, all_groups = survey_section(report, theme, question_id).partition("<details>")
    assert "Base faible" not in main.split("</figure>")[0]
    warning = re.search(r'class="warning small-base">([^<]*)<', all_groups)
    assert warning and f"{SMALL_REGION} (n = {sizes[SMALL_REGION]})" in warning.group(1)
    assert "Total (n =" not in warning.group(1)


def test_poll_weighted_beside_unweighted_with_interval(
    sample_run: PipelineRun, report: Path
) -> None:
    database = sample_run.published_db
    assert has_table(database, "marts.poll_results"), "the sample release has this mart"
    theme, question_id, wave, pct, n, base, low, high = query(
        database,
        "select theme, question_id, wave, pct_weighted, n_unweighted, base_unweighted, "
        "ci95_low, ci95_high from marts.poll_results where breakdown_id = 'total' "
        "and wave = (select max(wave) from marts.poll_results) "
        "order by question_order, item_order, answer_order limit 1",
    )[0]
    html = (report / f"poll-{theme}.html").read_text(encoding="utf-8")
    chart = next(c for c in parse(html).charts if c.attrs["data-question-id"] == question_id)
    assert f"Pondéré : {round(pct)}\u00a0%" in chart.titles
    assert f"Non pondéré : {round(100 * n / base)}\u00a0%" in chart.titles
    interval = re.search(r'<path class="ci" d="M([\d.]+),[\d.]+ v8 M[\d.]+,[\d.]+ H([\d.]+)', html)
    assert interval
    assert float(interval.group(1)) == pytest.approx(560 * low / 100, abs=0.06)
    assert float(interval.group(2)) == pytest.approx(560 * high / 100, abs=0.06)
    thousands = f"{base:,}".replace(",", " ")
    assert f"Base ({wave}, Ensemble) : {thousands} personnes" in parse(html).full_text()

    small = query(
        database,
        "select theme, group_label, base_unweighted from marts.poll_results "
        "where small_base and wave = (select max(wave) from marts.poll_results) limit 1",
    )
    assert small, "the sample poll should have a small quota group (Corse)"
    theme, group, size = small[0]
    assert f"{group} (n = {size})" in page(report, f"poll-{theme}.html").full_text()


def test_trend_lines_follow_each_answer_across_waves(sample_run: PipelineRun, report: Path) -> None:
    # a question asked in one wave only: no trend, and the page says why
    ai_page = page(report, "survey-artificial_intelligence.html")
    assert "Une seule vague (2024) : pas de courbe" in ai_page.full_text()
    # the sample poll has two waves (2022, 2024): lines with a point per wave
    assert has_table(sample_run.published_db, "marts.poll_results"), (
        "the sample release has this mart"
    )
    trends = [
        c
        for p in report.glob("poll-*.html")
        for c in parse(p.read_text()).charts
        if c.kind == "trend"
    ]
    assert trends
    for chart in trends:
        tags = [tag for tag, _ in chart.marks]
        # a point per wave; a line between two waves of the same answer
        assert tags.count("circle") >= 1 and tags.count("circle") > tags.count("path")
    # the survey has three waves; the acculturation answers were reworded ("de la collectivité"
    # became "de la structure"): still one line per harmonised answer, one point per wave
    section = survey_section(report, "culture_skills", "data_culture_level")
    (chart,) = [c for c in parse(section).charts if c.kind == "trend"]
    lines = {m[1]["stroke"] for m in chart.marks if m[0] == "path"}  # one colour a line
    points = [m for m in chart.marks if m[0] == "circle"]
    answers, figures = query(
        sample_run.published_db,
        "select count(distinct answer_code), count(*) from marts.culture_and_skills "
        "where question_id = 'data_culture_level' and group_label = 'Total'",
    )[0]
    assert len(lines) == answers
    assert len(points) == figures
    assert "2022 : 297 ; 2023 : 191 ; 2024 : 289" in parse(section).full_text()


def test_works_without_the_poll_marts(sample_run: PipelineRun, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_report(sample_run.published_db, site)
    database = writable_copy(sample_run.published_db, tmp_path / "survey_only.duckdb")
    with duckdb.connect(str(database)) as connection:
        for table in ("citizens_vs_authorities", "public_opinion", "poll_results"):
            connection.execute(f"drop table if exists marts.{table}")
    pages = build_report(database, site)
    names = {p.name for p in pages}
    assert not [n for n in names if n.startswith("poll-")]
    assert "citoyens-collectivites.html" not in names
    # pages of the previous build that this release no longer has are gone
    assert {p.name for p in site.glob("*.html")} == names
    assert "non publié" in page(site, "index.html").full_text()
    assert "Sondage Ipsos" not in (site / "codebook.html").read_text(encoding="utf-8")


def test_citizens_beside_authorities(sample_run: PipelineRun, report: Path) -> None:
    database = sample_run.published_db
    assert has_table(database, "marts.citizens_vs_authorities"), "the sample release has this mart"
    rows = query(
        database,
        "select s.theme, c.topic_label, c.citizens_pct, c.authorities_pct, c.authorities_base "
        "from marts.citizens_vs_authorities c join (select distinct question_id, theme "
        "from marts.survey_results) s on s.question_id = c.survey_question_id",
    )
    assert rows
    comparisons = page(report, "citoyens-collectivites.html")
    for theme, topic, citizens, authorities, base in rows:
        for parsed in (comparisons, page(report, f"survey-{theme}.html")):
            assert f"Citoyens et collectivités : {topic}" in parsed.full_text()
            titles = {t for c in parsed.charts for t in c.titles}
            assert f"Citoyens : {round(citizens)}\u00a0%" in titles
            assert f"Collectivités : {round(authorities)}\u00a0%" in titles
            assert f"base {base:.0f} répondants" in parsed.full_text()


def test_codebook_lists_every_question_wave(sample_run: PipelineRun, report: Path) -> None:
    html = (report / "codebook.html").read_text(encoding="utf-8")
    rows = query(
        sample_run.published_db,
        "select question_id, wave, any_value(question_type), list(distinct item_label), "
        "list(distinct answer_label) from marts.survey_results group by all",
    )
    for question_id, wave, question_type, items, answers in rows:
        # one row per question and wave; the question's first row carries its anchor
        assert f'id="survey-{question_id}"' in html, question_id
        row = re.search(
            rf'<tr[^>]*><td class="code">{question_id}</td><td>{wave}</td>(.*?)</tr>',
            html,
            flags=re.S,
        )
        assert row, (question_id, wave)
        cells = parse(row.group(1)).text
        assert QUESTION_TYPES[question_type] in cells
        items, answers = {typography(i) for i in items if i}, {typography(a) for a in answers}
        assert items <= set(cells) and answers <= set(cells), question_id
    assert has_table(sample_run.published_db, "marts.poll_results"), (
        "the sample release has this mart"
    )
    poll = query(sample_run.published_db, "select distinct question_id from marts.poll_results")
    assert {f"poll-{q}" for (q,) in poll} <= parse(html).ids


def test_text_is_escaped_and_svg_well_formed(sample_run: PipelineRun, tmp_path: Path) -> None:
    database = writable_copy(sample_run.published_db, tmp_path / "hostile.duckdb")
    hostile = '<script>alert("x")</script> & <b>gras</b>'
    with duckdb.connect(str(database)) as connection:
        (question_id, theme) = connection.execute(
            "select question_id, theme from marts.survey_results order by question_order limit 1"
        ).fetchone()
        connection.execute(
            "update marts.survey_results set question_text = ?, answer_label = ? || answer_label "
            "where question_id = ?",
            [hostile, "<i>", question_id],
        )
    build_report(database, tmp_path / "site")
    for path in (tmp_path / "site").glob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "<script" not in html and "<b>" not in html and "<i>" not in html, path.name
        for svg in re.findall(r"<svg\b.*?</svg>", html, flags=re.S):
            ElementTree.fromstring(svg)  # raises on any unescaped text
    text = page(tmp_path / "site", f"survey-{theme}.html").full_text()
    assert hostile in text


# --- in a browser ----------------------------------------------------------------------------


def theme_pages(sample_run: PipelineRun, report: Path) -> Iterator[str]:
    """The survey page that sets citizens beside authorities, and a poll page."""
    rows = query(
        sample_run.published_db,
        "select theme from marts.survey_results where question_id = 'data_projects_by_domain'",
    )
    yield f"survey-{rows[0][0] if rows else 'cybersecurity'}.html"
    yield from sorted(p.name for p in report.glob("poll-trust.html"))


@pytest.mark.usefixtures("chromium_browser")
def test_theme_pages_are_drawn_in_chromium(
    sample_run: PipelineRun, report: Path, tmp_path: Path
) -> None:
    for name in theme_pages(sample_run, report):
        url = (report / name).as_uri()
        dumped = chromium("--dump-dom", url, user_data=tmp_path / "profile-dom")
        assert dumped.returncode == 0, dumped.stderr[-2000:]
        rendered = parse(dumped.stdout)
        written = page(report, name)
        # Chromium parsed every chart of the file, and each one holds drawn marks
        assert len(rendered.charts) == len(written.charts) > 0
        for chart in rendered.charts:
            assert chart.marks, f"{name}: {chart.attrs['data-question-id']} has no mark"
            for tag, attrs in chart.marks:
                if tag == "rect":
                    assert float(attrs["width"]) > 0 and float(attrs["height"]) > 0
                elif tag == "circle":
                    assert float(attrs["r"]) > 0
                else:
                    assert attrs["d"].startswith("M")

        png = tmp_path / name.replace(".html", ".png")
        phone = tmp_path / name.replace(".html", "-390.png")
        shot = chromium(
            f"--screenshot={phone}", "--window-size=390,2000", url, user_data=tmp_path / "profile"
        )
        assert shot.returncode == 0 and phone.is_file(), shot.stderr[-2000:]
        shot = chromium(
            f"--screenshot={png}", "--window-size=1400,2000", url, user_data=tmp_path / "profile"
        )
        assert shot.returncode == 0 and png.is_file(), shot.stderr[-2000:]
        keep = os.environ.get("BAROMETRE_SCREENSHOT_DIR")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(png, Path(keep) / png.name)
        print(f"screenshot of {name}: {png}" + (f" (copied to {keep})" if keep else ""))
        with Image.open(png) as image:
            assert image.size == (1400, 2000)
            counts = {colour: n for n, colour in image.convert("RGB").getcolors(1 << 24)}
        bar_pixels = counts.get(BAR_BLUE, 0)
        colours = set(counts)
        # real charts: many colours (bars, text, legend), and thousands of pixels of bars
        assert len(colours) > 50, f"{name}: the page looks blank"
        assert bar_pixels > 5000, f"{name}: only {bar_pixels} pixels of bars"


def test_every_chart_has_its_data_table_and_csv(report: Path) -> None:
    for path in report.glob("*.html"):
        html = path.read_text(encoding="utf-8")
        for figure in re.findall(r'<figure class="figure">(.*?)</figure>', html, flags=re.S):
            assert figure.count("<svg") == 1, path.name
            name = re.search(r'<table class="data" data-csv="([^"]+)">', figure)
            assert name, f"{path.name}: a chart without its data table"
            with open(report / "donnees" / f"{name.group(1)}.csv", encoding="utf-8") as handle:
                rows = list(csv.reader(handle))
            assert len(rows) - 1 == figure.split("<tbody>")[1].count("<tr>"), name.group(1)
            # a text alternative stating the figures
            label = re.search(r'<svg[^>]*aria-label="([^"]+)"', figure)
            assert label and "%" in label.group(1), f"{path.name}: {name.group(1)}"


# words a reader may see that are not French: proper nouns and codes
ALLOWED = {"Ipsos", "LimeSurvey", "RGPD", "CSV", "EPCI", "Data", "Publica", "Creative", "Commons"}
ENGLISH = re.compile(
    r"\b(the|and|of|Release|Codebook|single_choice|multi_select|Citizens|authorities|"
    r"SYNTHETIC|sample)\b"
)


def test_no_english_word_is_visible(report: Path) -> None:
    for path in report.glob("*.html"):
        visible = page(report, path.name).full_text()
        found = {w for w in ENGLISH.findall(visible) if w not in ALLOWED}
        assert not found, f"{path.name}: {sorted(found)}"
        assert "(1 questions)" not in visible
        assert not re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", visible), path.name


@pytest.mark.usefixtures("chromium_browser")
def test_pages_fit_a_phone_and_pass_the_accessibility_checker(report: Path, tmp_path: Path) -> None:
    # the checker finds what it should: an image without a text alternative
    broken = report / "broken-check.html"
    broken.write_text('<!DOCTYPE html><html lang="fr"><body><img src="x.png"></body></html>')
    try:
        found = probe([broken], (390,), tmp_path / "profile")[(broken.name, 390)]
    finally:
        broken.unlink()
    assert "image-alt" in {v["id"] for v in found["violations"]}

    pages = sorted(report.glob("*.html"))
    for (name, width), result in probe(pages, (1400, 390), tmp_path / "profile").items():
        assert result["viewport"] == width
        # no horizontal scrolling: the document is as wide as the screen
        assert result["document"] == width, f"{name} at {width} px: {result}"
        serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, f"{name} at {width} px: {serious}"
