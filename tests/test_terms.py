"""Issue 34: tortured phrases no list has seen (``restore.fix.terms``, ``--domain science``), and the
tortured list's entries that are not substitutions."""
from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from restore import Config, restore_and_explain
from restore.cli import app
from restore.errors import ConfigError
from restore.fix.decide import decide
from restore.fix.dictionary import Entry, Lexicon, load_lexicon, usable, wording
from restore.fix import terms_lm
from restore.fix.channel import KEEP
from restore.fix.terms import (FEATURES, SCIENCE_FEATURES, Candidate, Pick, TermIndex, TermModel, Window, choose,
                                features, in_place, load_model, scan, term_edits, windows, words)
from restore.types import Edit

UNLISTED = "We trained a haphazard timberland on the survey answers.\n"
CLEAN = "We trained a random forest with gradient descent on public data.\n"
DICT_ONLY = Config(use_detector=False, use_model=False)
TERMS_ONLY = Config(use_detector=False, use_model=False, domain="science")


# ------------------------------------------------------------------ the list's entries
def test_a_gloss_is_not_put_in_the_text():
    assert wording("distributed denial of service (ddos)") == "distributed denial of service"
    assert wording("supervised (machine) learning") == "supervised learning"
    assert wording("(hyperbolic) tangent sigmoid transfer function") == "tangent sigmoid transfer function"
    text = "A distributed denial of provider (DDoS) attack took the site down."
    assert restore_and_explain(text, DICT_ONLY).text == "A distributed denial of service (DDoS) attack took the site down."


@pytest.mark.parametrize("spun,canonical,ok", [
    ("output layer", "output layer (in a neural network)", False),  # a no-op once the gloss is gone
    ("higher income levels", "higher-income levels", False),  # hyphens only
    ("technology spillover", "reverse technology spillover", False),  # would fire again on its own output
    ("associate in nursing", "an (see https://pubpeer.com/x)", False),  # a note, not a wording
    ("net of things", "internet of things (iot)", True),
    ("counterfeit knowledge", "artificial intelligence", True),
])
def test_entries_that_are_not_substitutions_are_left_out(spun, canonical, ok):
    assert usable(Entry(spun, canonical, "tortured", 0.9)) is ok
    lex = Lexicon()
    lex.add(Entry(spun, canonical, "tortured", 0.9))
    assert (lex.lookup(spun) is not None) is ok


def test_the_built_in_list_restores_idempotently():
    for text in ("The benign cancer was removed.", "Reverse technology spillover is measured."):
        once = restore_and_explain(text, DICT_ONLY).text
        assert restore_and_explain(once, DICT_ONLY).text == once


def test_a_phrase_the_list_also_restores_to_is_reported_not_applied():
    lex = load_lexicon()
    e = lex.lookup("cloud computing")  # spun side of one entry, the wording of others
    assert e is not None and e.confidence < Config.threshold and "also a term" in e.note
    r = restore_and_explain("Cloud computing costs fell.", DICT_ONLY)
    assert r.text == "Cloud computing costs fell." and not r.applied


# ------------------------------------------------------------------ candidates
def test_windows_stay_inside_a_phrase():
    text = "the irregular woodland, and a slope-plummet step of the model"
    ws = words(text)
    got = {text[ws[i].start:ws[j - 1].end] for i, j in windows(text, ws)}
    assert "irregular woodland" in got and "slope-plummet step" in got
    assert not any("," in g for g in got)  # no window across punctuation
    assert not any(g.split()[0] in ("the", "and", "a") or g.split()[-1] in ("the", "of") for g in got)


def test_known_terms_are_reached_through_the_channel():
    index = TermIndex(Counter({"random forest": 3, "neural network": 5, "spoken language recognition": 1}))
    got = [c.term for c in index.candidates(["haphazard", "timberland"])]
    assert got[0] == "random forest"
    assert index.candidates(["random", "forest"]) == []  # a known term is left alone
    assert index.candidates(["language", "recognition"]) == []  # ... and so is a part of one
    composed = [c for c in index.candidates(["slope", "plummet"], composed=True) if c.known == 0]
    assert "gradient descent" in [c.term for c in composed]
    assert not index.candidates(["slope", "plummet"])  # composing only where asked (a detector span)


