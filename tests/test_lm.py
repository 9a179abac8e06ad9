"""The LM scorer and the quality="best" rerank stage, with a tiny random Gemma 3 (offline, fast).

The tiny model is the same class as the real one (Gemma3ForCausalLM), saved with its own tiny
tokenizer; it goes through the real code path: cache build, reuse, a corrupted cache rebuilt,
KV-cached batched scoring. One slow test uses the real Gemma 3 270M (``-m slow``).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from restore import Config, Edit, Span, apply_edits, restore_and_explain  # noqa: E402
from restore.edits.apply import check_edits  # noqa: E402
from restore.fix import lm, lm_cache, rerank as quality  # noqa: E402

WORDS = ("the a an of to in on and said guards revolutionary innovative iran iran's tehran sunday "
         "human rights legal white house dwelling news information nbc last week very 7 days tanker "
         "seized gulf they had it was is at by for with from . , ' s \" officials reported").split()
TEXT = ("Iran's Innovative Guards said on Sunday they had seized a tanker in the Gulf. "
        "Human legal rights officials reported it to NBC Information.\n\n"
        "The White Dwelling said it was very last 7 days.")


def _tiny_model_dir(path: Path, seed: int = 0) -> Path:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig, PreTrainedTokenizerFast

    vocab = {"<pad>": 0, "<bos>": 1, "<eos>": 2, "<unk>": 3}
    for w in WORDS:
        for v in (w, w.capitalize()):
            vocab.setdefault(v, len(vocab))
    tk = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tk.pre_tokenizer = pre_tokenizers.Whitespace()
    tok = PreTrainedTokenizerFast(tokenizer_object=tk, bos_token="<bos>", eos_token="<eos>",
                                  pad_token="<pad>", unk_token="<unk>")
    torch.manual_seed(seed)
    cfg = Gemma3TextConfig(vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                           num_attention_heads=2, num_key_value_heads=1, head_dim=16, max_position_embeddings=256,
                           sliding_window=8, pad_token_id=0, bos_token_id=1, eos_token_id=2)
    model = Gemma3ForCausalLM(cfg)
    path.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(path))
    tok.save_pretrained(str(path))
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    base = tmp_path_factory.mktemp("lm")
    src = lm_cache.dir_source(_tiny_model_dir(base / "tiny"))
    root = base / "cache"
    d = lm_cache.build_cache(src, root)
    return src, root, d, lm.LMScorer(d, threads=1)


def test_cache_root_env(monkeypatch, tmp_path):
    monkeypatch.setenv("RESTORE_CACHE", str(tmp_path / "rc"))
    assert lm_cache.cache_root() == tmp_path / "rc"
    monkeypatch.delenv("RESTORE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert lm_cache.cache_root() == tmp_path / "xdg" / "restore"


def test_cache_build_reuse_and_rebuild(tiny, tmp_path):
    src, _, _, _ = tiny
    root = tmp_path / "cache"  # its own cache: the module's scorer has its files memory-mapped
    d = lm_cache.build_cache(src, root)
    assert d.parent == root and d.name == src.key
    assert lm_cache.cache_ok(d, deep=True)
    marker = json.loads((d / lm_cache.MARKER).read_text())
    assert any(n.endswith(".safetensors") for n in marker["files"])
    # no temporary directories left behind
    assert [p.name for p in root.iterdir()] == [d.name]
    # reuse: the source is not loaded again
    calls = []
    again = lm_cache.Source(src.key, lambda: calls.append(1) or src.load(), "tiny")
    assert lm_cache.build_cache(again, root) == d and not calls
    # a truncated safetensors file is detected and rebuilt
    st = next(d.glob("*.safetensors"))
    data = st.read_bytes()
    st.write_bytes(data[: len(data) // 2])
    assert not lm_cache.cache_ok(d)
    assert lm_cache.build_cache(again, root) == d and calls == [1]
    assert lm_cache.cache_ok(d, deep=True)
    # a missing marker (a build that died before the end) is rebuilt too
    (d / lm_cache.MARKER).unlink()
    assert not lm_cache.cache_ok(d)
    lm_cache.build_cache(again, root)
    assert calls == [1, 1] and lm_cache.cache_ok(d)
    # a same-size corruption of the header is caught by the safetensors check
    raw = bytearray(st.read_bytes())
    raw[8:16] = b"\xff" * 8
    st.write_bytes(bytes(raw))
    assert not lm_cache.cache_ok(d)


def test_load_scorer_once(tiny, monkeypatch, tmp_path):
    src, _, _, _ = tiny
    monkeypatch.setenv("RESTORE_CACHE", str(tmp_path / "c"))
    a = lm.load_scorer(src)
    b = lm.load_scorer(src)
    assert a is b
    assert lm_cache.cache_ok(tmp_path / "c" / src.key)


def test_missing_extra_is_a_model_error(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == lm_cache.GGUF_PACKAGE else real(name, *a))
    from restore.errors import ModelError

    with pytest.raises(ModelError, match=r"pip install 'restore-spun\[lm\]'"):
        lm_cache.gguf_source()


@pytest.mark.parametrize("env,expected", [("0", "float32"), ("1", "bfloat16")])
def test_dtype_follows_the_cpu_or_the_environment(tiny, monkeypatch, env, expected):
    _src, _root, d, _sc = tiny
    monkeypatch.setenv("RESTORE_LM_BF16", env)
    sc = lm.LMScorer(d, threads=1)
    assert str(sc.dtype) == f"torch.{expected}"
    assert next(sc.model.parameters()).dtype == sc.dtype
    assert all(math.isfinite(x) for x in sc.score_continuations("Iran's", [" guards"], " said"))


def test_default_dtype_is_bf16_only_with_native_bf16(tiny, monkeypatch):
    from restore._hf import native_bf16

    monkeypatch.delenv("RESTORE_LM_BF16", raising=False)
    sc = lm.LMScorer(tiny[2], threads=1)
    assert (sc.dtype == torch.bfloat16) == native_bf16(torch)


def test_scores_finite_and_batching_matches(tiny):
    *_, sc = tiny
    pre = "Iran's"
    opts = [" Revolutionary Guards", " Innovative Guards", " guards", " the very last 7 days of the week"]
    suf = " said on Sunday ."
    batched = sc.score_continuations(pre, opts, suf)
    assert len(batched) == len(opts) and all(math.isfinite(x) and x < 0 for x in batched)
    single = [sc.score_continuations(pre, [o], suf)[0] for o in opts]
    sc.use_cache = False
    try:
        full = sc.score_continuations(pre, opts, suf)
    finally:
        sc.use_cache = True
    for a, b, c in zip(batched, single, full):
        assert a == pytest.approx(b, abs=0.05) and a == pytest.approx(c, abs=0.05)
    # the score is a log-probability of the continuation: a longer continuation costs more
    assert sc.score_continuations(pre, [" guards"], "")[0] > sc.score_continuations(pre, [" guards"], suf)[0]
    det = sc.score_continuations(pre, opts, [suf] * len(opts), detail=True)
    assert [d[1] for d in det] == [2, 2, 1, 8]


def test_token_logprobs_cover_text(tiny):
    *_, sc = tiny
    offs, lps = sc.token_logprobs("Human rights officials said it .")
    assert len(offs) == len(lps) == 6 and all(math.isfinite(x) for x in lps)


def _check(text, edits):
    check_edits(text, [e for e in edits])  # sorted, disjoint, original == text[start:end]
    for e in edits:
        assert text[e.start:e.end] == e.original
        assert 0.0 <= e.confidence <= 1.0


def test_rerank_with_tiny_model_keeps_offsets_exact(tiny):
    *_, sc = tiny
    cfg = Config(use_detector=False, use_model=False)
    fast = restore_and_explain(TEXT, cfg)
    spans = [Span(7, 24, TEXT[7:24], 0.8), Span(TEXT.index("legal"), TEXT.index("legal") + 5, "legal", 0.7)]
    for max_spans in (0, 1, 30):
        out = quality.rerank_edits(TEXT, spans, list(fast.edits), _Settings(cfg, lm_max_spans=max_spans), sc, detector=False)
        _check(TEXT, out)
        apply_edits(TEXT, out, only_applied=False)
        if max_spans == 0:
            assert out == sorted(fast.edits, key=lambda e: (e.start, e.end))


class _Settings:
    """A Config with some lm_* settings changed, without Config's validation (lm_max_spans=0)."""

    def __init__(self, cfg, **kw):
        self._cfg, self._kw = cfg, kw

    def __getattr__(self, name):
        if name in self._kw:
            return self._kw[name]
        return getattr(self._cfg, name)


