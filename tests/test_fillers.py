"""Filler expansions (restore.fix.fillers, scripts/data/build_fillers.py): a page whose "as well as"
crowds out "and" is filler-spun; what that changes in the pipeline, and what it never does."""
from __future__ import annotations

import gzip
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from restore.fix import fillers, spinner_vocab
from restore.fix.fillers import load, log_tail, page_entries, parse, read_page

ROOT = Path(__file__).resolve().parents[1]
TABLE = """# a comment
expansion\thead\texpansion_count\thead_count\tratio
and also\tand\t165\t99797\t0.00165
as well as\tand\t860\t99797\t0.00862
or even\tor\t113\t9825\t0.01150
inside\tin\t208\t90765\t0.00229
within\tin\t1299\t90765\t0.01431
will certainly\twill\t30\t24842\t0.00121
along with\tand\t294\t99797\t0.00295
along with\twith\t294\t23692\t0.01241
beneath\tunder\t34\t4018\t0.00846
"""

CLEAN = ("The council met on Monday and agreed the budget. Schools and hospitals get more, and roads "
         "get less. The mayor and her deputy said the plan was fair, and the opposition said it was "
         "not. Taxes will rise in April or May, and fees for parking will rise as well as fines. ")
# the same kind of page from a phrase spinner: "and" -> "as well as" / "and also", "will" -> "will certainly"
SPUN = ("The council met on Monday as well as agreed the budget. Schools and also hospitals get more, "
        "as well as roads get less. The mayor as well as her deputy said the plan was fair, and also the "
        "opposition said it was not. Taxes will certainly rise in April or even May, as well as fees for "
        "parking will certainly rise and fines. ")


def test_the_tail_probability_is_the_binomials():
    for k, n, q in ((0, 5, 0.1), (1, 1, 0.01), (3, 10, 0.05), (8, 10, 0.01)):
        exact = sum(math.comb(n, i) * q ** i * (1 - q) ** (n - i) for i in range(k, n + 1))
        assert math.isclose(math.exp(log_tail(k, n, q)), exact, rel_tol=1e-9)
    assert log_tail(2, 5, 0.0) == -math.inf


def test_a_page_whose_expansions_crowd_out_their_head_word_is_filler_spun():
    table = parse(TABLE)
    t = read_page(SPUN, table)
    assert t.spun and t.log_p < math.log(fillers.ALPHA)
    n, k, q, _ = t.heads[("and",)]
    assert (n, k) == (7, 6) and q == pytest.approx(0.0127, abs=1e-3)
    entries = page_entries(SPUN, table)
    heads, rho = entries[("as", "well", "as")]
    assert heads == (("and",),) and rho > spinner_vocab.MIN_RHO
    assert entries[("will", "certainly")][0] == (("will",),)
    # an expansion with two heads lists both, the one it is rarer beside first ("along with": and, with)
    assert entries[("along", "with")][0] == (("and",), ("with",))
    # "or even" is there once: a writer may write it, so it is not one of the page's wordings
    assert ("or", "even") not in entries


def test_clean_pages_are_not_filler_spun():
    table = parse(TABLE)
    assert not read_page(CLEAN, table).spun and page_entries(CLEAN, table) == {}
    assert not read_page("", table).spun
    # a writer repeats one word ("inside the yard"): the other head words do not back it up
    yard = "Soil inside the yard and soil outside it differ. Inside the yard, birds fed; inside it, they slept. " * 2
    t = read_page(yard, table)
    assert page_entries(yard, table) == {} and (t.spun is False or not t.rho)


def test_a_head_word_needs_its_own_unusual_count_as_well_as_the_rest_of_the_page():
    """A clean science story (the corpus has one): two "and also" among eleven "and"s and two
    "beneath": each head backs the other up, but two in eleven is not unusual enough for "and"."""
    table = parse(TABLE)
    story = ("Roots grow and also spread beneath the soil, and the fungi live beneath them and feed and grow. "
             "Rain and sun and wind and cold and heat and frost and also snow and ice shape them. ")
    t = read_page(story, table)
    n, k, _q, own = t.heads[("and",)]
    assert (n, k) == (11, 2) and math.log(fillers.HEAD_ALPHA) < own
    assert t.spun and ("and", "also") not in t.rho and ("and", "also") not in page_entries(story, table)


