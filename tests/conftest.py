"""Shared fixtures: real pipeline runs (the `barometre` CLI in a subprocess) on real files."""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import duckdb
import pytest

from barometre.text import normalise_whitespace as normalise

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_LANDING = REPO_ROOT / "sample_landing"
SHARED = REPO_ROOT.parent / "shared"
REAL_LANDING_2023 = SHARED / "data" / "landing-2023"
PUBLISHED_2023 = SHARED / "reference" / "published_2023_totals_dev.csv"

# Published group sizes of the 2023 wave (methodology note §2.1).
PUBLISHED_2023_GROUP_SIZES = {
    "Total": 191,
    "Total hors communes < 3500 habitants": 182,
    "Une commune": 30,
    "Communes de moins de 3 500 hab.": 9,
    "Communes de 3 500 à 10 000 hab.": 6,
    "Communes de 10 000 à 100 000 hab.": 10,
    "Communes de plus de 100 000 hab.": 5,
    "Un EPCI (hors métropole)": 33,
    "Une métropole": 18,
    "Un département": 25,
    "Une région": 10,
    "Autre": 75,
}
# The Observatoire's comparison bases in 2023: "CT et EPCI hors communes < 3 500 hab." = 191 - 9
# communes under 3 500 - 75 Autre (methodology note §4.7), and EPCI with métropoles = 33 + 18
# (§5.1; not the 105 of its code).
PUBLISHED_2023_COMPARISON_BASES = {
    "CT et EPCI hors communes < 3 500 hab., hors Autre": 107,
    "Un EPCI (métropoles incluses)": 51,
}


@dataclass(frozen=True)
class PipelineRun:
    """The outcome of one `barometre run`."""

    returncode: int
    output: str
    warehouse: Path

    @property
    def published_db(self) -> Path:
        return self.warehouse / "barometre.duckdb"

    @property
    def build_db(self) -> Path:
        return self.warehouse / "build" / "barometre_build.duckdb"

    @property
    def log(self) -> Path:
        """The run's whole log (dbt's output included), as its last lines name it."""
        found = re.search(r"(\S+/logs/[0-9a-f-]{36}\.log)$", self.output, re.M)
        assert found, f"the run names no log: {self.output}"
        return Path(found.group(1))


def run_pipeline(
    landing: Path | None, warehouse: Path, *options: str, project: Path = REPO_ROOT
) -> PipelineRun:
    """Run the real CLI, in its own process as a data engineer would (landing None: the CLI's
    default), with the code, dbt project, seeds and expectations of `project`: the repository,
    or a copy of it."""
    return start_pipeline(landing, warehouse, *options, project=project).wait()


@dataclass(frozen=True)
class StartedRun:
    """A `barometre run` going on in the background (start_pipeline)."""

    process: subprocess.Popen[str]
    warehouse: Path

    def wait(self, timeout: float = 600) -> PipelineRun:
        """Its outcome, once it has ended; past `timeout` seconds it is stopped (dbt and
        whatever else it started with it) and the test fails."""
        try:
            stdout, stderr = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise
        return PipelineRun(self.process.returncode, stdout + stderr, self.warehouse)

    def stop(self) -> None:
        """Kill the run and every process it started, if it is still going."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.communicate()


def start_pipeline(
    landing: Path | None, warehouse: Path, *options: str, project: Path = REPO_ROOT
) -> StartedRun:
    """run_pipeline's run, started and left to go on while the test does something else."""
    process = subprocess.Popen(
        pipeline_command(landing, warehouse, *options),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=project,
        env=pipeline_environment(project),
        start_new_session=True,  # its own process group: stop() reaches dbt and Spark's JVM
    )
    return StartedRun(process, warehouse)


def pipeline_command(landing: Path | None, warehouse: Path, *options: str) -> list[str]:
    """`barometre run` as run_pipeline starts it (for a test that starts it by itself)."""
    landing_option = ["--landing", str(landing)] if landing is not None else []
    return [sys.executable, "-m", "orchestration.cli", "run", *landing_option] + [
        "--warehouse",
        str(warehouse),
        *options,
    ]


