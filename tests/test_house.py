"""The house: what starts fast, where the models are found, and that restructuring changed no output."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIX = Path(__file__).parent / "fixtures"

# runs a command through the real entry point, then says which heavy modules it imported
PROBE = """
import sys
from restore.cli import main
sys.argv = ["restore"] + {args!r}
try:
    main()
except SystemExit:
    pass
print("\\nIMPORTED", sorted(m for m in ("torch", "transformers", "tokenizers", "rich") if m in sys.modules))
"""


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["fix", "--help"],
                                  ["diff", str(FIX / "spun.txt"), str(FIX / "clean.txt")],
                                  ["lexicon", "white dwelling"], ["lexicon"]])
def test_light_commands_load_no_model(args):
    out = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True, text=True,
                         cwd=ROOT, env=dict(os.environ, NO_COLOR="1"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.rstrip().endswith("IMPORTED []"), out.stdout[-300:]


def test_version_signature_matches_a_run(tmp_path):
    """--version computes the signature from the files; it is the one a restored record carries."""
    import restore

    version = subprocess.run([sys.executable, "-m", "restore", "--version"], capture_output=True, text=True,
                             cwd=ROOT, check=True).stdout.splitlines()
    assert version[0] == f"restore {restore.__version__}"
    r = restore.restore_and_explain("Human legal rights advocates spoke to NBC Information.")
    assert version[1] == r.signature == restore.signature_of()


def test_models_are_package_data_and_restore_models_overrides(tmp_path, monkeypatch):
    from restore.errors import ModelError
    from restore.paths import PACKAGE_MODELS, model_dir, models_root

    assert PACKAGE_MODELS == Path(restore_pkg_dir()) / "models"
    for name in ("detector", "restorer"):
        assert (PACKAGE_MODELS / name / "model.safetensors").is_file()
    monkeypatch.delenv("RESTORE_MODELS", raising=False)
    assert models_root() == PACKAGE_MODELS
    monkeypatch.setenv("RESTORE_MODELS", str(tmp_path))
    assert models_root() == tmp_path and model_dir("detector") == tmp_path / "detector"
    monkeypatch.setenv("RESTORE_MODELS", str(tmp_path / "nowhere"))
    with pytest.raises(ModelError, match="RESTORE_MODELS=.*nowhere: no such directory"):
        models_root()
    assert models_root(tmp_path) == tmp_path  # an explicit directory wins over the environment


def test_a_missing_models_dir_is_a_usage_error():
    from typer.testing import CliRunner

    from restore.cli import app

    r = CliRunner().invoke(app, ["fix", "--models-dir", "/nowhere/at/all", str(FIX / "spun.txt")])
    assert r.exit_code == 2 and "--models-dir=/nowhere/at/all: no such directory" in r.stderr


def restore_pkg_dir() -> str:
    import restore

    return os.path.dirname(restore.__file__)


def test_outputs_match_the_record(shared):
    """scripts/eval/unchanged.py: restore fix and detect write, byte for byte, the JSONL of the
    committed record (the shared samples, every real page, 40 of the 200 spun test documents; the
    script itself checks all 200). The record was made before the restructure and showed it changed
    no output; it is made again (``--record``) only with a change meant to change outputs, whose
    commit says which and why."""
    out = subprocess.run([sys.executable, "scripts/eval/unchanged.py", "--test-docs", "40"], cwd=ROOT,
                         capture_output=True, text=True, env=dict(os.environ, RESTORE_SHARED=str(shared)))
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    n = len(json.loads((FIX / "unchanged" / "expected.json").read_text()))
    assert n == 548 and "identical" in out.stderr