def test_terms_are_composed_phrase_by_phrase_too():
    # the channel knows "the executives" -> "management" and "getting ready" -> "training" as wholes:
    # a window may come back shorter than it is, and a known term of another length is named
    index = TermIndex(Counter({"risk management": 4}))
    got = {c.term: c for c in index.candidates(["hazard", "the", "executives"], composed=True, phrases=True)}
    assert "risk management" in got and got["risk management"].known == 4
    c = got["risk management"]
    assert c.parts == (("hazard", "risk"), ("the executives", "management")) and c.changed == 3
    x = features(["hazard", "the", "executives"], c, list(got.values()), 0.9, index=index, science=False)
    assert len(x) == len(FEATURES) and x[FEATURES.index("length_change")] == -1.0
    assert x[FEATURES.index("changed")] == 3.0
    composed = [c.term for c in index.candidates(["getting", "ready", "and", "testing"], composed=True, phrases=True)]
    assert "training and testing" in composed
    # phrase by phrase only where asked (--quality best), and word by word a window keeps its length
    plain = index.candidates(["hazard", "the", "executives"], composed=True)
    assert plain and not [c for c in plain if c.parts] and all(len(c.term.split()) == 3 for c in plain)
    text = "A survey of hazard the executives is given."
    fast = [c for w in scan(text, index, compose_at=0.0) for c in w.cands]
    best = [c for w in scan(text, index, compose_at=0.0, phrases=True) for c in w.cands]
    assert not any(c.parts for c in fast) and "risk management" in [c.term for c in best]


def test_the_evaluation_masks_the_runs_only_a_records_pair_taught_the_channel():
    pytest.importorskip("restore_dev")
    from restore_dev.dictionary_variants import channel_without
    from restore.fix import channel

    from pathlib import Path

    if not (Path(__file__).resolve().parents[2] / "shared" / "data" / "tortured" / "tortured_phrases.tsv").is_file():
        pytest.skip("the tortured list (../shared) is not here")
    before = [o for o, _ in channel.candidates("savvy cell")]
    assert "smart" in before  # mined from "savvy cell phones" -> "smart phones" alone
    with channel_without([("savvy cell phones", "smart phones")]):
        assert "smart" not in [o for o, _ in channel.candidates("savvy cell")]
        assert "hybrid" in [o for o, _ in channel.candidates("half breed")]  # other pairs teach it too
    assert [o for o, _ in channel.candidates("savvy cell")] == before


def test_a_term_model_reads_the_features_it_names():
    # one tree: "words" (a position of FEATURES) at most 2.5 -> -3, else +3; made before other features existed
    tree = [[0, 2.5, 1, 2, 0.0, 0], [0, 0.0, 0, 0, -3.0, 1], [0, 0.0, 0, 0, 3.0, 1]]
    m = TermModel.from_bytes(json.dumps({"features": ["words"], "used": [0], "base": 0.0, "trees": [tree]}).encode())
    x = [0.0] * len(FEATURES)
    x[FEATURES.index("words")] = 4.0
    assert m.prob(x) > 0.9 and m.reads(["words"]) and not m.reads(["science_term"])
    x[FEATURES.index("words")] = 2.0
    assert m.prob(x) < 0.1
    assert not load_model().reads(SCIENCE_FEATURES)  # the default model does without the science counts
    assert load_model(best=True).reads(SCIENCE_FEATURES)


def test_the_term_model_loads_and_refuses_other_features(tmp_path):
    m = load_model()
    assert m is not None and m.signature.startswith("terms@") and 0 < len(m.used) <= len(FEATURES)
    assert 0.0 <= m.prob([0.0] * len(FEATURES)) <= 1.0
    raw = gzip.compress(json.dumps({"features": ["x"], "used": [0], "base": 0.0, "trees": []}).encode())
    with pytest.raises(ValueError, match="made for features"):
        TermModel.from_bytes(raw)


# ------------------------------------------------------------------ the pipeline
def test_science_restores_an_unlisted_phrase_and_news_does_not():
    r = restore_and_explain(UNLISTED, TERMS_ONLY)
    assert r.text == "We trained a random forest on the survey answers.\n"
    (e,) = r.applied
    assert e.source == "terms" and e.original == "haphazard timberland" and e.confidence >= Config().term_threshold() == 0.5
    assert e.rule.startswith('terms: "haphazard timberland" -> "random forest"') and "listed term" in e.rule
    assert restore_and_explain(UNLISTED, DICT_ONLY).text == UNLISTED
    assert "domain:science+terms@" in r.signature and "|tthr:0.50|" in r.signature
    assert "domain:" not in restore_and_explain(UNLISTED).signature


