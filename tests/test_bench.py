"""scripts/eval/bench.py runs and writes its figures (dictionary only: fast, no models needed)."""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_writes_a_row_per_run(tmp_path, run_script):
    out = tmp_path / "bench.json"
    p = run_script("eval/bench.py", "--corpus", ROOT / "tests" / "fixtures" / "records.jsonl", "--docs", "3",
                   "--no-model", "--json", out)
    assert p.returncode == 0, p.stderr
    data = json.loads(out.read_text())
    assert [r["name"] for r in data["results"]] == ["restore (dictionary only)", "detect (dictionary only)"]
    for r in data["results"]:
        assert r["docs"] == 3 and r["words"] > 0 and r["words_per_s"] > 0 and "dict:" in r["signature"]
    assert data["results"][0]["changes_per_run"] >= 1  # the fixture's records have spun phrases
    assert "words/s" in p.stdout
