from __future__ import annotations

import importlib.util
import json
import random

import pytest

from restore.metrics import score_restore

GOLD = {
    "a": {"spun": "the White Dwelling said on Monday", "original": "the White House said on Monday"},
    "b": {"spun": "very last 7 days it rained", "original": "last week it rained"},
    "c": {"spun": "clean text stays", "original": "clean text stays"},
}


def test_hand_computed_figures():
    s = score_restore(GOLD, {"a": "the White House said on Monday", "b": "very last 7 days it poured", "c": "clean words stays"})
    # a: 1 gold edit, right; b: 2 gold edits (delete "very", 7 days->week), system made 1 wrong; c: 1 wrong on clean
    assert s.edit_p == pytest.approx(1 / 3)
    assert s.edit_r == pytest.approx(1 / 3)
    assert s.clean_changed == 1.0 and s.clean_docs == 1
    assert s.damage_per_1k > 0  # "rained" and "text" were right and were changed
    assert s.wer_in > 0 and s.missing == 0


def test_perfect_and_unchanged():
    perfect = score_restore(GOLD, {k: g["original"] for k, g in GOLD.items()})
    assert perfect.error_reduction == 1.0 and perfect.edit_f05 == 1.0 and perfect.damage_per_1k == 0
    same = score_restore(GOLD, {})
    assert same.error_reduction == 0.0 and same.missing == 3 and same.edit_r == 0.0


def test_agrees_with_shared_scorer(shared, tmp_path):
    spec = importlib.util.spec_from_file_location("score", shared / "eval" / "score.py")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    rng = random.Random(0)
    gold = {}
    system = {}
    for i in range(40):
        words = [rng.choice("the a White House Dwelling said news information , .".split()) for _ in range(12)]
        orig = " ".join(words)
        spun = " ".join(w if rng.random() > 0.3 else rng.choice(["Dwelling", "very last", "stated"]) for w in words)
        gold[str(i)] = {"id": str(i), "spun": spun, "original": orig}
        system[str(i)] = rng.choice([orig, spun, orig.replace("the", "a")])
    ours = score_restore(gold, system).to_dict()
    theirs = score.score_restore(gold, {k: {"restored": v} for k, v in system.items()})
    for k in ("wer_in", "wer_out", "error_reduction", "edit_p", "edit_r", "edit_f05", "damage_per_1k"):
        assert ours[k] == pytest.approx(theirs[k], abs=6e-3), k


def test_eval_command_scores_files(tmp_path):
    from typer.testing import CliRunner

    from restore.cli import app

    gold = tmp_path / "gold.jsonl"
    sysf = tmp_path / "sys.jsonl"
    gold.write_text("\n".join(json.dumps({"id": k, **v}) for k, v in GOLD.items()) + "\n")
    sysf.write_text("\n".join(json.dumps({"id": k, "restored": v["original"]}) for k, v in GOLD.items()) + "\n")
    r = CliRunner().invoke(app, ["eval", str(gold), str(sysf), "--format", "json", "--no-bleu"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["error_reduction"] == 1.0 and out["edit_p"] == 1.0 and out["signature"].startswith("restore-eval:")
    sysf.write_text('{"id": "a", "restored": "x"}\n{broken\n')
    r = CliRunner().invoke(app, ["eval", str(gold), str(sysf)])
    assert r.exit_code == 2 and "sys.jsonl:2" in r.stderr


def test_span_reliability_bins_spans_by_confidence():
    from restore.metrics import span_reliability

    gold = {"a": {"spun": "the very last 7 days were calm", "edits": [[4, 20, 4, 13]]},
            "b": {"spun": "nothing spun here at all", "edits": []}}
    spans = {"a": [{"start": 4, "end": 8, "confidence": 0.95},    # inside the edit
                   {"start": 26, "end": 30, "confidence": 0.55}],  # "calm": untouched
             "b": [{"start": 0, "end": 7, "confidence": 1.0}]}     # a clean document's span
    rel = span_reliability(gold, spans, edges=(0.0, 0.9, 1.0))
    assert rel["spans"] == 3
    low, high = rel["bins"]
    assert (low["spans"], low["spun_share"], low["mean_confidence"]) == (1, 0.0, 0.55)
    assert (high["spans"], high["spun_share"]) == (2, 0.5)  # confidence 1.0 falls in the last bin
    assert high["mean_confidence"] == pytest.approx(0.975)
    assert rel["ece"] == pytest.approx((0.55 + 2 * abs(0.975 - 0.5)) / 3, abs=1e-4)
    assert span_reliability(gold, {}) == {"spans": 0, "ece": None, "bins": []}