def run_cli(*arguments: str, project: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    """Any other `barometre` command, run as run_pipeline runs `barometre run`."""
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *arguments],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=project,
        env=pipeline_environment(project),
    )


def dbt_on_build(
    build_db: Path, folder: Path, *arguments: str
) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    """A dbt command (`barometre-dbt`, as the pipeline runs it, from the project's parse state)
    on the build database `build_db`, its target and log in `folder`; with the results of the
    nodes it ran (run_results.json)."""
    from barometre import config
    from orchestration.dbt.manifest import ensure_manifest, project_parse_state
    from orchestration.dbt.resources import DBT_EXECUTABLE
    from orchestration.dbt.runs import PARTIAL_PARSE

    target = folder / "target"
    target.mkdir()
    ensure_manifest()
    shutil.copyfile(project_parse_state(), target / PARTIAL_PARSE)
    environment = os.environ | {
        config.BUILD_DB_ENV: str(build_db),
        config.RAW_PARQUET_ENV: str(folder / "raw_parquet"),
    }
    completed = subprocess.run(
        [str(DBT_EXECUTABLE), *arguments, "--profiles-dir", str(REPO_ROOT)]
        + ["--target-path", str(target), "--log-path", str(folder)],
        cwd=config.DBT_PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    results = target / "run_results.json"
    assert results.is_file(), completed.stdout[-3000:]
    return completed, json.loads(results.read_text(encoding="utf-8"))["results"]


def pipeline_environment(project: Path = REPO_ROOT) -> dict[str, str]:
    """The environment of a run: none of the BAROMETRE_ variables of the test process, no
    DAGSTER_HOME (the run's Dagster instance is its warehouse's); the code of `project` (a copy
    runs as from a read-only installation: Python cannot cache bytecode there and carries on)."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("BAROMETRE_") and k != "DAGSTER_HOME"
    }
    environment |= {"COLUMNS": "200", "PYTHONPATH": str(project)}
    if project != REPO_ROOT:
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
    return environment


def copy_landing(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def copy_project(target: Path) -> Path:
    """The repository's files as they are checked out (tracked ones, and new ones git does not
    ignore): a project whose seeds a test may edit without touching the repository's."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = REPO_ROOT / name
        if source.is_file():  # a tracked file deleted in the checkout is listed too
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


# CI (`.ci/run`) sets it: an optional input a test needs (../shared, pyspark, Java, Chromium, npm,
# tmux) being absent is a failure naming it, not a skip. Locally it is a skip with its reason.
STRICT = os.environ.get("BAROMETRE_STRICT_TESTS") == "1"
STRICT_VARIABLE = "BAROMETRE_STRICT_TESTS=1"


def missing_optional_input(what: str) -> NoReturn:
    """Skip the test for want of `what` (an optional input: real data, a browser, an extra); in
    strict mode (CI) fail it, naming what is missing."""
    if STRICT:
        pytest.fail(f"{what} ({STRICT_VARIABLE}: a missing optional input fails)", pytrace=False)
    pytest.skip(what)


def require_real_data(*paths: Path) -> None:
    """The Observatoire's real files in ../shared (the 2023 landing folder and `paths`)."""
    for path in (REAL_LANDING_2023, *paths):
        if not path.exists():
            missing_optional_input(f"../shared is missing: the Observatoire's real data ({path})")


def require_program(name: str, install: str) -> str:
    """The path of a program the test runs (Chromium, tmux, npm, java)."""
    found = shutil.which(name)
    if found is None:
        missing_optional_input(f"{name} is missing: {install}")
    return found


def require_module(name: str, install: str) -> None:
    """An importable optional extra (pyspark)."""
    try:
        __import__(name)
    except ImportError:
        missing_optional_input(f"{name} is missing: {install}")


