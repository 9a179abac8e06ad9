"""The synthetic spinner: exact offsets, determinism, case, rates, protected material."""
from __future__ import annotations

import bisect
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from restore_dev.spin import (PRESETS, SpinEdit, Spinner, SpinResult, apply_spin_edits,
                          invert_spin_edits, spin_text)

PARA = (
    "As Iran tries to stifle anti-regime protests, human rights advocates and lawmakers are "
    "concerned Iranian authorities can draw on sophisticated video surveillance technology "
    "offered by a Chinese company that uses U.S. made chips. The White House said last week "
    "that the company may face sanctions, according to NBC News.\n\n"
    "Tiandy says it provides facial recognition software to Chinese authorities designed to "
    "identify Uyghurs or other ethnic minorities. Human Rights Watch said both governments "
    "should determine whether the annual business campaign violated the rules."
)

# Newswire-like text for rate checks: many content words the table knows.
NEWS = (
    "The company said its annual profit rose sharply after strong sales of new products in "
    "international markets. Officials expect the government to announce a major trade "
    "agreement with several countries next month. Analysts believe the bank will increase "
    "lending to small businesses, helping the economy recover from a serious decline. "
    "The minister warned that rising prices could hurt families and reduce demand for "
    "housing, cars and other goods. Investors remained cautious as the market waited for "
    "clear signals about interest rates and future growth."
)


@pytest.fixture(scope="module")
def spinner() -> Spinner:
    return Spinner()


def check_edits(r: SpinResult) -> None:
    """Edits are sorted, non-overlapping, exact, and rebuild both texts."""
    prev_o = prev_s = 0
    for e in r.edits:
        assert prev_o <= e.orig_start <= e.orig_end <= len(r.original)
        assert prev_s <= e.spun_start <= e.spun_end <= len(r.spun)
        assert r.original[e.orig_start:e.orig_end] != r.spun[e.spun_start:e.spun_end]
        prev_o, prev_s = e.orig_end, e.spun_end
    assert apply_spin_edits(r.original, r.spun, r.edits) == r.spun
    assert invert_spin_edits(r.original, r.spun, r.edits) == r.original
    # outside the edits the two texts are identical piece by piece
    o = s = 0
    for e in r.edits:
        assert r.original[o:e.orig_start] == r.spun[s:e.spun_start]
        o, s = e.orig_end, e.spun_end
    assert r.original[o:] == r.spun[s:]


text_alphabet = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLM \n\n.,;:!?'\"-()<>@/0123456789") + ["\u2019", "\u00e9", "\u4e2d"]
)
words = st.sampled_from(
    "said may both last week according to human rights video business the of and company "
    "House White News Watch tries uses offered annual determine State 1987 www.x.com "
    "a@b.org <IBM> don't Iran's \n\n . , can't U.S. pct mln".split(" ")
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(text_alphabet, max_size=300),
        st.lists(words, max_size=80).map(" ".join),
        st.lists(st.tuples(words, st.sampled_from([" ", "  ", "\n", "\n\n", ", ", ". "])), max_size=60)
        .map(lambda xs: "".join(a + b for a, b in xs)),
    ),
    st.sampled_from(sorted(PRESETS)),
    st.integers(0, 2**32),
)
def test_offsets_rebuild_exactly(spinner, text, preset, seed):
    r = spinner.spin(text, preset, seed)
    assert r.original == text
    assert r.preset == preset
    check_edits(r)


def test_real_paragraph_edits_exact(spinner):
    for seed in range(30):
        for preset in PRESETS:
            check_edits(spinner.spin(PARA, preset, seed))


def test_deterministic_from_seed(spinner):
    a = spinner.spin(PARA, "medium", 7)
    b = spinner.spin(PARA, "medium", 7)
    c = spinner.spin(PARA, "medium", random.Random(7))
    assert a == b == c
    others = {spinner.spin(PARA, "medium", s).spun for s in range(10)}
    assert len(others) > 5
    # a fresh Spinner gives the same output
    assert Spinner().spin(PARA, "heavy", 3) == spinner.spin(PARA, "heavy", 3)


def test_spin_text_convenience():
    r = spin_text(PARA, "light", 1)
    assert isinstance(r, SpinResult) and r.original == PARA
    assert all(isinstance(e, SpinEdit) for e in r.edits)


def test_empty_and_trivial(spinner):
    for t in ["", " ", "\n\n", "1987", "...", "<ABC>"]:
        r = spinner.spin(t, "heavy", 0)
        assert r.spun == t and r.edits == ()


def test_unknown_preset(spinner):
    with pytest.raises(ValueError):
        spinner.spin("text", "extreme", 0)


def test_case_pattern_kept(spinner):
    seen = set()
    for seed in range(200):
        r = spinner.spin(PARA + " " + PARA.upper(), "heavy", seed)
        for e in r.edits:
            o = r.original[e.orig_start:e.orig_end]
            s = r.spun[e.spun_start:e.spun_end]
            if len(o) > 1 and o.isupper():
                assert s == s.upper(), (o, s)
                seen.add("upper")
            elif o[0].isupper():
                assert s[0].isupper(), (o, s)
                seen.add("title")
            else:
                assert s[0].islower() or not s[0].isalpha(), (o, s)
                seen.add("lower")
    assert seen == {"upper", "title", "lower"}


