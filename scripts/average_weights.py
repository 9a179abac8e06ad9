#!/usr/bin/env python3
"""Average the weights of two model directories of the same architecture (a "model soup").

    python3 scripts/average_weights.py models/restorer runs/restorer8/ship --out runs/soup/restorer [--weight 0.5]

Writes ``--out/model.safetensors`` = (1 - w) * A + w * B, element by element, in A's dtype, and
copies A's other files (config, tokenizer, calibration) beside it; ``training.json`` records both
parents and the weight. Fine-tuning runs that start from the same weights (``train.py
--init-from``) stay in one basin, where the mean of two runs can beat both: the restorer shipped
this way (restore/models/restorer/README.md). An ``evidence.json`` is not copied: it belongs to the pair of
models it was fitted for, so refit it (scripts/fit_evidence.py) for the new weights.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from restore.signature import file_sha256  # noqa: E402  (no torch at import)

WEIGHTS = "model.safetensors"
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a", type=Path, help="model directory (its config, tokenizer and calibration are kept)")
    ap.add_argument("b", type=Path, help="model directory of the same architecture")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--weight", type=float, default=0.5, help="weight of B (default 0.5: the mean)")
    args = ap.parse_args(argv)
    try:
        path = average(args.a, args.b, args.out, args.weight)
    except (OSError, ValueError) as exc:
        print(f"average_weights: {exc}", file=sys.stderr)
        return 2
    print(f"{path} ({short_hash(path)})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