class _FakeScorer:
    """Scores a wording by a table of word bonuses: deterministic decisions for the logic tests."""

    def __init__(self, good=(), bad=(), weight=6.0):
        self.good, self.bad, self.w, self.calls = set(good), set(bad), weight, []

    def score_continuations(self, prefix, options, suffix="", detail=False):
        self.calls.append((prefix, list(options), suffix))
        out = []
        for o in options:
            ws = o.split()
            s = -2.0 * len(ws) + self.w * sum(w.strip(".,") in self.good for w in ws) \
                - self.w * sum(w.strip(".,") in self.bad for w in ws)
            out.append((s, max(1, len(ws)), len(ws)) if detail else s)
        return out

    def token_logprobs(self, text):
        import re

        toks = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        return toks, [-(12.0 if text[a:b].strip(".,'s") in ("Innovative", "Dwelling", "Information") else 1.0)
                      for a, b in toks]


def test_rerank_decides_with_margin_and_article():
    text = "Iran's Innovative Guards seized an innovative tanker near the White Dwelling."
    cfg = _Settings(Config(use_detector=False, use_model=False), lm_prior_weight=0.0)
    sc = _FakeScorer(good={"Revolutionary", "revolutionary", "House"})
    spans = [Span(text.index(w), text.index(w) + len(w), w, 0.9) for w in ("Innovative", "innovative", "Dwelling")]
    out = quality.rerank_edits(text, spans, [], cfg, sc, detector=False)
    _check(text, out)
    got = apply_edits(text, out)
    assert got == "Iran's Revolutionary Guards seized a revolutionary tanker near the White House."
    by = {e.original: e for e in out}
    assert by["Innovative"].source == "lm" and by["Innovative"].rule.startswith("lm rerank: margin")
    assert by["an innovative"].replacement == "a revolutionary"  # the article is part of the edit
    # a margin nothing can reach: every change is at most reported, the text stays as it is
    strict = _Settings(cfg, lm_margin=50.0)
    out2 = quality.rerank_edits(text, spans, [], strict, sc, detector=False)
    assert apply_edits(text, out2) == text
    # max_spans limits how many units are scored
    sc2 = _FakeScorer(good={"Revolutionary", "revolutionary", "House"})
    quality.rerank_edits(text, spans, [], _Settings(cfg, lm_max_spans=1), sc2)
    assert len(sc2.calls) == 1


