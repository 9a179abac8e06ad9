"""restore_dev/shared_scorer.py: the one way the evaluation scripts call ../shared/eval/score.py."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from restore_dev import shared_scorer

ROOT = Path(__file__).resolve().parent.parent


def test_missing_scorer_is_a_clear_message(tmp_path):
    with pytest.raises(SystemExit, match="--scorer"):
        shared_scorer.score("restore", tmp_path / "g.jsonl", tmp_path / "s.jsonl", tmp_path / "nope.py")


def test_argument_defaults_to_the_copy_beside_the_checkout():
    import argparse

    ap = argparse.ArgumentParser()
    shared_scorer.add_argument(ap)
    assert Path(ap.parse_args([]).scorer) == ROOT.parent / "shared" / "eval" / "score.py"


def test_scores_a_restoration(shared, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "a", "spun": "the legal rights group said", "original": "the rights group said"})
                    + "\n")
    fixed, kept = tmp_path / "fixed.jsonl", tmp_path / "kept.jsonl"
    fixed.write_text(json.dumps({"id": "a", "restored": "the rights group said"}) + "\n")
    kept.write_text(json.dumps({"id": "a", "restored": "the legal rights group said"}) + "\n")
    good = shared_scorer.score("restore", gold, fixed, shared / "eval" / "score.py")
    none = shared_scorer.score("restore", gold, kept, shared / "eval" / "score.py")
    assert (good["error_reduction"], good["edit_p"], good["wer_out"]) == (1.0, 1.0, 0.0)
    assert none["error_reduction"] == 0.0 and none["wer_out"] == none["wer_in"] > 0


def test_a_failing_scorer_names_itself(shared, tmp_path):
    bad = tmp_path / "gold.jsonl"
    bad.write_text("not json\n")
    with pytest.raises(SystemExit, match="failed"):
        shared_scorer.score("restore", bad, bad, shared / "eval" / "score.py")


def test_eval_restore_takes_a_slice_of_the_gold_file(shared, tmp_path, run_script):
    gold = tmp_path / "gold.jsonl"
    rows = [{"id": "a", "spun": "The White Dwelling said so.", "original": "The White House said so."},
            {"id": "b", "spun": "NBC Information reported it.", "original": "NBC News reported it."},
            {"id": "c", "spun": "Nothing here.", "original": "Nothing here."}]
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "run" / "restore.jsonl"
    p = run_script("eval/eval_restore.py", "--gold", gold, "--out", out, "--no-model", "--no-detector",
                   "--offset", "1", "--limit", "1")
    assert p.returncode == 0, p.stderr
    assert [json.loads(x) for x in out.read_text().splitlines()] == [{"id": "b", "restored": "NBC News reported it."}]
    figures = json.loads((tmp_path / "run" / "restore.score.json").read_text())
    assert figures["docs"] == 1 and figures["error_reduction"] == 1.0
