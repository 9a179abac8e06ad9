from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

os.environ.setdefault("RESTORE_THREADS", "1")


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite golden files from the current output instead of comparing")


@pytest.fixture
def update_goldens(request) -> bool:
    return request.config.getoption("--update-goldens")


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "data" / "corpus").is_dir():
        pytest.skip("../shared (clean corpus) is not beside the checkout")
    return SHARED


@pytest.fixture(scope="session")
def run_script():
    """``run_script("eval/bench.py", *args)``: the script under scripts/ run with this Python from the
    checkout's root, as a developer runs it; returns the CompletedProcess (text output captured)."""
    def run(path: str, *args) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(ROOT / "scripts" / path), *map(str, args)], cwd=ROOT,
                              capture_output=True, text=True)
    return run


@pytest.fixture(scope="session")
def restorer():
    """The shipped restorer, loaded once for the session (on the CPU); skips without one."""
    from restore.fix.restorer import load_restorer

    res = load_restorer(None, "cpu")
    if res is None:
        pytest.skip("no restorer model")
    return res
