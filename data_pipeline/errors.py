"""Errors that carry every problem found in an input, not just the first."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in an input: where it is (file, row, column) and what is wrong."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class InputError(Exception):
    """Bad input (file, response, template): nothing was written. Lists every problem found."""

    def __init__(self, source: str, problems: list[Problem] | list[str]):
        self.source = source
        self.problems = [p if isinstance(p, Problem) else Problem(source, str(p)) for p in problems]
        super().__init__(self.render())

    def render(self, limit: int = 50) -> str:
        lines = [f"{self.source}: {len(self.problems)} problem(s), nothing was loaded"]
        lines += [f"  - {p}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  … and {len(self.problems) - limit} more")
        return "\n".join(lines)


class SourceUnavailable(Exception):
    """A live source could not be reached (network down, HTTP error after retries)."""
