"""Each integration names the install when its library is missing, in one line."""
from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("lib", ["datasets", "datatrove"])
def test_a_missing_library_says_how_to_install(lib):
    code = (f"import sys; sys.modules[{lib!r}] = None\n"
            f"try:\n    import restore.integrations.{lib}\n"
            "except ImportError as e:\n    print(e)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "pip install 'restore-spun[scale]'" in out.stdout and len(out.stdout.strip().splitlines()) == 1
