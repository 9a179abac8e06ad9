"""scripts/eval/unchanged.py: what counts as the same output (the behaviour record's comparison)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def unchanged():
    spec = importlib.util.spec_from_file_location("unchanged", str(ROOT / "scripts" / "eval" / "unchanged.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def line(conf: float, rule_p: str, applied: bool = True, replacement: str = "said", text: str = "It said 6.5 pct.") -> str:
    return json.dumps({"id": "a", "restored": text, "spun_score": 0.9973,
                       "edits": [{"start": 3, "end": 9, "replacement": replacement, "confidence": conf,
                                  "rule": f"model: (p={rule_p}: model 0.90)", "applied": applied}]})


def test_the_shape_takes_out_floats_and_the_confidences_a_rule_writes(unchanged):
    sha, numbers = unchanged.shape(line(0.9338, "0.93"))
    assert numbers == [0.9973, 0.9338, "0.93", "0.90"]  # not the text's own "6.5"
    assert len(sha) == 64 and sha == unchanged.shape(line(0.9401, "0.94"))[0]


@pytest.mark.parametrize("other, same", [
    (line(0.9338, "0.93"), True),                       # byte for byte
    (line(0.9341, "0.93"), True),                       # the fourth decimal (another CPU)
    (line(0.9346, "0.94"), True),                       # and a two-decimal rounding that tipped
    (line(0.9401, "0.94"), False),                      # a confidence that moved
    (line(0.9338, "0.93", applied=False), False),       # a flag
    (line(0.9338, "0.93", replacement="stated"), False),  # a word
    (line(0.9338, "0.93", text="It said 6.6 pct."), False),  # a number of the text
])
def test_two_outputs_are_the_same_within_the_last_written_digit(unchanged, other, same):
    want = list(unchanged.shape(line(0.9338, "0.93")))
    assert unchanged.same(want, list(unchanged.shape(other))) is same


def test_a_float_written_short_is_held_to_a_thousandth(unchanged):
    """0.9 is written "0.9" whatever its rounding: it may not move by a tenth, only by 0.001."""
    want = list(unchanged.shape(line(0.9, "0.90")))
    assert unchanged.same(want, list(unchanged.shape(line(0.9004, "0.90"))))
    assert not unchanged.same(want, list(unchanged.shape(line(0.86, "0.90"))))
