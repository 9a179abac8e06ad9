"""restore/fix/evidence.py (pipeline-level confidence of model edits) and its fit (restore_dev/evidence_fit.py,
scripts/train/fit_evidence.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from restore.fix import evidence as ev
from restore.fix.evidence import FEATURES, Evidence, load_evidence
from restore_dev import evidence_fit


def _weights(**kw) -> dict:
    w = {name: 0.0 for name in FEATURES}
    w.update(kw)
    return {"features": list(FEATURES), "weights": [w[n] for n in FEATURES], "bias": 0.0,
            "detector": "detector@aaaa", "restorer": "restorer@bbbb", "id": "cccc"}


def test_features_follow_the_declared_order():
    x = ev.features(-1.0, -6.0, "dwelling", "house", 0.9)
    assert len(x) == len(FEATURES)
    named = dict(zip(FEATURES, x))
    assert named["lp_best"] == -1.0 and named["margin"] == 5.0 and named["n_words"] == 1.0
    assert named["detector_logit"] > 2.0
    # "dwelling" is a thesaurus substitute of "house" in the channel table; "zebra" is not
    assert named["channel_any"] == 1.0 and named["channel_known"] == 1.0
    assert dict(zip(FEATURES, ev.features(-1.0, -6.0, "dwelling", "zebra", 0.9)))["channel_any"] == 0.0


def test_probability_follows_the_weights():
    e = Evidence(_weights(detector_logit=1.0))
    lo = e.probability(ev.features(-1.0, -2.0, "dwelling", "house", 0.2))
    hi = e.probability(ev.features(-1.0, -2.0, "dwelling", "house", 0.95))
    assert 0.0 < lo < 0.5 < hi < 1.0
    assert e.signature == "evidence@cccc"


def test_applies_only_to_the_models_it_was_fitted_with():
    e = Evidence(_weights())
    assert e.applies_to("detector@aaaa", "restorer@bbbb")
    assert e.applies_to("detector@aaaa", "restorer@bbbb,beams4")  # decoding settings do not matter
    assert not e.applies_to("detector@ffff", "restorer@bbbb")
    assert not e.applies_to("detector@aaaa", "restorer@ffff")


def test_other_features_are_refused(tmp_path):
    (tmp_path / ev.FILE).write_text(json.dumps({**_weights(), "features": ["lp_best"]}))
    with pytest.raises(ValueError, match="features"):
        load_evidence(tmp_path)
    assert load_evidence(tmp_path / "none") is None


def test_labels_map_span_ends_through_the_gold_edits():
    spun = "The firm claimed that legal rights matter."
    orig = "The company said that rights matter."
    edits = [[4, 8, 4, 11], [9, 16, 12, 16], [22, 34, 22, 28]]
    g = {"spun": spun, "original": orig, "edits": edits}
    assert evidence_fit.is_right(g, 4, 8, "company")
    assert evidence_fit.is_right(g, 4, 16, "company said")
    assert not evidence_fit.is_right(g, 4, 8, "business")
    assert not evidence_fit.is_right(g, 5, 8, "ompany")  # an end inside a gold edit
    assert evidence_fit.is_right(g, 17, 21, "that")  # an untouched word kept
    assert evidence_fit.is_right(g, 22, 34, "rights")
    assert evidence_fit.original_offset(edits, len(spun)) == len(orig)


def test_logistic_fit_separates_a_signal():
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    y = (X[:, 0] + 0.1 * rng.normal(size=400) > 0).astype(float)
    mean, scale = evidence_fit.standardise(X)
    w, b = evidence_fit.fit_logistic((X - mean) / scale, y, l2=1.0)
    assert w[0] > 3 * abs(w[1])
    p = evidence_fit.predict(X, w, b, mean, scale)
    assert ((p > 0.5) == (y > 0.5)).mean() > 0.95
    cv = evidence_fit.cross_validate(X, y, [str(i % 40) for i in range(400)])
    assert ((cv > 0.5) == (y > 0.5)).mean() > 0.9


def test_usage_features_prefer_the_usual_wording_next_to_its_neighbours():
    from restore.fix import ngrams

    # "the company" and "said it" join their neighbours far better than "the caller" and "claimed it"
    left, right = ngrams.neighbours("The ", " it expects more.")
    assert (left, right) == ("the", "it")
    good = dict(zip(FEATURES, ev.features(-1.0, -3.0, "caller claimed", "company said", 0.9, left, right)))
    bad = dict(zip(FEATURES, ev.features(-1.0, -3.0, "caller claimed", "caller zebra", 0.9, left, right)))
    assert good["bigram_gain"] > 0 and good["bigram_fit"] > bad["bigram_fit"]
    assert good["freq_gain"] > 0  # "company said" is more frequent than "caller claimed"
    assert good["freq_min_span"] == ngrams.log_count("caller")
    # without neighbours the bigram features are 0, the frequency ones are not
    alone = dict(zip(FEATURES, ev.features(-1.0, -3.0, "despatched", "sent", 0.9)))
    assert alone["bigram_gain"] == 0.0 and alone["bigram_fit"] == 0.0 and alone["freq_gain"] > 0


def test_neighbours_stop_at_a_sentence_end():
    from restore.fix import ngrams
    from restore.fix.encoding import context_of

    text = "It ended. Tranquil protesters met; then they left"
    a = text.index("Tranquil")
    assert ngrams.neighbours(*context_of(text, a, a + len("Tranquil"))) == (None, "protesters")
    assert ngrams.neighbours("It ended. ", " protesters") == (None, "protesters")
    b = text.index("met")
    assert ngrams.neighbours(*context_of(text, b, b + 3)) == ("protesters", None)
    assert ngrams.neighbours("", "") == (None, None)
    assert ngrams.words("Iran's  Revolutionary-Guards 12") == ["iran's", "revolutionary", "guards"]
    assert ngrams.log_count("the") > ngrams.log_count("despatched") > ngrams.log_count("qzxqzx") == 0.0


def test_the_fitting_rows_come_from_the_pipelines_own_stages(tmp_path):
    """scripts/train/fit_evidence.py's ``collect`` runs the pipeline's first stages on gold documents:
    it must follow the pipeline's interface (it once passed the detector where a flag now stands)."""
    pytest.importorskip("torch")
    from restore.fix.evidence import FEATURES

    spun = (Path(__file__).parent / "fixtures" / "spun.txt").read_text(encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "d1", "spun": spun, "original": spun, "edits": []}) + "\n")
    rows, meta = evidence_fit.collect([str(gold)], 0, None)
    assert meta["detector"].startswith("detector@") and meta["restorer"].startswith("restorer@")
    assert rows, "the spun fixture gives the restorer something to propose"
    for r in rows:
        assert len(r["x"]) == len(FEATURES) and r["y"] == 0  # the gold original is the spun text itself
        assert spun[r["start"]:r["end"]] == r["span"]
