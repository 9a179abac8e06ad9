"""Long texts go through in windows of paragraphs: the results are those of the windows, joined."""
from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import restore.text.windows as W
from restore import Config, detect, restore_and_explain, restore_batch
from restore.edits.apply import apply_edits
from restore.text.windows import windows

SPUN = (Path(__file__).resolve().parent.parent / "samples" / "spun_news_tiandy.txt").read_text(encoding="utf-8")
DICT_ONLY = Config(use_model=False, use_detector=False)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab .\n", max_size=300), st.integers(4, 60))
def test_windows_cover_the_text_exactly(text, size):
    cuts = windows(text, size)
    assert cuts[0][0] == 0 and cuts[-1][1] == len(text)
    assert all(a == prev_b for (_, prev_b), (a, _) in zip(cuts, cuts[1:]))
    assert all(b - a <= size for a, b in cuts[:-1] if " " in text[a + size // 2:a + size] or "\n" in text[a:b])


def test_windows_cut_between_paragraphs_first():
    text = "One two three.\n\nFour five six. Seven eight.\n\nNine ten."
    # a paragraph break in the second half of a window, else the end of a sentence, else a space
    assert [text[a:b] for a, b in windows(text, 20)] == ["One two three.\n\n", "Four five six. ", "Seven eight.\n\n",
                                                        "Nine ten."]
    words = "aaaa bbbb cccc dddd"
    assert [words[a:b] for a, b in windows(words, 10)] == ["aaaa bbbb ", "cccc dddd"]
    assert windows("short", 30) == [(0, 5)]


def test_a_long_text_is_restored_window_by_window(monkeypatch):
    monkeypatch.setattr(W, "WINDOW_CHARS", 2_000)
    long_text = "\n\n".join([SPUN] * 3)
    assert len(windows(long_text)) > 3
    r = restore_and_explain(long_text, DICT_ONLY)
    assert apply_edits(long_text, r.edits) == r.text and r.input == long_text
    parts = [long_text[a:b] for a, b in windows(long_text)]
    one_by_one = restore_batch(parts, DICT_ONLY)
    assert r.text == "".join(p.text for p in one_by_one)
    assert len(r.edits) == sum(len(p.edits) for p in one_by_one) > 0


def test_a_long_text_is_detected_window_by_window(monkeypatch):
    short = detect(SPUN, Config(use_model=False))
    monkeypatch.setattr(W, "WINDOW_CHARS", 2_000)
    d = detect(SPUN, Config(use_model=False))
    assert d.text == SPUN and all(SPUN[s.start:s.end] == s.text for s in d.spans)
    assert d.spun_score > 0.9 and short.spun_score > 0.9
    # most spans are found whichever way the text is cut
    whole = {(s.start, s.end) for s in short.spans}
    assert len(whole & {(s.start, s.end) for s in d.spans}) >= 0.8 * len(whole)
