"""--device: where the models run. The CPU path must not change; a GPU is used when torch sees
one (checked where there is one: the last test)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from restore._hf import resolve_device
from restore.cli import app
from restore.config import Config
from restore.errors import ConfigError, ModelError
from restore.pipeline import restore_and_explain

SPUN = "Human legal rights advocates spoke to NBC Information. The officers stated the choice was troublesome."


def fake_torch(gpus: int):
    cuda = SimpleNamespace(is_available=lambda: gpus > 0, device_count=lambda: gpus)
    return SimpleNamespace(cuda=cuda, __version__="x")


def test_resolve_device():
    assert resolve_device(fake_torch(0), "auto") == "cpu"
    assert resolve_device(fake_torch(1), "auto") == "cuda"
    assert resolve_device(fake_torch(1), "cpu") == "cpu"
    assert resolve_device(fake_torch(2), "cuda:1") == "cuda:1"
    with pytest.raises(ModelError, match="sees no CUDA GPU"):
        resolve_device(fake_torch(0), "cuda")
    with pytest.raises(ModelError, match="sees 1 CUDA GPU"):
        resolve_device(fake_torch(1), "cuda:1")


def test_config_checks_the_device():
    assert Config(device="cuda:0").device == "cuda:0"
    for bad in ("gpu", "cuda:x", "", 3):
        with pytest.raises(ConfigError, match="device must be"):
            Config(device=bad)


def test_cpu_is_the_default_path_on_a_cpu_machine():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("a GPU is here: auto is not the CPU")
    auto = restore_and_explain(SPUN, Config(triage=False))
    cpu = restore_and_explain(SPUN, Config(triage=False, device="cpu"))
    assert auto.text == cpu.text and auto.edits == cpu.edits and auto.signature == cpu.signature
    assert "|device:" not in cpu.signature


def test_cli_cuda_without_a_gpu_is_a_clear_error():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("a GPU is here")
    r = CliRunner().invoke(app, ["fix", "--device", "cuda", "-"], input=SPUN)
    assert r.exit_code == 2 and "sees no CUDA GPU" in r.stderr
    r = CliRunner().invoke(app, ["fix", "--device", "tpu", "-"], input=SPUN)
    assert r.exit_code == 2 and "device must be" in r.stderr


def test_gpu_restores_as_the_cpu_does():
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU")
    cpu = restore_and_explain(SPUN, Config(triage=False, device="cpu"))
    gpu = restore_and_explain(SPUN, Config(triage=False, device="cuda"))
    assert gpu.text == cpu.text
    assert [(e.start, e.end, e.replacement) for e in gpu.edits] == [(e.start, e.end, e.replacement) for e in cpu.edits]
    assert "|device:cuda" in gpu.signature
