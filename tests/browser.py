"""Headless Chromium as the tests drive it (Debian's `chromium`), and axe-core, the
accessibility checker, run inside it offline: installed once from the npm registry into a cache
folder (never into the repository)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from html import unescape as html_unescape
from pathlib import Path

from conftest import require_program

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # this machine has no network: without these Chromium keeps trying to reach Google
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
AXE_VERSION = "4.14.1"
AXE_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "barometre" / "axe"
# what a page under test reports to the frame around it once loaded: its widths, then
# axe-core's violations
PROBE = """<script src="%s"></script><script>
window.addEventListener("load", async () => {
  const result = {viewport: window.innerWidth, document: document.documentElement.scrollWidth};
  const found = await axe.run(document, {resultTypes: ["violations"]});
  result.violations = found.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
  window.parent.postMessage(JSON.stringify(result), "*");
});
</script>"""
# the frames give the pages their widths (a headless window is never narrower than 500 px); the
# frame around them collects each one's report, named by the frame it came from
FRAMES = """<!DOCTYPE html><html><body style="margin:0"><pre id="probe">[]</pre>
<script>const reports = [];
window.addEventListener("message", e => {
  const frame = [...document.querySelectorAll("iframe")].find(f => f.contentWindow === e.source);
  reports.push({page: frame.dataset.page, width: +frame.dataset.width, ...JSON.parse(e.data)});
  document.getElementById("probe").textContent = JSON.stringify(reports); });</script>
%s</body></html>"""
FRAME = """<iframe data-page="%s" data-width="%d" src="%s"
style="width:%dpx;height:900px;border:0"></iframe>"""


def chromium(*arguments: str, user_data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={user_data}", *arguments],
        capture_output=True,
        text=True,
        timeout=180,
    )


def axe_script() -> Path:
    """axe-core's browser script, installed with npm into the cache on first use."""
    script = AXE_CACHE / AXE_VERSION / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file():
        npm = require_program("npm", "apt-get install npm (axe-core comes from the npm registry)")
        subprocess.run(
            [npm, "install", "--prefix", str(script.parents[2]), "--no-audit", "--no-fund"]
            + [f"axe-core@{AXE_VERSION}"],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return script


def probe(pages: list[Path], widths: tuple[int, ...], user_data: Path) -> dict:
    """Open copies of `pages` (beside them, so their links and files resolve; one folder) in
    frames of each of `widths` CSS pixels, all in one browser, and return {(page name, width):
    {viewport, document (its scroll width), violations (axe-core's)}}."""
    folder = pages[0].parent
    probed = {page.name: folder / f".probe-{page.name}" for page in pages}
    script = PROBE % axe_script().as_uri()
    for page in pages:
        html = page.read_text(encoding="utf-8")
        probed[page.name].write_text(html.replace("</body>", script + "</body>"), encoding="utf-8")
    frames = [
        FRAME % (name, width, copy.name, width) for name, copy in probed.items() for width in widths
    ]
    frame = folder / ".frames.html"
    frame.write_text(FRAMES % "\n".join(frames), encoding="utf-8")
    try:
        dumped = chromium(
            "--dump-dom",
            "--virtual-time-budget=120000",
            f"--window-size={max(widths) + 40},960",
            frame.as_uri(),
            user_data=user_data,
        )
    finally:
        for copy in [*probed.values(), frame]:
            copy.unlink()
    found = re.search(r'<pre id="probe">(.+?)</pre>', dumped.stdout, flags=re.S)
    assert found, f"the probe did not report\n{dumped.stderr[-2000:]}"
    reports = json.loads(html_unescape(found.group(1)))
    results = {(report.pop("page"), report.pop("width")): report for report in reports}
    expected = {(name, width) for name in probed for width in widths}
    assert set(results) == expected, f"no report from {sorted(expected - set(results))}"
    return results