@pytest.fixture
def chromium_browser() -> str:
    """Headless Chromium (Debian's package), for the tests that render pages."""
    return require_program("chromium", "apt-get install chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that reads the real 2023 release is marked real_data (`-m "not real_data"`
    leaves them out), the parametrised ones included. The files marked scheduled_first run
    first, the longest first: the test processes take files in this order (`make test` keeps
    it: by default pytest-xdist orders files by their number of tests), and a long file taken
    last would leave the other process idle at the end."""
    for item in items:
        parameters = getattr(item, "callspec", None)
        values = parameters.params.values() if parameters is not None else ()
        if "real_2023_run" in item.fixturenames or "real_2023_run" in values:
            item.add_marker(pytest.mark.real_data)
    items.sort(key=_expected_seconds, reverse=True)


def _expected_seconds(item: pytest.Item) -> int:
    """A file's seconds as its scheduled_first marker gives them (0 when not marked)."""
    marker = item.get_closest_marker("scheduled_first")
    return marker.kwargs["seconds"] if marker is not None else 0


@pytest.fixture(autouse=True)
def _real_data_present(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("real_data") is not None:
        require_real_data()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    """In strict mode no test passes by being skipped: any skip left is a failure too."""
    report = yield
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in strict mode ({STRICT_VARIABLE}): {reason}"
    return report


@contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        yield


def run_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, start: Callable[[Path], PipelineRun]
) -> PipelineRun:
    """A session fixture's run, started once for the whole session (`start(folder)` runs into
    `folder`). With parallel workers (pytest -n) the first worker that needs it starts it in
    the folder all workers share while the others wait, then every worker reads it: no test
    writes into a session run's warehouse, each works on a copy (copy_warehouse)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    record = root / f"{name}.json"
    with _exclusive(root / f"{name}.lock"):
        if not record.exists():
            (root / name).mkdir()
            run = start(root / name)
            outcome = {"returncode": run.returncode, "output": run.output}
            record.write_text(json.dumps({**outcome, "warehouse": str(run.warehouse)}))
    recorded = json.loads(record.read_text())
    return PipelineRun(recorded["returncode"], recorded["output"], Path(recorded["warehouse"]))


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    """The bundled sample, built and published once for the session."""
    run = run_once(
        tmp_path_factory,
        "sample",
        lambda folder: run_pipeline(SAMPLE_LANDING, folder / "warehouse"),
    )
    assert run.returncode == 0, run.output
    return run


@pytest.fixture(scope="session")
def real_2023_run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    """The Observatoire's real 2023 export, built and published once for the session."""
    require_real_data()
    run = run_once(
        tmp_path_factory,
        "real2023",
        lambda folder: run_pipeline(REAL_LANDING_2023, folder / "warehouse"),
    )
    assert run.returncode == 0, run.output
    return run


# The privacy scan of the tests, written apart from barometre/quality/privacy.py (and simpler) so
# that it does not share its blind spots: every cell of the landing's personal columns, compared
# case- and space-blind with every text value a database holds, whole or inside a longer text.
PERSONAL_TYPES = ("personal", "free_text", "upload")
CODED_HEADER = re.compile(r"^(\w+)(?:\[\w+\])?\. ")  # 2022: "G1Q00004. Quelle est …"
ITEM_HEADER = re.compile(r"^(.*?)\s*\[([^\[\]]*)\]\s*$")  # later waves: "Question ? [Autre]"
CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\b0[1-9](?:[ .]?\d{2}){4}\b")


def plain(text: str) -> str:
    """Text as a reader compares it: any run of Unicode spaces (thin, no-break, tab) is one
    space, and case does not count."""
    return " ".join(text.split()).casefold()


