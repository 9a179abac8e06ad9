"""Spinner families (restore_dev.families) and the fingerprint that names one
(restore.detect.fingerprint): deterministic draws, exact edits, and guesses that can be wrong."""
from __future__ import annotations

import random

import pytest

from fakes import FakeDetector, install
from restore import pipeline
from restore.config import Config
from restore.detect import fingerprint as fp
from restore.types import Span
from restore_dev.families import FAMILIES, FamilySpinner, family_table, parse_mixture
from restore_dev.spin import invert_spin_edits
from test_spin import NEWS, PARA

LONG = "\n\n".join([PARA, NEWS] * 3)


@pytest.fixture(scope="module")
def mixture() -> FamilySpinner:
    return FamilySpinner([(n, 1.0) for n in FAMILIES])


def test_parse_mixture():
    assert parse_mixture("thesaurus=0.5, synset=0.25,function") == [
        ("thesaurus", 0.5), ("synset", 0.25), ("function", 1.0)]
    with pytest.raises(ValueError):
        parse_mixture("synset=-1")
    with pytest.raises(ValueError):
        parse_mixture(" , ")
    with pytest.raises(FileNotFoundError, match="build_families"):
        family_table("no-such-family")


@pytest.mark.parametrize("family", FAMILIES)
def test_each_family_spins_with_exact_edits(mixture, family):
    r = mixture.spinners[family].spin(LONG, "heavy", 3)
    assert r.edits, family
    assert invert_spin_edits(r.original, r.spun, r.edits) == LONG
    for e in r.edits:
        assert r.spun[e.spun_start:e.spun_end].lower() != LONG[e.orig_start:e.orig_end].lower()


def test_families_write_differently(mixture):
    """Sparse databases are not the thesaurus: the same text, preset and seed give other wordings."""
    spun = {f: mixture.spinners[f].spin(LONG, "heavy", 11).spun for f in FAMILIES}
    assert len(set(spun.values())) == len(FAMILIES)


def test_function_family_swaps_function_words(mixture):
    text = " ".join(["Prices rose and sales fell in the quarter, or so the report said."] * 30)
    r = mixture.spinners["function"].spin(text, "heavy", 5)
    changed = {text[e.orig_start:e.orig_end].lower() for e in r.edits}
    assert changed & {"and", "in", "or"}


def test_family_draw_follows_the_seed_and_the_weights(mixture):
    a = [mixture.draw(s) for s in range(300)]
    assert a == [mixture.draw(s) for s in range(300)]
    assert set(a) == set(FAMILIES)
    only = FamilySpinner([("synset", 1.0), ("function", 0.0)])
    assert {only.draw(s) for s in range(50)} == {"synset"}
    r1, r2 = mixture.spin(LONG, "medium", 7), mixture.spin(LONG, "medium", 7)
    assert r1 == r2


@pytest.mark.parametrize("family", FAMILIES)
def test_fingerprint_names_the_family_of_a_heavily_spun_text(mixture, family):
    hits = 0
    for seed in range(5):
        r = mixture.spinners[family].spin(LONG, "heavy", seed)
        g = fp.guess_spinner(r.spun[e.spun_start:e.spun_end] for e in r.edits)
        assert g.family in (family, fp.UNKNOWN), (seed, g)
        hits += g.family == family
    assert hits >= 3


def test_fingerprint_says_unknown_on_thin_or_foreign_evidence():
    assert fp.guess_spinner(["dwelling", "tranquil"]).family == fp.UNKNOWN      # too few spans
    rng = random.Random(1)
    words = NEWS.split()
    clean = [" ".join(words[i:i + rng.choice((1, 2))]) for i in rng.sample(range(len(words) - 2), 12)]
    g = fp.guess_spinner(clean)
    assert g.family == fp.UNKNOWN and g.spans == 12
    assert abs(sum(p for _, p in g.probabilities) - 1.0) < 1e-6
    assert set(dict(g.probabilities)) == set(fp.families()) | {fp.OTHER}


def test_detect_reports_the_spinner_only_for_a_document_called_spun(monkeypatch, mixture):
    r = mixture.spinners["function"].spin(LONG, "heavy", 2)
    spans = [Span(e.spun_start, e.spun_end, r.spun[e.spun_start:e.spun_end], 0.9) for e in r.edits]
    det = FakeDetector(lambda thr: spans, score=0.99)
    install(monkeypatch, det, None)
    (d,) = pipeline.detect_batch([r.spun], Config(builtin=False, use_model=False, doc_threshold=0.9))
    assert d.spinner is not None and d.spinner.family == "function"
    rec = d.to_dict()
    assert rec["spinner"]["family"] == "function" and rec["spinner"]["spans"] == len(spans)
    (low,) = pipeline.detect_batch([r.spun], Config(builtin=False, use_model=False, doc_threshold=0.999))
    assert low.spinner is None and low.to_dict()["spinner"] is None