def test_rerank_keeps_certain_dictionary_edits_and_demotes_bad_fast_edits():
    text = "Human legal rights groups met."
    sure = Edit(0, 18, "Human legal rights", "Human rights", source="dictionary", confidence=0.95, rule="d")
    sc = _FakeScorer(bad={"rights"})  # the LM would hate it, but a certain dictionary edit is kept
    cfg = _Settings(Config(use_detector=False, use_model=False), lm_prior_weight=0.0)
    assert quality.rerank_edits(text, [], [sure], cfg, sc) == [sure]
    unsure = Edit(0, 18, "Human legal rights", "Human rites", source="model", confidence=0.85, rule="m")
    out = quality.rerank_edits(text, [], [unsure], cfg, _FakeScorer(bad={"rites"}, weight=20.0))
    assert len(out) == 1 and not out[0].applied and out[0].replacement == "Human rites"


def test_rerank_without_detector_uses_lm_surprise_and_the_document_gate():
    text = "Officials at the White Dwelling said so."
    cfg = _Settings(Config(use_detector=False, use_model=False), lm_prior_weight=0.0, lm_doc_min_edits=0)
    out = quality.rerank_edits(text, [], [], cfg, _FakeScorer(good={"House"}))
    assert apply_edits(text, out) == "Officials at the White House said so."
    # one LM preference in a whole document is not enough evidence: reported, not applied
    gated = quality.rerank_edits(text, [], [], _Settings(cfg, lm_doc_min_edits=2), _FakeScorer(good={"House"}))
    assert apply_edits(text, gated) == text
    assert [e.replacement for e in gated if not e.applied] == ["House"]
    assert all(e.confidence < cfg.threshold for e in gated if not e.applied)


