"""scripts/bench.py runs and writes its figures (dictionary only: fast, no models needed)."""
from __future__ import annotations

import json
from pathlib import Path

from test_splits import load_script

ROOT = Path(__file__).resolve().parents[1]


def test_bench_writes_a_row_per_run(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert load_script("bench").main(["--corpus", str(ROOT / "tests" / "fixtures" / "records.jsonl"), "--docs", "3",
                          "--no-model", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert [r["name"] for r in data["results"]] == ["restore (dictionary only)", "detect (dictionary only)"]
    for r in data["results"]:
        assert r["docs"] == 3 and r["words"] > 0 and r["words_per_s"] > 0 and "dict:" in r["signature"]
    assert data["results"][0]["changes_per_run"] >= 1  # the fixture's records have spun phrases
    assert "words/s" in capsys.readouterr().out
