"""Config.refine_threshold: a detector span the model has no confident wording for is asked about
again by its sub-runs (the detector's runs at the higher threshold)."""
from __future__ import annotations

import pytest

from fakes import FakeDetector, FakeRestorer, install
from restore import Config, apply_edits, restore_and_explain
from restore.errors import ConfigError
from restore.fix.decide import sub_runs, unresolved
from restore.types import Edit, Span

TEXT = "They can draw on subtle video clip surveillance engineering offered by a firm."
WIDE = TEXT.index("subtle"), TEXT.index(" offered")
ENG = TEXT.index("engineering"), TEXT.index(" offered")


def _span(a: int, b: int, p: float = 0.9, source: str = "detector") -> Span:
    return Span(a, b, TEXT[a:b], p, None, source=source)


def test_sub_runs_are_strictly_inside_a_span():
    wide = _span(*WIDE)
    finer = [_span(*WIDE), _span(*ENG), _span(TEXT.index("video"), TEXT.index(" clip")),
             _span(TEXT.index("firm"), len(TEXT) - 1), _span(*ENG, source="dictionary")]
    got = sub_runs([wide], finer)
    assert [(s.start, s.end) for s in got] == [ENG, (TEXT.index("video"), TEXT.index(" clip"))]


def test_unresolved_drops_sub_runs_an_applied_edit_covers():
    subs = [_span(*ENG), _span(TEXT.index("video"), TEXT.index(" clip"))]
    applied = Edit(*ENG, "engineering", "technology", source="model", confidence=0.9, applied=True)
    reported = Edit(TEXT.index("video"), TEXT.index(" clip"), "video", "film", source="model",
                    confidence=0.5, applied=False)
    assert [s.start for s in unresolved(subs, [applied, reported])] == [TEXT.index("video")]


def test_refine_threshold_is_validated_and_signed():
    with pytest.raises(ConfigError):
        Config(refine_threshold=1.5)
    from restore.signature import build

    def signature(*a):
        return str(build(*a))

    assert "refine:0.75" in signature(Config(refine_threshold=0.75), "d", "m", "det")
    assert "refine" not in signature(Config(), "d", "m", "det")


@pytest.fixture
def fakes(monkeypatch):
    """Whole stretch "subtle ... engineering" at the default threshold, only "engineering" above
    0.7; the model has no confident wording for the wide span, "technology" for the narrow one."""
    det = FakeDetector(lambda thr: (_span(*WIDE, 0.75),) if thr is None or thr < 0.7 else (_span(*ENG, 0.75),))
    res = FakeRestorer(lambda s: [Edit(s.start, s.end, s.text, "technology", source="model", confidence=0.9,
                                       applied=True)] if (s.start, s.end) == ENG else [])
    return install(monkeypatch, det, res)


def test_without_refine_the_wide_span_stays(fakes):
    r = restore_and_explain(TEXT, Config(builtin=False, passes=1))  # the fakes answer for the input only
    assert r.text == TEXT
    assert fakes.asked == [[WIDE]]


def test_refine_asks_the_sub_run_and_applies_its_edit(fakes):
    r = restore_and_explain(TEXT, Config(builtin=False, refine_threshold=0.75, passes=1))
    assert r.text == TEXT.replace("engineering", "technology")
    assert fakes.asked == [[WIDE], [ENG]]
    assert apply_edits(TEXT, r.edits) == r.text
    assert "refine:0.75" in r.signature
