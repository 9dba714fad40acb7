"""Wall time and peak memory of a command and every process it starts (dbt included)."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_INTERVAL_S = 0.05
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measurement:
    """A finished command: its wall time, exit code, output and memory samples."""

    returncode: int
    output: str
    started: float  # Unix time
    ended: float
    # (Unix time, resident memory of the whole process tree in bytes)
    samples: list[tuple[float, int]] = field(default_factory=list)

    @property
    def wall_s(self) -> float:
        return self.ended - self.started

    def peak_rss(self, start: float | None = None, end: float | None = None) -> int:
        """Peak resident memory of the process tree, over [start, end] when given."""
        start = self.started if start is None else start
        end = self.ended if end is None else end
        inside = [rss for moment, rss in self.samples if start <= moment <= end]
        return max(inside, default=0)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def tree_rss(root: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    tree = _children()
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        pending += tree.get(pid, [])
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_SIZE
        except OSError:
            continue
    return total


def run_measured(command: list[str], cwd: Path, env: dict[str, str]) -> Measurement:
    """Run a command to its end, sampling its process tree's memory meanwhile."""
    started = time.time()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    samples: list[tuple[float, int]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append((time.time(), tree_rss(process.pid)))
            done.wait(SAMPLE_INTERVAL_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    ended = time.time()
    done.set()
    sampler.join()
    return Measurement(process.returncode, output, started, ended, samples)
