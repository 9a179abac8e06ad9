"""scripts/train/average_weights.py (restore_dev/weight_average.py): the mean of two model directories,
with A's other files."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
from safetensors.torch import load_file, save_file  # noqa: E402

from restore_dev import weight_average  # noqa: E402


def _model(d: Path, value: float) -> Path:
    d.mkdir()
    save_file({"w": torch.full((2, 3), value, dtype=torch.float16), "b": torch.tensor([value], dtype=torch.float16)},
              str(d / "model.safetensors"))
    (d / "config.json").write_text(json.dumps({"name": d.name}))
    (d / "evidence.json").write_text("{}")
    (d / "training.json").write_text(json.dumps({"steps": int(value)}))
    return d


def test_mean_keeps_dtype_and_a_files(tmp_path, run_script):
    a, b = _model(tmp_path / "a", 1.0), _model(tmp_path / "b", 3.0)
    out = tmp_path / "out"
    assert run_script("train/average_weights.py", a, b, "--out", out).returncode == 0
    t = load_file(str(out / "model.safetensors"))
    assert t["w"].dtype == torch.float16 and torch.all(t["w"] == 2.0) and t["b"].item() == 2.0
    assert json.loads((out / "config.json").read_text()) == {"name": "a"}
    assert not (out / "evidence.json").exists()  # fitted for other weights: refit it
    info = json.loads((out / "training.json").read_text())
    assert info["averaged"]["weight_of_b"] == 0.5 and info["b_training"] == {"steps": 3}


def test_weight_and_mismatch(tmp_path, run_script):
    a, b = _model(tmp_path / "a", 0.0), _model(tmp_path / "b", 4.0)
    weight_average.average(a, b, tmp_path / "q", weight=0.25)
    assert load_file(str(tmp_path / "q" / "model.safetensors"))["w"][0, 0].item() == 1.0
    c = tmp_path / "c"
    c.mkdir()
    save_file({"w": torch.zeros(3, 2, dtype=torch.float16)}, str(c / "model.safetensors"))
    assert run_script("train/average_weights.py", a, c, "--out", tmp_path / "bad").returncode == 2
    assert run_script("train/average_weights.py", a, b, "--out", tmp_path / "bad2", "--weight", "2").returncode == 2
