"""Words as Unicode calls them: no token, span or edit starts or ends inside a grapheme cluster, and
the dictionary and the models read NFC while offsets point into the text as given."""
from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from restore import Config, detect, restore_and_explain
from restore.edits.apply import apply_edits
from restore.text.tokenize import nfc, tokenize

LATIN = st.tuples(st.sampled_from("aenZ7"), st.sampled_from(["", "\u0301", "\u0308", "\u0301\u0308"])).map("".join)
DEVANAGARI = st.tuples(st.sampled_from("हनद"), st.sampled_from(["", "ि", "ी", "्न", "्द"])).map("".join)
EMOJI = st.tuples(st.sampled_from(["👩", "👋", "💻"]), st.sampled_from(["", "🏽", "\ufe0f", "\u200d💻"])).map("".join)
GAPS = st.sampled_from([" ", " ", ".", "-", "'", "\n", "🇺🇸"])


@st.composite
def texts(draw) -> str:
    """Text as it is written: each script's marks after that script's letters, emoji sequences."""
    return "".join(draw(st.lists(st.one_of(LATIN, DEVANAGARI, EMOJI, GAPS), max_size=14)))


def boundaries(text: str) -> set[int]:
    """Where grapheme clusters start and end (the regex module's \\X)."""
    return {0, len(text)} | {m.end() for m in regex.finditer(r"\X", text)}


@settings(max_examples=500, deadline=None)
@given(texts())
def test_no_token_cuts_a_grapheme_cluster(text):
    cuts = boundaries(text)
    toks = tokenize(text)
    assert all(t.start in cuts and t.end in cuts for t in toks), [(t.text, t.start, t.end) for t in toks]
    assert all(text[t.start:t.end] == t.text for t in toks)


def test_a_mark_after_white_space_is_no_token():
    assert [t.text for t in tokenize("a \u0301\u0301 b")] == ["a", "b"]


def test_marks_joiners_and_scripts_stay_in_their_word():
    cases = {"nai\u0308ve": ["nai\u0308ve"], "e\u0301te\u0301 ok": ["e\u0301te\u0301", "ok"],
             "हिन्दी भाषा": ["हिन्दी", "भाषा"], "👩\u200d💻 👋🏽": ["👩\u200d💻", "👋🏽"], "🇺🇸🇬🇧": ["🇺🇸", "🇬🇧"]}
    for text, want in cases.items():
        assert [t.text for t in tokenize(text)] == want
    assert [t.is_word for t in tokenize("nai\u0308ve हिन्दी 👩\u200d💻")] == [True, True, False]
    assert nfc("nai\u0308ve") == "naïve" and nfc("plain") == "plain"


def test_detect_does_not_flag_half_a_word():
    """The decomposed "naïve" of macOS: ``detect`` flagged "ve", half of it."""
    for text in ("It was a nai\u0308ve plan.", "The nai\u0308ve White Dwelling said so, and the e\u0301lite agreed."):
        cuts = boundaries(text)
        inside = {i for w in ("nai\u0308ve", "e\u0301lite") if w in text
                  for i in range(text.index(w) + 1, text.index(w) + len(w))}
        det = detect(text, Config(use_model=False))
        for s in det.spans:
            assert s.start in cuts and s.end in cuts
            assert s.start not in inside and s.end not in inside, (s.text, s.start, s.end)


def test_the_dictionary_matches_decomposed_text_and_edits_it_as_given(tmp_path):
    lex = tmp_path / "user.tsv"
    lex.write_text("naïve dwelling\thouse\n", encoding="utf-8")
    text = "They met at the nai\u0308ve dwelling today."
    r = restore_and_explain(text, Config(lexicons=(str(lex),), use_model=False, use_detector=False))
    (e,) = r.applied
    assert text[e.start:e.end] == e.original == "nai\u0308ve dwelling" and e.replacement == "house"
    assert apply_edits(text, r.edits) == r.text == "They met at the house today."