def _seed_rows(name: str) -> list[dict[str, str]]:
    with open(REPO_ROOT / "seeds" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def project_words() -> set[str]:
    """Every cell of every seed (plain): the questionnaire's and the project's own words, which
    reveal nothing of a respondent even when one types them back."""
    words: set[str] = set()
    for seed in (REPO_ROOT / "seeds").glob("*.csv"):
        with open(seed, encoding="utf-8", newline="") as handle:
            words |= {plain(cell) for row in csv.reader(handle) for cell in row}
    return words


def _personal_headers() -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
    """(wave, question code or plain wording) of the personal, free-text and upload questions,
    and (wave, plain wording, plain item label) of the free-text items of the others."""
    questions = _seed_rows("question_crosswalk")
    whole = {
        (q["wave"], key)
        for q in questions
        if q["question_type"] in PERSONAL_TYPES
        for key in (q["question_code"], plain(q["question_text"]))
        if key
    }
    wording = {(q["wave"], q["question_id"]): plain(q["question_text"]) for q in questions}
    items = {
        (i["wave"], wording[(i["wave"], i["question_id"])], plain(i["item_label"]))
        for i in _seed_rows("survey_question_items")
        if i["item_kind"] == "free_text"
    }
    return whole, items


def _is_personal(wave: str, header: str, personal: tuple[set, set]) -> bool:
    whole, items = personal
    coded = CODED_HEADER.match(header)
    if coded:
        return (wave, coded.group(1)) in whole
    item = ITEM_HEADER.match(header)
    if item and (wave, plain(item.group(1)), plain(item.group(2))) in items:
        return True
    return (wave, plain(item.group(1) if item else header)) in whole


def personal_values(landing: Path) -> set[str]:
    """Every cell (plain) of the landing's personal, free-text and upload columns and of the
    structure names of its reference files, but the project's own words and values of under
    four characters (a yes, a digit)."""
    personal = _personal_headers()
    cells: set[str] = set()
    for export in landing.glob("survey/*/*.csv"):
        rows = read_export(export)
        if export.name == "respondents_reference.csv":
            cells |= {cell for row in rows[1:] for cell in row[1:3]}  # structure_name, normalised
            continue
        wave = export.parent.name
        for position, header in enumerate(rows[0]):
            if _is_personal(wave, header.removeprefix("\ufeff"), personal):
                cells |= {row[position] for row in rows[1:]}
    return {plain(cell) for cell in cells if len(plain(cell)) >= 4} - project_words()


def text_values(database: Path, schemas: tuple[str, ...] = ("marts", "meta")) -> set[str]:
    """Every distinct text value (plain) of every table of these schemas of a DuckDB file."""
    with duckdb.connect(str(database), read_only=True) as connection:
        columns = connection.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where data_type = 'VARCHAR' and database_name = current_database() "
            f"and schema_name in ({', '.join('?' for _ in schemas)})",
            list(schemas),
        ).fetchall()
        values: set[str] = set()
        for schema, table, column in columns:
            rows = connection.execute(
                f'select distinct "{column}" from "{schema}"."{table}" where "{column}" is not null'
            ).fetchall()
            values |= {plain(value) for (value,) in rows}
    return values


def _is_project_text(text: str, words: set[str]) -> bool:
    """A project word, or a list of them as the codebook mart joins them: its items "a | b",
    an answer scale "a / b" (an item label may hold a " / " of its own)."""
    return all(part in words or set(part.split(" / ")) <= words for part in text.split(" | "))


def personal_data_in(landing: Path, database: Path) -> set[str]:
    """The landing's personal values found in the database's marts and meta tables, whole or
    inside a longer text that is not the project's own, and any e-mail or phone number."""
    secrets = personal_values(landing)
    assert secrets, f"{landing} should hold personal or free-text values to look for"
    words = project_words()
    respondent_text = {text for text in text_values(database) if not _is_project_text(text, words)}
    found = {s for s in secrets if any(s in text for text in respondent_text)}
    return found | {text for text in respondent_text if CONTACT.search(text)}


def assert_no_personal_data(landing: Path, database: Path) -> None:
    found = personal_data_in(landing, database)
    assert not found, f"personal data or free text published: {sorted(found)[:10]}"


# The README's SQL examples, in order.
README_EXAMPLES = re.findall(
    r"^```sql\n(.*?)^```", (REPO_ROOT / "README.md").read_text(encoding="utf-8"), re.M | re.S
)


def readme_example(number: int) -> str:
    """The README's numbered query example ("-- 12. ...")."""
    return next(sql for sql in README_EXAMPLES if sql.startswith(f"-- {number}. "))


SAMPLE_EXPORT = Path("survey/2023/results-survey-sample.csv")


