"""scripts/eval/tortured_unlisted.py: where a record's phrase is, and when it counts as restored exactly."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from restore.types import Edit

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("tortured_unlisted", str(ROOT / "scripts" / "eval" / "tortured_unlisted.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def test_a_capitalised_phrase_is_found_and_counted():
    # the set gives phrases in lower case; a sentence may capitalise its phrase
    t = _script()
    g = {"spun": "Cancer and Parkinson's malady were studied.", "phrase": "parkinson's malady",
         "original": "Cancer and Parkinson's disease were studied.", "expected": "parkinson's disease"}
    assert t.phrase_span(g) == (11, 29)
    right = Edit(11, 29, "Parkinson's malady", "Parkinson's disease", source="terms", confidence=0.9)
    wrong_case = Edit(11, 29, "Parkinson's malady", "parkinson's disease", source="terms", confidence=0.9)
    assert t.phrase_exact(g, [right]) and not t.phrase_exact(g, [wrong_case])
    assert not t.phrase_exact(g, [Edit(11, 29, "Parkinson's malady", "Parkinson's disease", source="terms",
                                       confidence=0.4, applied=False)])  # reported only
    assert t.phrase_span({"spun": "Nothing here.", "phrase": "parkinson's malady"}) is None
