"""Progress output for long jobs: one line per step on stderr, with elapsed time."""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.start = time.perf_counter()

    def step(self, message: str) -> None:
        if not self.quiet:
            print(f"[{time.perf_counter() - self.start:6.1f}s] {message}", file=self.stream, flush=True)

    def counter(self, label: str, done: int, total: int) -> None:
        """Report 'label done/total' at most every 10 % (and at the end)."""
        if total and (done == total or done % max(1, total // 10) == 0):
            self.step(f"{label} {done}/{total}")
