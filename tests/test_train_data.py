"""The restorer's training examples (restore_dev/restorer_examples.py, scripts/train/train_restorer.py):
spans shaped like the detector's (runs of adjacent edits)."""
from __future__ import annotations

import random

from restore_dev import restorer_examples
from restore_dev.spin import SpinEdit, Spinner

TEXT = ("The company said on Monday that it would buy the rival firm for cash, and analysts said the "
        "deal made sense. Shares of the company rose sharply in early trading in New York.")


def test_runs_join_edits_separated_by_one_space():
    spun = "The caller claimed that the clam also benefitted dug."
    orig = "The company said that the bank also gained ground."

    def edit(s_word, o_word, nth=0):
        a = spun.index(s_word)
        b = orig.index(o_word)
        return SpinEdit(a, a + len(s_word), b, b + len(o_word))

    edits = [edit("caller", "company"), edit("claimed", "said"), edit("clam", "bank"),
             edit("benefitted", "gained"), edit("dug", "ground")]
    runs = restorer_examples.detector_runs(spun, orig, edits)
    assert [(spun[a:b], orig[c:d]) for a, b, c, d in runs] == [
        ("caller claimed", "company said"), ("benefitted dug", "gained ground")]
    # one edit alone is not a run; edits apart ("clam" ... "benefitted") are not joined
    assert restorer_examples.detector_runs(spun, orig, edits[:1]) == []


def test_merged_examples_are_exact_and_optional():
    spinner = Spinner()
    # the first seed whose heavy spin of this text has adjacent edits
    seed = next(k for k in range(100) if restorer_examples.detector_runs(*_texts(spinner.spin(TEXT, "heavy", k))))
    r = spinner.spin(TEXT, "heavy", seed)
    runs = restorer_examples.detector_runs(r.spun, r.original, r.edits)
    for a, b, c, d in runs:
        inside = [e for e in r.edits if a <= e.spun_start and e.spun_end <= b]
        assert len(inside) >= 2
        # the run's original is its edits' originals joined by the spaces between them
        assert r.original[c:d] == " ".join(r.original[e.orig_start:e.orig_end] for e in inside)
    target_of = {r.spun[a:b]: r.original[c:d].lower() for a, b, c, d in runs}
    plain = restorer_examples.doc_examples(spinner, TEXT, "heavy", seed, random.Random(0), 0.35, 8)
    merged = restorer_examples.doc_examples(spinner, TEXT, "heavy", seed, random.Random(0), 0.35, 8, merge_runs=True)
    assert not [ex for ex in plain if ex[4] and ex[1] in target_of]
    got = [ex for ex in merged if ex[4] and ex[1] in target_of]
    assert 1 <= len(got) <= 4  # at most half of max_pos
    for left, span, right, target, _ in got:
        assert left + span + right in r.spun and target == target_of[span]


def _texts(r):
    return r.spun, r.original, r.edits


def test_widened_spans_take_unspun_neighbours_on_both_sides():
    spun = "The caller claimed that the clam also benefitted dug."
    orig = "The company said that the bank also gained ground."
    a, b = spun.index("clam"), orig.index("bank")
    clam = SpinEdit(a, a + 4, b, b + 4)
    ben = spun.index("benefitted")
    edits = [clam, SpinEdit(ben, ben + len("benefitted dug"), orig.index("gained"), orig.index("gained") + 13)]
    seen = set()
    for k in range(200):
        w = restorer_examples.widened(spun, orig, (clam.spun_start, clam.spun_end, clam.orig_start, clam.orig_end),
                          edits, random.Random(k))
        assert w is not None
        ss, se, os_, oe = w
        seen.add((spun[ss:se], orig[os_:oe]))
    # "also" is free on the right, but "benefitted" (an edit) is not; "that the" on the left
    assert seen == {("the clam", "the bank"), ("that the clam", "that the bank"), ("clam also", "bank also"),
                    ("the clam also", "the bank also"), ("that the clam also", "that the bank also")}
    # nothing to take: the span starts the text and an edit follows it
    first = SpinEdit(0, 3, 0, 3)
    assert restorer_examples.widened("The caller", "The company", (0, 3, 0, 3), [first, SpinEdit(4, 10, 4, 11)],
                         random.Random(0)) is None


def test_widen_zero_leaves_the_examples_as_they_were():
    spinner = Spinner()
    plain = restorer_examples.doc_examples(spinner, TEXT, "heavy", 3, random.Random(0), 0.35, 8, merge_runs=True)
    same = restorer_examples.doc_examples(spinner, TEXT, "heavy", 3, random.Random(0), 0.35, 8, merge_runs=True, widen=0.0)
    assert plain == same
    wide = restorer_examples.doc_examples(spinner, TEXT, "heavy", 3, random.Random(0), 0.35, 8, merge_runs=True, widen=1.0)
    r = spinner.spin(TEXT, "heavy", 3)
    longer = 0
    for (l0, s0, r0, t0, p0), (left, span, right, target, pos) in zip(plain, wide):
        if not pos:
            continue
        assert left + span + right in r.spun
        longer += len(span) > len(s0)
    assert longer >= 1
