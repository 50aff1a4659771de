"""What every measurement of ``palermo bench`` returns: Palermo's figure and a baseline's,
measured on the same data in the same run, and their ratio."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Figure:
    """One ratio: Palermo's time (or latency) and the baseline's, in *unit*."""

    name: str
    palermo: float
    baseline: float
    unit: str
    note: str

    @property
    def ratio(self) -> float:
        """Palermo's figure over the baseline's (infinite when the baseline took no time)."""
        return self.palermo / self.baseline if self.baseline else float("inf")


def timed(work: Callable[[], object]) -> float:
    """Seconds *work* takes."""
    start = time.perf_counter()
    work()
    return time.perf_counter() - start
