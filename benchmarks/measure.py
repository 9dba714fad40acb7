"""Wall time, CPU time and peak memory of a command and every process it starts (dbt included).

CPU time is given beside wall time because the machine is shared: wall time says what a user
waits, CPU time what the work costs, whatever else runs.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_INTERVAL_S = 0.05
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
_TICKS_PER_S = os.sysconf("SC_CLK_TCK")


@dataclass
class Measurement:
    """A finished command: its wall time, exit code, output and memory samples."""

    returncode: int
    output: str
    started: float  # Unix time
    ended: float
    total_cpu_s: float  # user and system, of every process of the tree
    # (Unix time, resident memory of the process tree in bytes, its CPU seconds so far)
    samples: list[tuple[float, int, float]] = field(default_factory=list)

    @property
    def wall_s(self) -> float:
        return self.ended - self.started

    def peak_rss(self, start: float | None = None, end: float | None = None) -> int:
        """Peak resident memory of the process tree, over [start, end] when given."""
        start = self.started if start is None else start
        end = self.ended if end is None else end
        inside = [rss for moment, rss, _ in self.samples if start <= moment <= end]
        return max(inside, default=0)

    def cpu_s(self, start: float, end: float) -> float:
        """CPU seconds (user and system) the process tree spent over [start, end], sampled."""
        inside = [cpu for moment, _, cpu in self.samples if start <= moment <= end]
        return max(inside, default=0.0) - min(inside, default=0.0)


def _processes() -> tuple[dict[int, list[int]], dict[int, float]]:
    """Each process's children, and its CPU seconds (its own and its waited-for children's)."""
    children: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        # utime, stime, cutime, cstime (fields 14-17 of proc_pid_stat)
        cpu[int(entry.name)] = sum(int(value) for value in fields[11:15]) / _TICKS_PER_S
    return children, cpu


def tree_usage(root: int) -> tuple[int, float]:
    """Resident memory (bytes) and CPU seconds of a process and all its descendants."""
    children, cpu = _processes()
    rss, seconds, pending = 0, 0.0, [root]
    while pending:
        pid = pending.pop()
        pending += children.get(pid, [])
        seconds += cpu.get(pid, 0.0)
        try:
            rss += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_SIZE
        except OSError:
            continue
    return rss, seconds


def run_measured(command: list[str], cwd: Path, env: dict[str, str]) -> Measurement:
    """Run a command to its end, sampling its process tree's memory meanwhile."""
    started = time.time()
    usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    samples: list[tuple[float, int, float]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append((time.time(), *tree_usage(process.pid)))
            done.wait(SAMPLE_INTERVAL_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    ended = time.time()
    done.set()
    sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (usage.ru_utime - usage_before.ru_utime) + (usage.ru_stime - usage_before.ru_stime)
    return Measurement(process.returncode, output, started, ended, cpu, samples)