def test_a_term_goes_in_with_the_windows_own_separators_and_kept_words():
    # a spinner swaps words, not the marks between them: the list's usual spelling of the term
    # ("fully connected layer") does not take the hyphen of "completely-connected" away, nor add one
    hyphen = restore_and_explain("We add a completely-connected layer to the net.\n", TERMS_ONLY)
    assert hyphen.text == "We add a fully-connected layer to the net.\n"
    (e,) = hyphen.applied
    assert e.source == "terms" and e.original == "completely-connected layer"
    space = restore_and_explain("We add a completely connected layer to the net.\n", TERMS_ONLY)
    assert space.text == "We add a fully connected layer to the net.\n"
    assert in_place("Completely  connected\nLayer", Candidate("fully-connected layer", (0.3, KEEP, KEEP), 7)) == \
        "Fully  connected\nLayer"  # kept words as the window writes them, changed ones in its case
    assert in_place("work on keen", Candidate("work on smart", (KEEP, KEEP, 0.2), 0)) == "work on smart"
    # another number of words, a run undone whole, or marks the window cannot hold: transfer_case decides
    assert in_place("irregular woodland", Candidate("random forest tree", (0.2, 0.2, 0.2), 0)) is None
    assert in_place("the executives", Candidate("management", (0.2,), 0, (("the executives", "management"),))) is None
    assert in_place("imaginative work", Candidate("r&d work", (0.2, KEEP), 1)) is None


def test_science_leaves_clean_science_text_alone():
    assert restore_and_explain(CLEAN, TERMS_ONLY).text == CLEAN
    assert restore_and_explain(CLEAN, Config(domain="science")).text == CLEAN


def test_science_with_the_models():
    r = restore_and_explain(UNLISTED, Config(domain="science"))
    assert r.text == "We trained a random forest on the survey answers.\n"
    assert not r.cleared  # the triage, made on news, clears nothing in a paper


def test_a_reported_term_does_not_hold_back_an_applied_model_edit():
    held = Edit(5, 15, "abcd efghi", "term", source="terms", confidence=0.4, applied=False)
    model = Edit(5, 15, "abcd efghi", "model", source="model", confidence=0.9)
    assert decide([held, model]) == [model]
    sure = Edit(5, 15, "abcd efghi", "term", source="terms", confidence=0.9)
    assert decide([model, sure]) == [sure]


def test_domain_is_checked():
    with pytest.raises(ConfigError, match="domain"):
        Config(domain="law")


def test_cli_domain(tmp_path):
    f = tmp_path / "paper.txt"
    f.write_text(UNLISTED, encoding="utf-8")
    runner = CliRunner()
    base = ["--no-detector", "--no-model"]
    assert runner.invoke(app, ["fix", *base, str(f)]).stdout == UNLISTED  # auto: a text file is news
    r = runner.invoke(app, ["fix", *base, "--domain", "science", str(f)])
    assert r.exit_code == 0 and r.stdout == "We trained a random forest on the survey answers.\n"
    r = runner.invoke(app, ["detect", "--no-detector", "--domain", "science", str(f)])
    assert r.stdout.splitlines()[0] == f'{f}:1:14: tortured({r.stdout.split("tortured(")[1][:4]}) ' \
                                       '"haphazard timberland" -> "random forest"'
    rec = json.loads(runner.invoke(app, ["detect", "--no-detector", "--domain", "science", "-f", "json", str(f)]).stdout)
    assert [(s["text"], s["suggestion"], s["source"]) for s in rec["spans"]] == [
        ("haphazard timberland", "random forest", "terms")]


# ------------------------------------------------------------------ --quality best
class FakeLM:
    """``score_continuations`` as ``restore.fix.lm.LMScorer`` answers it with ``detail``: each
    option's log-prob from a table (0 for what it lacks), one token each."""

    def __init__(self, table):
        self.table, self.calls = table, []

    def score_continuations(self, prefix, options, suffix="", detail=False):
        self.calls.append((prefix, list(options), suffix))
        return [(self.table.get(o.strip(), 0.0), 1, 1) for o in options]


class Linear:
    """A stand-in for the stack's tree model: the logistic of a weighted sum."""

    signature = "terms-lm@test"

    def __init__(self, coef, intercept=0.0):
        self.coef, self.intercept = coef, intercept

    def prob(self, x):
        z = self.intercept + sum(c * v for c, v in zip(self.coef, x))
        return 1.0 / (1.0 + math.exp(-z))


STACK = terms_lm.Stack(Linear((1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0)), floor=0.05, top=2)


def test_best_composes_in_every_window():
    index = TermIndex(Counter({"gradient descent": 2}))
    text = "we took a slope plummet step"
    calm = lambda a, b: 0.0  # noqa: E731  (the detector sees nothing)

    def composed(ws):
        return {w.words: [c.term for c in w.cands if not c.known] for w in ws}
    fast = scan(text, index, detector_prob=calm)
    assert [c.term for w in fast for c in w.cands] == ["gradient descent"]  # the known term only
    for prob in (calm, None):
        got = composed(scan(text, index, detector_prob=prob, compose_at=0.0))
        assert "gradient plummet" in got[("slope", "plummet")] and got[("plummet", "step")]