def test_pipeline_quality_best_calls_the_stage(monkeypatch):
    calls = []

    def fake(text, spans, edits, cfg, scorer=None, **kw):
        calls.append(len(edits))
        return list(edits)

    monkeypatch.setattr(quality, "rerank_edits", fake)
    r = restore_and_explain("Human legal rights groups met.", Config(quality="best", use_detector=False,
                                                                      use_model=False))
    # once per pass: the first with the dictionary's edit, the second over the restored text
    assert calls == [1, 0] and r.text == "Human rights groups met."
    restore_and_explain("Human legal rights groups met.", Config(use_detector=False, use_model=False))
    assert calls == [1, 0]  # fast mode never calls it


@pytest.mark.slow
def test_real_gemma_prefers_revolutionary_guards():
    sc = lm.load_scorer()
    s = sc.score_continuations("Iran's", [" Revolutionary Guards", " Innovative Guards"],
                               " said on Sunday they had seized a British tanker in the Gulf.")
    assert s[0] > s[1] + 5.0
    text = "Iran's Innovative Guards said on Sunday they had seized a British tanker in the Gulf."
    out = quality.rerank_edits(text, [Span(7, 17, "Innovative", 0.9)], [],
                               Config(use_detector=False, use_model=False), sc)
    assert apply_edits(text, out).startswith("Iran's Revolutionary Guards said")


def test_with_a_detector_only_its_spans_are_reconsidered():
    text = "Officials at the White Dwelling said so."
    cfg = _Settings(Config(use_model=False), lm_prior_weight=0.0, lm_doc_min_edits=0)
    sc = _FakeScorer(good={"House"})
    assert quality.rerank_edits(text, [], [], cfg, sc, detector=True) == [] and sc.calls == []
    a = text.index("Dwelling")
    out = quality.rerank_edits(text, [Span(a, a + 8, "Dwelling", 0.8)], [], cfg, sc, detector=True)
    assert apply_edits(text, out) == "Officials at the White House said so."


def test_a_dictionary_edit_is_never_replaced_by_another_wording():
    text = "The solo or sullied nanoparticle was made."
    a = text.index("solo")
    d = Edit(a, a + 28, "solo or sullied nanoparticle", "single- or multi-component nanoparticle",
             source="dictionary", confidence=0.85, rule="tortured")
    cfg = _Settings(Config(use_detector=False, use_model=False), lm_doc_min_edits=0)
    out = quality.rerank_edits(text, [], [d], cfg, _FakeScorer(good={"solo"}), detector=True)
    assert [e.replacement for e in out] == [d.replacement]


class _FakeChannel:
    def __init__(self, table):
        self.table = table

    def candidates(self, phrase, k=None):
        got = self.table.get(phrase.lower(), [])
        return got[:k] if k else got

    def known(self, phrase):
        return phrase.lower() in self.table


def test_two_close_candidates_are_reported_not_applied():
    text = "Officials at the White Dwelling said so."
    a = text.index("Dwelling")
    span = [Span(a, a + 8, "Dwelling", 0.8)]
    channel = _FakeChannel({"dwelling": [("house", 0.5), ("home", 0.5)]})
    cfg = _Settings(Config(use_model=False), lm_prior_weight=0.0, lm_doc_min_edits=0)
    # the LM likes both originals alike: it does not know which one it was
    tie = quality.rerank_edits(text, span, [], cfg, _FakeScorer(good={"House", "Home"}), detector=True,
                               channel=channel)
    assert apply_edits(text, tie) == text
    (e,) = tie
    assert not e.applied and e.confidence < cfg.threshold and "runner-up" in e.rule
    # without the separation rule the first of the two would have been applied
    loose = quality.rerank_edits(text, span, [], _Settings(cfg, lm_separation=0.0),
                                 _FakeScorer(good={"House", "Home"}), detector=True, channel=channel)
    assert apply_edits(text, loose) != text
    # one clear winner is applied
    clear = quality.rerank_edits(text, span, [], cfg, _FakeScorer(good={"House"}), detector=True, channel=channel)
    assert apply_edits(text, clear) == "Officials at the White House said so."