def test_the_shipped_table_reads_and_names_its_source():
    table = load()
    assert table is not None and table.signature.startswith("fillers@")
    rows = {(" ".join(f.expansion), " ".join(f.head)): f.ratio for f in table.rows}
    assert rows[("as well as", "and")] < 0.02 and ("however", "but") not in rows  # clean news writes "however" often
    text = (ROOT / "restore" / "data" / fillers.TABLE).read_text(encoding="utf-8")
    assert text.startswith("# built by scripts/data/build_fillers.py")
    from restore.data import shipped_text

    assert shipped_text(fillers.TABLE) == text and shipped_text("no_such_table.tsv") is None


def test_the_restorer_chooses_among_the_head_words_and_the_page_says_it_is_spun(restorer):
    from restore import Config

    v = spinner_vocab.with_entries(spinner_vocab.parse(""), page_entries(SPUN, parse(TABLE)))
    edits = restorer.vocab_edits([(SPUN, v, [])], Config())[0]
    got = {(SPUN[e.start:e.end].lower(), e.replacement.lower()) for e in edits}
    assert ("as well as", "and") in got and ("and also", "and") in got
    for e in edits:
        assert e.source == "model" and "this page writes it" in e.rule
        assert e.confidence <= spinner_vocab.CAP and e.applied == (e.confidence >= 0.8)
    # the same wording listed by the mined table alone is the model's to judge, as before
    mined = spinner_vocab.parse("as well as\tand\t5\t3\t100.0\n")
    assert all("this page writes it" not in e.rule and "a real spinner's wording" in e.rule
               for e in restorer.vocab_edits([(SPUN, mined, [])], Config())[0])


def test_the_pipeline_reads_a_pages_fillers_only_in_a_text_called_spun(monkeypatch):
    from fakes import FakeDetector, FakeRestorer, install

    from restore import Config, restore_and_explain
    from restore.types import Span

    a = SPUN.index("budget")
    for score, on, page in ((0.99, True, True), (0.1, True, False), (0.99, False, False)):
        det = FakeDetector(lambda thr: [Span(a, a + 6, "budget", 0.9)], score=score)
        res = install(monkeypatch, det, FakeRestorer(lambda s: []))
        r = restore_and_explain(SPUN, Config(builtin=False, passes=1, spinner_vocab=on))
        vocab = res.vocab[0]
        assert (vocab is not None and ("as", "well", "as") in vocab.page) == page
        assert ("+fillers@" in r.signature) == on


def test_the_builder_counts_whole_words_and_leaves_common_substitutes_out(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    docs = ["Cats and dogs, and birds as well as fish. " * 30, "Blue or green, but it was yet however late. " * 3,
            "Sand and land and hand. " * 20]
    with gzip.open(corpus / "a.jsonl.gz", "wt", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps({"text": d}) + "\n")
    out = tmp_path / "fillers.tsv"
    p = subprocess.run([sys.executable, str(ROOT / "scripts" / "data" / "build_fillers.py"), "--corpus", str(corpus),
                        "--out", str(out), "--max-ratio", "0.5"], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    rows = {(f.expansion, f.head): f.ratio for f in parse(out.read_text()).rows}
    # "and" stands alone 60 + 40 times ("sand", "land", "hand" are not it); "as well as" 30 times
    assert rows[(("as", "well", "as"), ("and",))] == pytest.approx(30 / 100, abs=1e-5)
    assert ((("however",), ("but",))) not in rows  # written once per "but": over --max-ratio


def test_clean_news_of_the_shared_corpus_almost_never_reads_as_filler_spun(shared):
    """Every clean document of the shared corpus, read for fillers whatever the detector says:
    at most one (a 6,770-word State of the Union address, "very first" twice) gets a wording
    that would act (rho at least the vocabulary's floor)."""
    table = load()
    acting = []
    for path in sorted((shared / "data" / "corpus").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                doc = json.loads(line)
                got = [e for e, (_heads, rho) in page_entries(doc["text"], table).items()
                       if rho >= spinner_vocab.MIN_RHO and " ".join(e) in doc["text"].lower()]
                if got:
                    acting.append(doc["id"])
    assert len(acting) <= 1, acting
