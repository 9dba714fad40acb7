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
# the frame gives the page its width: a headless window is never narrower than 500 px
FRAME = """<!DOCTYPE html><html><body style="margin:0"><pre id="probe"></pre>
<script>window.addEventListener("message", e => {
  document.getElementById("probe").textContent = e.data; });</script>
<iframe src="%s" style="width:%dpx;height:900px;border:0"></iframe></body></html>"""


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


def probe(page: Path, width: int, user_data: Path) -> dict:
    """Open a copy of `page` (beside it, so its links and files resolve) in a frame `width` CSS
    pixels wide and return {viewport, document (its scroll width), violations (axe-core's)}."""
    probed, frame = page.with_name(f".probe-{page.name}"), page.with_name(f".frame-{page.name}")
    html = page.read_text(encoding="utf-8")
    probed.write_text(
        html.replace("</body>", PROBE % axe_script().as_uri() + "</body>"), encoding="utf-8"
    )
    frame.write_text(FRAME % (probed.name, width), encoding="utf-8")
    try:
        dumped = chromium(
            "--dump-dom",
            "--virtual-time-budget=30000",
            f"--window-size={width + 40},960",
            frame.as_uri(),
            user_data=user_data,
        )
    finally:
        probed.unlink()
        frame.unlink()
    found = re.search(r'<pre id="probe">(.+?)</pre>', dumped.stdout, flags=re.S)
    assert found, f"{page.name}: the probe did not report\n{dumped.stderr[-2000:]}"
    return json.loads(html_unescape(found.group(1)))