def test_the_lm_reorders_a_windows_candidates():
    text = "It was seen first. The rising colon was examined twice. Then more."
    a, b = text.index("rising"), text.index(" was examined")
    win = Window(a, b, ("rising", "colon"), (), 0.9)
    climbing, ascending = Candidate("climbing colon", (0.2, 1.0), 0), Candidate("ascending colon", (0.1, 1.0), 0)
    lm = FakeLM({"ascending colon": 5.0, "climbing colon": -5.0})
    rescore = terms_lm.rescorer(lm, STACK)
    own = {c: [0.0] * len(FEATURES) for c in (climbing, ascending)}  # the term model's features
    got = rescore(text, win, [(0.6, climbing, None), (0.4, ascending, None)], own)
    assert [c.term for _p, c, _h in got] == ["ascending colon", "climbing colon"]
    assert got[0][0] > 0.95 > 0.05 > got[1][0] and got[0][2] is None
    assert got[1][2] == "the LM prefers it by -5.0 < 2.0"  # reported at most, never applied
    # the LM reads the window's sentence: its own words first, then each candidate in their place
    assert lm.calls == [("The", [" rising colon", " climbing colon", " ascending colon"], " was examined twice.")]
    # under the floor, the term model's probabilities stand and the LM is not asked
    low = [(0.01, climbing, None), (0.005, ascending, None)]
    assert rescore(text, win, low, own) == low and len(lm.calls) == 1


def test_best_term_edits_take_the_lms_choice():
    text = "We trained a haphazard timberland on the survey answers.\n"
    lex = load_lexicon()
    fast = term_edits(text, lex, 0.5)
    assert [e.replacement for e in fast if e.applied] == ["random forest"]
    # an LM that finds "random forest" unreadable there takes the edit back below the threshold
    lm = FakeLM({"random forest": -40.0})
    best = term_edits(text, lex, 0.5, best=True, rescore=terms_lm.rescorer(lm, STACK))
    assert lm.calls and not [e for e in best if e.applied and e.replacement == "random forest"]


def test_the_best_models_load_and_sign_the_result():
    m = load_model(best=True)
    assert m is not None and m.signature.startswith("terms-best@") and m.signature != load_model().signature
    stack = terms_lm.load_stack()
    assert stack is not None and stack.signature.startswith("terms-lm@") and 0 < stack.floor < 0.5 < stack.top
    assert 0.0 <= stack.prob([0.0] * len(terms_lm.FEATURES)) <= 1.0
    with pytest.raises(ValueError, match="made for features"):
        terms_lm.stack_from_bytes(json.dumps({"features": FEATURES, "used": [0], "base": 0.0, "trees": [],
                                              "floor": 0.05, "top": 4}).encode())
    from restore.signature import run_signature

    sig = str(run_signature(Config(domain="science", quality="best", use_detector=False, use_model=False)))
    assert f"domain:science+{m.signature}+{stack.signature}|tthr:0.55|" in sig  # best mode's own threshold
    assert "|tthr:0.40|" in str(run_signature(Config(domain="science", quality="best", terms_threshold=0.4,
                                                     use_detector=False, use_model=False)))


def test_a_term_the_lm_barely_prefers_is_reported_not_applied():
    text = "We trained a haphazard timberland on the survey answers.\n"
    sure = terms_lm.Stack(Linear((0.0,) * 7, intercept=5.0), floor=0.05, top=4)  # p = 0.99
    for lp, applied in ((1.5, False), (2.5, True)):
        (e,) = [e for e in term_edits(text, load_lexicon(), 0.5, best=True,
                                      rescore=terms_lm.rescorer(FakeLM({"random forest": lp}), sure, margin=2.0))
                if e.replacement == "random forest"]
        assert e.applied is applied and e.confidence > 0.99
        assert ("the LM prefers it by 1.5 < 2.0" in e.rule) is not applied


def test_the_lm_context_is_the_windows_sentence():
    text = "First one. The rising colon was seen. Then more."
    a = text.index("rising")
    assert terms_lm.context(text, a, a + len("rising colon")) == ("The ", " was seen.")
    assert terms_lm.context("rising colon now", 0, 12) == ("", " now")


def test_of_overlapping_runs_the_one_that_puts_back_more_words_is_applied():
    one = Pick(0, 12, 1, "work on smart", 0.88, True, "composed word by word")  # "work on keen"
    two = Pick(8, 21, 2, "smart environment", 0.62, True, "composed word by word")  # "keen climate"
    apart = Pick(30, 40, 1, "data set", 0.55, True, "composed word by word")
    low = Pick(9, 21, 2, "bright environment", 0.40, False, "composed word by word")
    got = {k.term: k for k in choose([one, two, apart, low])}
    assert got["smart environment"].applied and got["data set"].applied  # 0.62 x 2 > 0.88 x 1
    assert not got["work on smart"].applied and got["work on smart"].note.endswith("another run restores more")
    assert got["bright environment"] == low  # what was only reported stays so
    # the surer run wins when it puts back as many words
    assert [k.applied for k in choose([replace(one, changed=2), two])] == [True, False]
