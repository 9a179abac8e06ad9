"""scripts/eval/eval_wrapped.py (restore_dev/wrapping.py): wrapping a text and unwrapping it again gives its
words and paragraphs back."""
from __future__ import annotations

from restore_dev import wrapping


def test_wrap_then_unwrap_keeps_words_and_paragraphs():
    text = ("The enterprise stated on Monday that human legal rights groups had been despatched a letter "
            "very last 7 days, according to officials.\n\nA second paragraph, short.")
    wrapped = wrapping.wrap(text, 30)
    assert all(len(line) <= 30 for line in wrapped.splitlines())
    assert wrapped.count("\n\n") == 1 and wrapped.count("\n") > 4
    assert wrapping.unwrap(wrapped) == text