def test_names_and_idioms_get_swapped(spinner):
    """The spinner's characteristic moves all show up over a few seeds."""
    swaps = set()
    for seed in range(300):
        r = spinner.spin(PARA, "heavy", seed)
        for e in r.edits:
            swaps.add((r.original[e.orig_start:e.orig_end], r.spun[e.spun_start:e.spun_end]))
    originals = {o for o, _ in swaps}
    assert {"House", "News", "Watch", "rights", "said", "may"} <= originals
    assert ("rights", "legal rights") in swaps
    assert ("video", "video clip") in swaps
    assert any(o == "last week" for o, _ in swaps)
    assert ("tries", "attempts") in swaps


def content_rate(spinner, text, preset, seeds):
    hit = total = 0
    for seed in seeds:
        r = spinner.spin(text, preset, seed)
        starts = [e.orig_start for e in r.edits]
        for s, _e in spinner.content_spans(text):
            k = bisect.bisect_right(starts, s) - 1
            hit += k >= 0 and r.edits[k].orig_end > s
            total += 1
    return hit / total


@pytest.mark.parametrize("preset,lo,hi", [("light", 0.05, 0.16), ("medium", 0.17, 0.33),
                                          ("heavy", 0.30, 0.52), ("mixture", 0.12, 0.40)])
def test_rate_per_preset(spinner, preset, lo, hi):
    rate = content_rate(spinner, NEWS, preset, range(60))
    assert lo <= rate <= hi, rate


def test_presets_ordered(spinner):
    rates = [content_rate(spinner, NEWS, p, range(40)) for p in ("light", "medium", "heavy")]
    assert rates == sorted(rates)


def test_some_sentences_untouched(spinner):
    sentences = re.split(r"(?<=\.) ", NEWS)
    untouched = 0
    for seed in range(40):
        r = spinner.spin(NEWS, "light", seed)
        for sent in sentences:
            a = NEWS.index(sent)
            b = a + len(sent)
            untouched += not any(e.orig_start < b and a < e.orig_end for e in r.edits)
    assert untouched > 0


def test_numbers_urls_emails_tickers_untouched(spinner):
    protected = ["1987", "3.5", "$1.13bn", "22year-old", "https://example.com/said/company",
                 "www.business-news.com", "press@company.com", "<IBM>", "<BUSINESS>", "#business",
                 "@company"]
    text = " ".join(f"The company said {p} business rose." for p in protected)
    spans = []
    pos = 0
    for p in protected:
        i = text.index(p, pos)
        spans.append((i, i + len(p)))
        pos = i + len(p)
    for seed in range(100):
        r = spinner.spin(text, "heavy", seed)
        check_edits(r)
        for e in r.edits:
            for a, b in spans:
                assert e.orig_end <= a or b <= e.orig_start, (text[a:b], r.original[e.orig_start:e.orig_end])


def test_contractions_left_alone_possessive_stem_spun(spinner):
    text = "The company's video don't can't won't"
    for seed in range(100):
        r = spinner.spin(text, "heavy", seed)
        for e in r.edits:
            o = r.original[e.orig_start:e.orig_end]
            assert "'" not in o and o not in ("don", "can", "won", "t")


def test_speed(spinner):
    import time
    text = (NEWS + "\n\n") * 20
    n_words = len(text.split())
    t = time.perf_counter()
    for seed in range(10):
        spinner.spin(text, "medium", seed)
    rate = 10 * n_words / (time.perf_counter() - t)
    assert rate > 5_000, rate     # ~100k words/s measured; a loose bound for busy CI machines


def test_no_torch_import():
    import subprocess
    import sys
    code = "import sys, restore_dev.spin as s; s.spin_text('The company said.'); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=str(__import__('pathlib').Path(__file__).resolve().parent.parent))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_real_corpus_sample(shared, spinner):
    import gzip
    import json
    path = shared / "data" / "corpus" / "bbc_news.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        docs = [json.loads(next(fh))["text"] for _ in range(20)]
    for i, d in enumerate(docs):
        check_edits(spinner.spin(d, "mixture", i))


def test_script_skips_and_caps_documents(tmp_path, run_script):
    import json

    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": f"The company said on day {i} that prices rose."}) + "\n"
                           for i in range(5)))
    out = tmp_path / "out.jsonl"
    p = run_script("data/spin.py", "--input", src, "--out", out, "--skip-docs", "2", "--max-docs", "2",
                   "--preset", "heavy")
    assert p.returncode == 0, p.stderr
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["d2", "d3"]


def test_snippet_is_a_short_excerpt_of_whole_sentences_or_their_first_words():
    """scripts/data/spin.py --snippets (and calibration's short dev documents): 1-3 consecutive sentences
    of the text, or the first words of them; always a piece of the text, empty only for a text
    without sentences."""
    import random

    from restore_dev.gold_sets import snippet

    text = ("The company said on Monday that prices rose. Shares fell 3 percent in early trading.\n\n"
            "Analysts had expected a rise. The bank declined to comment. Markets were closed on Friday.")
    sents = ["The company said on Monday that prices rose.", "Shares fell 3 percent in early trading.",
             "Analysts had expected a rise.", "The bank declined to comment.", "Markets were closed on Friday."]
    whole = fragments = 0
    for seed in range(200):
        s = snippet(text, random.Random(seed))
        assert s and s in text and s == s.strip()
        assert any(s.startswith(x[:len(s)]) for x in sents)  # it starts where a sentence starts
        if s.endswith("."):
            whole += 1
            assert 1 <= sum(x in s for x in sents) <= 3
        else:
            fragments += 1
    assert whole > 100 and fragments > 20
    assert snippet("", random.Random(0)) == "" and snippet("   ", random.Random(0)) == ""
