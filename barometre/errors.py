"""Errors the pipeline reports to users: each names the file, the place and what was expected."""

from __future__ import annotations

from pathlib import Path


class BarometreError(Exception):
    """A problem with the input or the warehouse that the user can act on."""


class LandingError(BarometreError):
    """A file in the landing folder cannot be loaded as it is."""

    def __init__(self, path: Path, problem: str, line: int | None = None) -> None:
        where = f"{path}, line {line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem
