"""One run at a time on a warehouse: a second run waits for the first, or gives up saying so.

DuckDB lets one process write the build database: a second `barometre run` (or a step of
`dagster dev`) started during a run would fail on DuckDB's file lock, naming nothing. The run
lock is an exclusive ``flock`` on ``<warehouse>/run.lock``, which says who holds it (pid and
start time). The CLI takes it for the whole run; each Dagster step that touches the build
database takes it too, for its own duration when `dagster dev` runs it in its own process. The
lock is reentrant within a process: steps the CLI executes in process find it already held.
The kernel releases it when its holder ends, however it ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from barometre.errors import BarometreError

LOCK_FILE_NAME = "run.lock"
DEFAULT_WAIT_SECONDS = 600
_RETRY_SECONDS = 0.2

# the lock files this process holds (their open descriptors)
_held: dict[Path, int] = {}


class RunInProgressError(BarometreError):
    """Another run held the warehouse for longer than this one would wait."""


@dataclass(frozen=True)
class LockHolder:
    """Who holds a warehouse's run lock, as it wrote in the lock file (unknown while it
    writes)."""

    pid: int | None
    started: datetime | None

    @classmethod
    def read(cls, path: Path) -> LockHolder:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(int(data["pid"]), datetime.fromisoformat(data["started"]))
        except (OSError, ValueError, KeyError, TypeError):
            return cls(None, None)

    @property
    def pid_text(self) -> str:
        return f"pid {self.pid}" if self.pid is not None else "pid unknown"

    def clock(self, time_format: str) -> str:
        return self.started.strftime(time_format) if self.started else "an unknown time"


@contextlib.contextmanager
def warehouse_run_lock(
    warehouse: Path,
    wait: float = DEFAULT_WAIT_SECONDS,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the warehouse's run lock for the block, waiting up to `wait` seconds for another
    holder to end (`on_wait` is told once that this run waits); RunInProgressError after."""
    path = (warehouse / LOCK_FILE_NAME).resolve()
    if path in _held:  # taken by this process already: the CLI runs the steps in process
        yield
        return
    descriptor = _acquire(path, warehouse, wait, on_wait)
    _held[path] = descriptor
    try:
        yield
    finally:
        del _held[path]
        os.close(descriptor)  # releases the lock


def _acquire(
    path: Path, warehouse: Path, wait: float, on_wait: Callable[[str], None] | None
) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            holder = LockHolder.read(path)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                os.close(descriptor)
                raise RunInProgressError(
                    f"a run is already in progress on {warehouse} ({holder.pid_text}, since "
                    f"{holder.clock('%Y-%m-%d %H:%M:%S')}): try again when it ends"
                ) from None
            if on_wait is not None and not told:
                on_wait(
                    f"another run ({holder.pid_text}, started {holder.clock('%H:%M:%S')}) is "
                    f"using {warehouse}; waiting up to {wait:g} s"
                )
                told = True
            time.sleep(min(_RETRY_SECONDS, remaining))
    holder = {"pid": os.getpid(), "started": datetime.now().isoformat(timespec="seconds")}
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, json.dumps(holder).encode(), 0)
    return descriptor
