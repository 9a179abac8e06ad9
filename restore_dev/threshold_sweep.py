"""A run's output at another model threshold, from its explain file (scripts/eval/sweep_threshold.py).

A model edit is chosen the same way at any model threshold (one per detector span, dictionary
edits first); the threshold only decides whether it is applied. So un-applying the model edits
under a threshold T gives exactly the output of a run at T, for T at or above the run's own.
"""
from __future__ import annotations

from dataclasses import replace

from restore import Edit, apply_edits


def at_threshold(spun: str, edits: list[Edit], t: float) -> str:
    """The restored text with the model edits under ``t`` reported instead of applied."""
    return apply_edits(spun, [replace(e, applied=e.applied and (e.source != "model" or e.confidence >= t))
                              for e in edits])
