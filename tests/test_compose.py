"""restore.edits.apply.compose: two passes of edits as one set of edits of the input."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from restore.edits.apply import apply_edits, check_edits, compose
from restore.types import Edit


@st.composite
def edits_of(draw, text: str, allow_reported: bool = True) -> list[Edit]:
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
    out, prev = [], 0
    for a, b in zip(cuts[::2], cuts[1::2]):
        if a < prev:
            continue
        rep = draw(st.text(alphabet="xyz ", max_size=4))
        applied = draw(st.booleans()) if allow_reported else True
        if rep == text[a:b] or (a == b and not rep):
            continue
        out.append(Edit(a, b, text[a:b], rep, source="model", confidence=draw(st.floats(0.3, 1.0)),
                        rule=f"r{a}", applied=applied))
        prev = b if b > a else b + 1
    return out


@st.composite
def two_passes(draw):
    text = draw(st.text(alphabet="abc .", max_size=30))
    first = draw(edits_of(text))
    mid = apply_edits(text, first)
    second = draw(edits_of(mid))
    return text, first, second


@settings(max_examples=400, deadline=None)
@given(two_passes())
def test_compose_does_both_passes(case):
    text, first, second = case
    both = compose(text, first, second)
    check_edits(text, [e for e in both])
    assert apply_edits(text, both) == apply_edits(apply_edits(text, first), second)


def test_an_edit_over_an_earlier_replacement_merges_with_it():
    text = "the White Dwelling said"
    first = [Edit(10, 18, "Dwelling", "House", rule="dict")]
    mid = apply_edits(text, first)  # "the White House said"
    second = [Edit(4, 15, "White House", "President", source="model", confidence=0.9, rule="model")]
    (e,) = compose(text, first, second)
    assert (e.start, e.end, e.original, e.replacement, e.source) == (4, 18, "White Dwelling", "President", "model")
    assert "dict" in e.rule and "model" in e.rule


def test_edits_elsewhere_keep_their_own_spans_and_reports_survive():
    text = "one two three four"
    first = [Edit(4, 7, "two", "2", rule="a"), Edit(14, 18, "four", "4", rule="b", applied=False)]
    second = [Edit(0, 3, "one", "1", rule="c")]
    both = compose(text, first, second)
    assert [(e.start, e.end, e.replacement, e.applied) for e in both] == [(0, 3, "1", True), (4, 7, "2", True),
                                                                         (14, 18, "4", False)]
