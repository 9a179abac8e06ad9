"""scripts/eval/sweep_threshold.py (restore_dev/threshold_sweep.py): raising the model threshold only
un-applies model edits."""
from __future__ import annotations

from restore import Edit
from restore_dev import threshold_sweep

TEXT = "The enterprise stated human legal rights matter to the spokesperson."


def _edit(word: str, rep: str, source: str, conf: float, applied: bool = True) -> Edit:
    a = TEXT.index(word)
    return Edit(a, a + len(word), word, rep, source=source, confidence=conf, applied=applied)


def test_only_model_edits_under_the_threshold_are_unapplied():
    edits = [_edit("enterprise", "company", "model", 0.85), _edit("stated", "said", "model", 0.95),
             _edit("human legal rights", "human rights", "dictionary", 0.7),
             _edit("spokesperson", "spokesman", "model", 0.99, applied=False)]  # reported by a rule
    assert threshold_sweep.at_threshold(TEXT, edits, 0.8) == "The company said human rights matter to the spokesperson."
    assert threshold_sweep.at_threshold(TEXT, edits, 0.9) == "The enterprise said human rights matter to the spokesperson."
    assert threshold_sweep.at_threshold(TEXT, edits, 0.99) == "The enterprise stated human rights matter to the spokesperson."
