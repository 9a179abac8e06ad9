"""The weighted mean of two model directories of the same architecture (a "model soup";
scripts/train/average_weights.py): ``model.safetensors`` = (1 - w) * A + w * B, element by
element, in A's dtype, beside A's other files; ``training.json`` records both parents and the
weight. An ``evidence.json`` is not copied: it belongs to the pair of models it was fitted for.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from restore.paths import WEIGHTS
from restore.signature import file_sha256  # (no torch at import)

NOT_COPIED = {WEIGHTS, "evidence.json", "README.md", "training.json"}


def short_hash(path: Path) -> str:
    """The 8 characters a model's signature shows (``restorer@…``)."""
    return file_sha256(path)[:8]


def average(a: Path, b: Path, out: Path, weight: float = 0.5) -> Path:
    """(1 - weight) * a + weight * b into ``out``; returns the new weights file."""
    from safetensors.torch import load_file, save_file

    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"weight must be in [0, 1], got {weight}")
    ta, tb = load_file(str(a / WEIGHTS)), load_file(str(b / WEIGHTS))
    if ta.keys() != tb.keys() or any(ta[k].shape != tb[k].shape for k in ta):
        raise ValueError(f"{a} and {b} do not hold the same tensors")
    mixed = {k: ((1.0 - weight) * ta[k].float() + weight * tb[k].float()).to(ta[k].dtype) for k in ta}
    out.mkdir(parents=True, exist_ok=True)
    for f in a.iterdir():
        if f.is_file() and f.name not in NOT_COPIED:
            shutil.copy2(f, out / f.name)
    tmp = out / (WEIGHTS + ".tmp")
    save_file(mixed, str(tmp), metadata={"format": "pt"})
    tmp.replace(out / WEIGHTS)
    info = {"averaged": {"a": str(a), "a_weights": short_hash(a / WEIGHTS), "b": str(b),
                         "b_weights": short_hash(b / WEIGHTS), "weight_of_b": weight}}
    for name, d in (("a_training", a), ("b_training", b)):
        t = d / "training.json"
        if t.is_file():
            info[name] = {k: v for k, v in json.loads(t.read_text()).items() if k != "history"}
    (out / "training.json").write_text(json.dumps(info, indent=2) + "\n")
    return out / WEIGHTS