def test_a_held_back_fast_edit_is_not_promoted_by_default():
    text = "The calendar year timeframe ended."
    a = text.index("calendar")
    held = Edit(a, a + 23, "calendar year timeframe", "year", source="model", confidence=0.7, rule="m",
                applied=False)
    cfg = _Settings(Config(use_detector=False, use_model=False), lm_prior_weight=0.0, lm_doc_min_edits=0,
                    lm_doc_min_rate=0.0)
    sc = _FakeScorer(bad={"calendar", "timeframe"}, weight=20.0)
    (e,) = quality.rerank_edits(text, [], [held], cfg, sc, detector=True)
    assert not e.applied and "not promoted" in e.rule
    (p,) = quality.rerank_edits(text, [], [held], _Settings(cfg, lm_promote=1), sc, detector=True)
    assert p.applied and apply_edits(text, [p]) == "The year ended."


def test_the_lm_stage_keeps_the_fast_stage_shape_rules():
    """A wording the fast stage may only report (here: one that genders "spokesperson") is neither
    promoted nor applied as the LM's own choice, however much the LM likes it."""
    text = "A spokesperson for the firm said so."
    a = text.index("spokesperson")
    held = Edit(a, a + 12, "spokesperson", "spokesman", source="model", confidence=0.9,
                rule="m; reported only: gender", applied=False)
    cfg = _Settings(Config(use_detector=False, use_model=False), lm_prior_weight=0.0, lm_doc_min_edits=0,
                    lm_doc_min_rate=0.0, lm_promote=1)
    sc = _FakeScorer(good={"spokesman"}, bad={"spokesperson"}, weight=20.0)
    (e,) = quality.rerank_edits(text, [], [held], cfg, sc, detector=True)
    assert not e.applied and "guesses a gender" in e.rule
    channel = _FakeChannel({"spokesperson": [("spokesman", 0.9)]})
    span = [Span(a, a + 12, "spokesperson", 0.9)]
    out = quality.rerank_edits(text, span, [], _Settings(cfg, lm_promote=0), sc, detector=True, channel=channel)
    assert apply_edits(text, out) == text
    assert [e.replacement for e in out] == ["spokesman"] and "guesses a gender" in out[0].rule


def test_option_scores_is_the_rule_the_tuner_replays():
    from restore.fix.rerank import option_scores
    from restore_dev import quality_tuning

    # option 0 = the spun wording; 1 = a channel candidate (weight 0.5); 2 = the fast proposal
    lp, n, weight, fast = [-20.0, -14.0, -15.0], [2, 2, 2], [None, 0.5, None], [False, False, True]
    best, score, scores = option_scores(lp, n, weight, fast, 0.8, prior_w=2.0, fast_w=1.0)
    assert scores[0] == 0.0
    assert abs(scores[1] - (3.0 + 2.0 * math.log(0.5))) < 1e-9 and abs(scores[2] - (2.5 + 0.8)) < 1e-9
    assert best == 2 and score == scores[2]
    assert option_scores([-1.0, -9.0], [1, 1], [None, None], [False, False], None, 2.0, 1.0)[0] == 0
    u = {"lp": lp, "n": n, "weight": weight, "fast": fast, "fast_conf": 0.8, "fast_applied": True, "options": ["a", "b", "c"]}
    cfg = {"norm": "tok", "prior": 2.0, "fast": 1.0, "margin": 2.0, "k": 10, "sep": 0.0, "promote": 0}
    i, m = quality_tuning.choose(u, cfg)
    assert m == score and quality_tuning.choose_text(u, cfg, i) == "c"  # (the replay lists the fast option first)
    assert quality_tuning.choose(u, {**cfg, "sep": 2.0})[0] == 0  # the runner-up is within 2.0
    assert quality_tuning.choose({**u, "fast_applied": False}, cfg)[0] == 0  # held back stays held back
