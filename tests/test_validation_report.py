"""The quality gate's validation pages of a real run, opened in headless Chromium with the
network blocked: the list of validations is drawn, and no request leaves the machine."""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import dagster as dg
import pytest
from browser import CHROMIUM, CHROMIUM_FLAGS
from conftest import PipelineRun, release_id_of
from dagster._core.instance.ref import InstanceRef

# the network blocked: no name resolves, and any connection goes to a closed local port
BLOCKED_NETWORK = ["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9"]


class Links(HTMLParser):
    """The rows of a page's tables and the links of their first cells."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[str] = []
        self.links: list[str] = []
        self._in_row = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append("")
        elif tag == "a" and attrs and self.rows:
            self.links.append(dict(attrs)["href"] or "")

    def handle_data(self, data: str) -> None:
        if self.rows:
            self.rows[-1] += data


# Chromium's traffic annotation of the loads a page makes (its "blink_resource_loader"): the
# browser's own requests (time, accounts) have others, and a file:// page's own files none
PAGE_LOADS = 101845102


def chromium(url: str, tmp_path: Path, *arguments: str) -> tuple[str, list[str]]:
    """The page's DOM as Chromium drew it, and every URL the page asked the network for (from
    Chromium's net log): none may leave the machine."""
    net_log = tmp_path / "net-log.json"
    shown = subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, *BLOCKED_NETWORK, f"--user-data-dir={tmp_path / 'p'}"]
        + [f"--log-net-log={net_log}", *arguments, url],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert shown.returncode == 0, shown.stderr[-2000:]
    events = net_log.read_text(encoding="utf-8")
    requested = re.findall(rf'"traffic_annotation":{PAGE_LOADS},"url":"([^"]+)"', events)
    return shown.stdout, requested


def run_id_of(run: PipelineRun) -> str:
    return re.search(r"logs/([0-9a-f-]{36})\.log", run.output).group(1)


@pytest.mark.usefixtures("chromium_browser")
def test_the_validations_of_a_run_are_listed_offline(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    run_id = run_id_of(sample_run)
    index = sample_run.warehouse / "validation" / run_id / "index.html"
    suites = sorted(p.stem for p in index.parent.glob("*.json"))

    dom, requested = chromium(index.as_uri(), tmp_path, "--dump-dom")

    page = Links()
    page.feed(dom)
    assert len(page.rows) == len(suites) + 1 > 1, "a header and one row per suite"
    assert sorted(link.removesuffix(".html") for link in page.links) == suites
    assert run_id in dom
    # the release the build was checked against: none yet for the warehouse's first run
    assert "none yet (the first release)" in dom
    assert not requested, f"requests that would leave the machine: {requested}"
    assert not re.search(r'(src|href)="(https?:)?//', index.read_text(encoding="utf-8"))


@pytest.mark.usefixtures("chromium_browser")
def test_each_check_links_to_its_own_page(sample_run: PipelineRun, tmp_path: Path) -> None:
    """Each expectation check's metadata, in the warehouse's Dagster instance, links to the
    suite's page, which names the run, the asset and the expectations."""
    run_id = run_id_of(sample_run)
    home = sample_run.warehouse / "dagster"
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        evaluations = [
            entry.dagster_event.event_specific_data
            for entry in instance.all_logs(run_id, dg.DagsterEventType.ASSET_CHECK_EVALUATION)
        ]
    pages = {
        e.check_name: e.metadata["validation_page"].value
        for e in evaluations
        if "validation_page" in e.metadata
    }
    folder = sample_run.warehouse / "validation" / run_id
    suites = sorted(p.stem for p in folder.glob("*.json"))
    assert pages == {
        f"{suite}_expectations": (folder / f"{suite}.html").as_uri() for suite in suites
    }
    report = json.loads((folder / "survey_group_sizes.json").read_text(encoding="utf-8"))
    page = folder / "survey_group_sizes.html"

    dom, requested = chromium(page.as_uri(), tmp_path, "--dump-dom")

    assert report["success"] and "survey_group_sizes" in dom and run_id in dom
    assert "expect_compound_columns_to_be_unique" in dom
    assert not requested, f"requests that would leave the machine: {requested}"
    shot = tmp_path / "validation.png"
    chromium(page.as_uri(), tmp_path, f"--screenshot={shot}", "--window-size=1200,900")
    assert shot.stat().st_size > 0
    assert release_id_of(sample_run.published_db) not in dom, "checked before it was published"
