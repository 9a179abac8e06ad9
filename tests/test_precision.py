"""bf16 only where the CPU computes it natively; RESTORE_BF16 overrides either way."""
import types

from restore._hf import native_bf16, use_bf16


def fake_torch(bf16: bool, amx: bool = False):
    cpu = types.SimpleNamespace(_is_avx512_bf16_supported=lambda: bf16, _is_amx_tile_supported=lambda: amx)
    return types.SimpleNamespace(cpu=cpu)


def test_native_probe():
    assert native_bf16(fake_torch(True))
    assert native_bf16(fake_torch(False, amx=True))
    assert not native_bf16(fake_torch(False))
    assert not native_bf16(types.SimpleNamespace())  # a torch without the probes: float32


def test_env_overrides(monkeypatch):
    monkeypatch.delenv("RESTORE_BF16", raising=False)
    assert use_bf16(fake_torch(True), "RESTORE_BF16")
    assert not use_bf16(fake_torch(False), "RESTORE_BF16")
    assert not use_bf16(fake_torch(True), "RESTORE_BF16", preferred=False)
    monkeypatch.setenv("RESTORE_BF16", "1")
    assert use_bf16(fake_torch(False), "RESTORE_BF16")
    monkeypatch.setenv("RESTORE_BF16", "0")
    assert not use_bf16(fake_torch(True), "RESTORE_BF16")
