"""A detector and a restorer that answer from fixed rules, put in the pipeline's place (tests of how
the pipeline uses them: refine, detect --suggest), so that no model loads."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Callable, Iterable

from restore import pipeline
from restore.types import Edit, Span


class FakeDetector:
    """``spans_at(threshold)``: the spans it finds at that threshold (None: its own)."""

    signature = "detector@fake"
    run_signature = "detector@fake+cal@fake"
    gate = 0.0

    def __init__(self, spans_at: Callable[[float | None], Iterable[Span]], score: float = 0.99):
        self.spans_at = spans_at
        self.score = score

    def token_logits_many(self, texts, tokens, memo=None):
        return [None for _ in texts]

    def read(self, text, tokens=None, dictionary=(), logits=None, ignore=()):
        return SimpleNamespace(text=text, score=self.score, evidence=([self.score], 0, 0))

    def spans(self, reading, threshold=None, changed_only=False):
        return list(self.spans_at(threshold))


class FakeRestorer:
    """``answer(span)``: the model edits it proposes for a span; ``asked`` records each call's spans."""

    signature = "restorer@fake"

    def __init__(self, answer: Callable[[Span], Iterable[Edit]]):
        self.answer = answer
        self.asked: list[list[tuple[int, int]]] = []

    def evidence_for(self, detector_signature):
        return None

    def propose_many(self, docs, cfg, detector=None, memo=None, vocab=None):
        self.vocab = list(vocab) if vocab is not None else None
        out = []
        for _text, spans in docs:
            self.asked.append([(s.start, s.end) for s in spans])
            out.append(([e for s in spans for e in self.answer(s)], []))
        return out


    def vocab_edits(self, docs, cfg, memo=None):
        """Real spinners' wordings (restore.fix.spinner_vocab): this fake proposes none."""
        return [[] for _ in docs]


def install(monkeypatch, det: FakeDetector, res: FakeRestorer) -> FakeRestorer:
    """Make the pipeline load ``det`` and ``res`` (each only when the config turns it on)."""
    monkeypatch.setattr(pipeline, "_detector", lambda cfg: det if cfg.use_detector else None)
    monkeypatch.setattr(pipeline, "_restorer", lambda cfg: res if cfg.use_model else None)
    return res
