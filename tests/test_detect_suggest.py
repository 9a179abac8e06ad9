"""Config.detect_suggest (``restore detect --suggest``): the model's wording for a detector span narrows
the span to the words that wording changes and becomes its suggestion."""
from __future__ import annotations

import pytest

from fakes import FakeDetector, FakeRestorer, install
from restore import Config, detect, detect_batch
from restore.signature import build as _build


def signature(*a):
    return str(_build(*a))
from restore.fix.decide import suggested_spans
from restore.types import Edit, Span

TEXT = "They watched a video clip of the talks and a human legal rights film."
CLIP = TEXT.index("video"), TEXT.index(" of the")
TALKS = TEXT.index("talks"), TEXT.index(" and")
LEGAL = TEXT.index("legal"), TEXT.index(" rights")


def _span(a: int, b: int, p: float = 0.9, source: str = "detector", suggestion=None) -> Span:
    return Span(a, b, TEXT[a:b], p, suggestion, source=source)


def _model(a: int, b: int, rep: str, applied: bool = True) -> Edit:
    return Edit(a, b, TEXT[a:b], rep, source="model", confidence=0.9 if applied else 0.5, applied=applied)


def test_a_model_wording_narrows_a_detector_span():
    spans = [_span(*CLIP, 0.8), _span(*TALKS, 0.6), _span(*LEGAL, 0.99, "dictionary", "")]
    got = suggested_spans(spans, [_model(*CLIP, "video", applied=False)])
    clip = TEXT.index("clip")
    assert [(s.text, s.suggestion, s.source, s.confidence) for s in got] == [
        ("clip", "", "model", 0.8),            # reported-only wordings count too
        ("talks", None, "detector", 0.6),     # no wording: the span stays
        ("legal", "", "dictionary", 0.99),    # dictionary spans are not the model's business
    ]
    assert got[0].start == clip and TEXT[got[0].start:got[0].end] == "clip"


def test_two_spans_under_one_wording_give_its_parts_once():
    a, b = CLIP
    spans = [_span(a, a + len("video"), 0.7), _span(TEXT.index("clip"), b, 0.9)]
    got = suggested_spans(spans, [_model(a, b, "film")])
    assert [(s.text, s.suggestion, s.confidence) for s in got] == [("video clip", "film", 0.9)]


def test_a_wording_that_only_adds_words_keeps_the_whole_span():
    a, b = TALKS
    got = suggested_spans([_span(a, b)], [_model(a, b, "peace talks")])
    assert [(s.text, s.suggestion, s.source) for s in got] == [("talks", "peace talks", "model")]


@pytest.fixture
def fakes(monkeypatch):
    """The detector finds "video clip" and "talks"; the model has "video" for "video clip"."""
    det = FakeDetector(lambda thr: (_span(*CLIP, 0.8), _span(*TALKS, 0.6)), score=0.97)
    res = FakeRestorer(lambda s: [_model(*CLIP, "video")] if (s.start, s.end) == CLIP else [])
    return install(monkeypatch, det, res)


def test_detect_asks_the_model_only_with_suggest(fakes):
    plain = detect(TEXT, Config(builtin=False))
    assert [s.text for s in plain.spans] == ["video clip", "talks"] and fakes.asked == []
    (got,) = detect_batch([TEXT], Config(builtin=False, detect_suggest=True))
    assert fakes.asked == [[CLIP, TALKS]]
    assert [(s.text, s.suggestion, s.source) for s in got.spans] == [("clip", "", "model"), ("talks", None, "detector")]
    assert got.spun_score == plain.spun_score
    # without the model there is nothing to ask: the spans stay as the detector gave them
    (off,) = detect_batch([TEXT], Config(builtin=False, detect_suggest=True, use_model=False))
    assert [s.text for s in off.spans] == ["video clip", "talks"]


def test_suggest_is_signed():
    assert "|suggest|" in signature(Config(detect_suggest=True), "d", "m", "det")
    assert "suggest" not in signature(Config(), "d", "m", "det")
