"""One spinner, one substitute (restore.fix.consistency): a confident restoration decides the other
places where the model proposed the same wording, and nothing else."""
from __future__ import annotations

from restore.edits.apply import apply_edits
from restore.fix.consistency import RULE, consistent_edits
from restore.types import Edit

TEXT = "Sales rose last yr. The yr before, yr-end profit fell. Visit www.yr.com this yr."


def _at(word: str, nth: int = 0) -> int:
    pos = -1
    for _ in range(nth + 1):
        pos = TEXT.index(word, pos + 1)
    return pos


def _model(nth: int, rep: str, conf: float, applied: bool, word: str = "yr") -> Edit:
    a = _at(word, nth)
    return Edit(a, a + len(word), word, rep, source="model", confidence=conf, applied=applied)


def test_a_reported_edit_of_the_same_wording_is_applied():
    first = _model(0, "year", 0.91, True)
    second = _model(1, "year", 0.62, False)
    out = consistent_edits(TEXT, [first, second], 0.8)
    assert out[0] == first
    assert out[1].applied and out[1].confidence == 0.91 and out[1].rule.startswith(RULE)
    assert "0.62" in out[1].rule
    assert apply_edits(TEXT, out).startswith("Sales rose last year. The year before")


def test_nothing_moves_without_a_confident_restoration_or_with_another_wording():
    weak = [_model(0, "year", 0.75, True), _model(1, "year", 0.62, False)]
    assert consistent_edits(TEXT, weak, 0.8) == tuple(weak)
    other = [_model(0, "year", 0.91, True), _model(1, "yes", 0.62, False)]
    assert consistent_edits(TEXT, other, 0.8) == tuple(other)
    # restored two ways in the document: ambiguous, nothing carried
    two = [_model(0, "year", 0.91, True), _model(1, "year", 0.5, False), _model(3, "yard", 0.9, True)]
    assert consistent_edits(TEXT, two, 0.8) == tuple(two)
    # dictionary edits decide nothing here, and are not promoted
    dic = [Edit(_at("yr"), _at("yr") + 2, "yr", "year", source="dictionary", confidence=0.99),
           _model(1, "year", 0.62, False)]
    assert consistent_edits(TEXT, dic, 0.8) == tuple(dic)


def test_untouched_places_protected_material_and_unchecked_paragraphs_stay():
    first = _model(0, "year", 0.91, True)
    in_url = Edit(_at("yr", 3), _at("yr", 3) + 2, "yr", "year", source="model", confidence=0.5, applied=False)
    last = _model(4, "year", 0.5, False)
    out = consistent_edits(TEXT, [first, in_url, last], 0.8, unchecked=[(_at("this"), len(TEXT), "not English")])
    assert out == (first, in_url, last)          # the URL's "yr", the unchecked paragraph's "yr"
    # "yr" of "yr-end" and the second "yr" had no edit: not touched
    assert apply_edits(TEXT, consistent_edits(TEXT, [first], 0.8)).count("yr") == 4


def test_the_pipeline_carries_a_confident_wording_unless_turned_off(monkeypatch):
    """Through restore_batch: with consistent=True the second "yr" (held at 0.62) follows the first
    (0.91), and the signature says so; by default it stays reported."""
    from fakes import FakeDetector, FakeRestorer, install

    from restore import Config, restore_and_explain
    from restore.types import Span

    text = "Sales rose last yr. The yr before, profit fell."
    spots = [text.index("yr"), text.index("yr", text.index("yr") + 1)]
    det = FakeDetector(lambda thr: [Span(a, a + 2, "yr", 0.9) for a in spots], score=0.99)
    conf = {spots[0]: 0.91, spots[1]: 0.62}
    res = FakeRestorer(lambda s: [Edit(s.start, s.end, "yr", "year", source="model", confidence=conf[s.start],
                                       applied=conf[s.start] >= 0.8)])
    install(monkeypatch, det, res)
    on = restore_and_explain(text, Config(builtin=False, passes=1, consistent=True))
    assert on.text == "Sales rose last year. The year before, profit fell."
    assert [e.rule.startswith(RULE) for e in on.edits] == [False, True]
    off = restore_and_explain(text, Config(builtin=False, passes=1))
    assert off.text == "Sales rose last year. The yr before, profit fell."
    assert "|consistent|" in on.signature and "consistent" not in off.signature
