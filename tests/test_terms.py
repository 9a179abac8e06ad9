"""Issue 34: tortured phrases no list has seen (``restore.fix.terms``, ``--domain science``), and the
tortured list's entries that are not substitutions."""
from __future__ import annotations

import gzip
import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from restore import Config, restore_and_explain
from restore.cli import app
from restore.errors import ConfigError
from restore.fix.decide import decide
from restore.fix.dictionary import Entry, Lexicon, load_lexicon, usable, wording
from restore.fix.terms import FEATURES, TermIndex, TermModel, load_model, windows, words
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
    assert e.source == "terms" and e.original == "haphazard timberland" and e.confidence >= Config.terms_threshold
    assert e.rule.startswith('terms: "haphazard timberland" -> "random forest"') and "listed term" in e.rule
    assert restore_and_explain(UNLISTED, DICT_ONLY).text == UNLISTED
    assert "domain:science+terms@" in r.signature and "|tthr:0.50|" in r.signature
    assert "domain:" not in restore_and_explain(UNLISTED).signature


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
