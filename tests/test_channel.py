"""The spinner's inverse channel (restore/fix/channel.py, table restore/data/channel.tsv.gz)."""
from __future__ import annotations

import gzip
from importlib import resources

import pytest

from restore.fix import channel
from restore.fix.channel import candidates, known


def originals(spun: str, k: int | None = None) -> list[str]:
    return [o for o, _ in candidates(spun, k)]


@pytest.mark.parametrize("spun,orig", [
    ("dwelling", "house"),
    ("information", "news"),
    ("observe", "watch"),
    ("innovative", "revolutionary"),
])
def test_known_swaps(spun, orig):
    assert orig in originals(spun, 30)


def test_top_choice_for_spinner_idioms():
    # the spinner's hand-written expansions, inverted, come first
    assert originals("very last", 1) == ["last"]
    assert "week" in originals("7 days", 2)
    assert originals("legal rights", 1) == ["rights"]
    assert originals("video clip", 1) == ["video"]


def test_inflection():
    assert "tries" in originals("attempts", 5)
    assert "images" in originals("visuals", 5)
    assert "uses" in originals("utilizes", 3)
    # and the base forms still map to base forms
    assert "try" in originals("attempt", 10)


@pytest.mark.parametrize("spun", ["dwelling", "attempts", "information", "innovative", "7 days"])
def test_weights_sorted_and_normalised(spun):
    c = candidates(spun)
    assert c, spun
    ws = [w for _, w in c]
    assert ws == sorted(ws, reverse=True)
    assert all(0.0 < w <= 1.0 for w in ws)
    assert sum(ws) <= 1.0 + 1e-2
    assert spun not in [o for o, _ in c]


def test_k_and_case_and_unknown():
    assert len(candidates("dwelling", 3)) == 3
    assert candidates("Dwelling", 3) == candidates("  dwelling ", 3)
    assert candidates("dwelling", 0) == []
    assert candidates("qzxqzxq") == []
    assert candidates("") == []
    assert known("dwelling") and not known("qzxqzxq")


def test_unknown_phrase_is_composed_word_by_word():
    # not a key of its own: the candidates undo the swapped word and keep the other
    got = originals("dwelling qzxqzxq", 10)
    assert "house qzxqzxq" in got
    assert all(g.endswith(" qzxqzxq") for g in got)


def test_table_is_compact_and_well_formed():
    raw = resources.files("restore.data").joinpath("channel.tsv.gz").read_bytes()
    assert len(raw) < 6_000_000
    n = 0
    for line in gzip.decompress(raw).decode("utf-8").splitlines()[:5000]:
        if line.startswith("#"):
            continue
        key, field = line.split("\t")
        items = field.split("|")
        assert 1 <= len(items) <= 30
        for it in items:
            o, w = it.rsplit(":", 1)
            assert o and 0.0 < float(w) <= 1.0
        n += 1
    assert n > 1000


def test_kept_words_are_the_original_inside_a_spinner_expansion():
    # the words a known phrase shares with its likeliest original at its start or end
    assert channel.kept_words(["a", "lot", "more", "than"]) == {2, 3}
    assert channel.kept_words(["police", "officer"]) == {1}
    assert channel.kept_words(["drop", "by"]) == {1}  # "come by"
    assert channel.kept_words(["said", "far", "more", "than"]) == {2, 3}  # the run is cut longest first
    # nothing kept: one word, unknown words, a likeliest original that is not a run of the phrase
    assert channel.kept_words(["officer"]) == set()
    assert channel.kept_words(["zqxv", "wvut"]) == set()
    assert channel.kept_words(["motor", "vehicle"], min_weight=0.5, min_ratio=9) == set()  # "vehicle" weighs ~0.15
    assert channel.kept_words(["motor", "vehicle"], min_weight=0.1, min_ratio=9) == {1}
    # "year" 0.20 is far ahead of the next original ("civil year" 0.05); "break" 0.25 is not ("secede" 0.21)
    assert channel.kept_words(["calendar", "year"]) == {1}
    assert channel.kept_words(["calendar", "year"], min_ratio=9) == set()
    assert channel.kept_words(["break", "away"]) == set()
    # at a sentence's start the original was "Year": the spinner capitalised its own word instead
    assert channel.kept_words(["Calendar", "year"]) == set()
    assert channel.kept_words(["Calendar", "Year"]) == {1}  # a title keeps its capitals
    assert channel.kept_words(["Police", "officer"]) == set()
    assert channel.kept_words(["Video", "clip"]) == {0}  # the kept word starts the phrase: its case is the original's


def test_known_whole_looks_a_hyphenated_word_up_as_candidates_does():
    assert channel.known_whole("get-up-and-go") and channel.known("get-up-and-go")
    assert channel.known_whole("12-months") and not channel.known("12-months")  # listed spaced: "12 months"
    assert channel.candidates("12-months", 1) == channel.candidates("12 months", 1)
    assert not channel.known_whole("Confederate-Flag")
    for words in (["very", "last", "12", "months"], ["gross", "sales", "rose"], ["in", "between"]):
        assert len(channel.kept_words(words)) < len(words)  # never every word of the run


def test_swapped_part_of_a_hyphenated_word_by_usage():
    # "year end" is a common pair and "stop" a spinner's word for "end": the second half was swapped
    assert channel.swapped_part("year", "stop") == 1
    assert channel.swapped_part("Year", "Stop") == 1  # case does not matter
    # usage does not tell, or the table lists the whole word: None
    assert channel.swapped_part("twenty", "five") is None
    assert channel.swapped_part("fast", "growing") is None  # "fast-growing" is a known key
    assert channel.swapped_part("zqxv", "wvut") is None