def read_export(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_export(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def column_of(rows: list[list[str]], question_start: str) -> int:
    """Position of the first header starting with this text."""
    return next(
        i for i, header in enumerate(rows[0]) if normalise(header).startswith(question_start)
    )


def revised_sample(target: Path, published_db: Path, wave: int = 2023) -> Path:
    """The sample with one retained respondent's GDPR answer changed: same respondents and
    groups, different figures (a revision of the wave)."""
    landing = copy_landing(SAMPLE_LANDING, target)
    (export,) = (landing / "survey" / str(wave)).glob("results-*.csv")
    rows = read_export(export)
    gdpr = column_of(rows, "Commençons par la protection de la vie privée")
    with duckdb.connect(str(published_db), read_only=True) as connection:
        retained = {
            str(r)
            for (r,) in connection.execute(
                "select response_id from marts.respondents where wave = ?", [wave]
            ).fetchall()
        }
    row = next(r for r in rows[1:] if r[0] in retained and r[gdpr] == "Oui, tout à fait")
    row[gdpr] = "Non, pas encore"
    write_export(export, rows)
    return landing


@dataclass(frozen=True)
class RefusedRun:
    """A run the quality gate refused, and the SHA-256 of the published file before it."""

    run: PipelineRun
    published_before: str


@pytest.fixture(scope="session")
def gate_refused_run(
    sample_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory
) -> RefusedRun:
    """One run on a copy of the sample's warehouse that the quality gate refuses, its 2023
    export damaged three ways (one build for the gate's tests instead of three): two retained
    communes of 3 500 to 10 000 inhabitants fewer (group sizes), a question dropped and a header
    the codebook does not know (columns), an answer label outside the codebook (answer labels)."""
    # the copy's published file is a link to the sample's release file: the same bytes
    published_before = sha256(sample_run.published_db)

    def start(base: Path) -> PipelineRun:
        warehouse = copy_warehouse(sample_run, base / "warehouse")
        with duckdb.connect(str(sample_run.published_db), read_only=True) as connection:
            dropped = {
                str(response_id)
                for (response_id,) in connection.execute(
                    "select response_id from marts.respondents where wave = 2023 "
                    "and stratum = 'Communes de 3 500 à 10 000 hab.' order by response_id limit 2"
                ).fetchall()
            }
        landing = copy_landing(SAMPLE_LANDING, base / "landing")
        rows = [row for row in read_export(landing / SAMPLE_EXPORT) if row[0] not in dropped]
        environment = column_of(rows, "Selon-vous, la maîtrise de la donnée")
        for row in rows:
            del row[environment]
        rows[0].append("Une question ajoutée en cours de terrain ?")
        for row in rows[1:]:
            row.append("Oui")
        gdpr = column_of(rows, "Commençons par la protection de la vie privée")
        next(row for row in rows[1:] if row[gdpr])[gdpr] = "Oui, mais seulement en partie"
        write_export(landing / SAMPLE_EXPORT, rows)
        return run_pipeline(landing, warehouse)

    return RefusedRun(run_once(tmp_path_factory, "gate", start), published_before)


def copy_warehouse(run: PipelineRun, target: Path) -> Path:
    """A private copy of a published warehouse (hard links and the `current` link kept)."""
    shutil.copytree(run.warehouse, target, symlinks=True)
    published = target / "barometre.duckdb"
    release = (target / "current").resolve() / "barometre.duckdb"
    published.unlink()
    os.link(release, published)
    return target


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


FileState = tuple[int, int, str] | None


def tree_state(root: Path) -> dict[str, FileState]:
    """Every file (size, modification time, SHA-256) and folder (None) under root."""
    return {
        str(path.relative_to(root)): None
        if path.is_dir()
        else (path.stat().st_size, path.stat().st_mtime_ns, sha256(path))
        for path in root.rglob("*")
    }


def set_writable(root: Path, writable: bool) -> None:
    """Take away (or give back) write permission on a tree: a real read-only installation for
    a user other than root; as root, the before/after comparison is what proves it."""
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        write = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~write)


def query_rows(database: Path, query: str) -> list[tuple]:
    """A query's rows on a DuckDB file (a release, a build database), opened read-only."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(query).fetchall()


def release_id_of(database: Path) -> str:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute("select release_id from meta.release").fetchone()[0]
