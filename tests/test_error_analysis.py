"""scripts/eval/error_analysis.py (restore_dev/edit_outcomes.py): gold edits sorted by what the pipeline did
about them."""
from __future__ import annotations

import json

from restore_dev import edit_outcomes as ea
from restore_dev import evidence_fit

SPUN = "The caller claimed the clam rose on Monday."
ORIG = "The company said the bank rose on Monday."


def _gold():
    edits = []
    for s, o in (("caller", "company"), ("claimed", "said"), ("clam", "bank")):
        a, b = SPUN.index(s), ORIG.index(o)
        edits.append([a, a + len(s), b, b + len(o)])
    return {"id": "d", "spun": SPUN, "original": ORIG, "edits": edits}


def _edit(words: str, replacement: str, applied=True, source="model", confidence=0.9):
    a = SPUN.index(words)
    return {"start": a, "end": a + len(words), "original": words, "replacement": replacement,
            "source": source, "confidence": confidence, "applied": applied}


def _span(words: str):
    a = SPUN.index(words)
    return {"start": a, "end": a + len(words), "text": words, "confidence": 0.9}


def test_offsets_map_to_the_original_outside_gold_edits_only():
    g = _gold()
    assert evidence_fit.original_offset(g["edits"], 0) == 0
    assert evidence_fit.original_offset(g["edits"], SPUN.index("caller")) == ORIG.index("company")
    assert evidence_fit.original_offset(g["edits"], SPUN.index(" claimed")) == ORIG.index(" said")
    assert evidence_fit.original_offset(g["edits"], SPUN.index("rose")) == ORIG.index("rose")
    assert evidence_fit.original_offset(g["edits"], SPUN.index("caller") + 2) is None


def test_a_merged_edit_is_right_when_it_gives_the_whole_original_wording():
    g = _gold()
    assert ea.gives_original(_edit("caller claimed", "company said"), g)
    assert not ea.gives_original(_edit("caller claimed", "company claimed"), g)
    assert not ea.gives_original(_edit("caller", "Company"), g)  # case matters, as in the scorer


def test_classify_sorts_each_gold_edit_by_span_and_outcome():
    g = _gold()
    explain = {"id": "d",
               "spans": [_span("caller claimed"), _span("clam")],
               "edits": [_edit("caller claimed", "company said"), _edit("clam", "clams", applied=False)]}
    assert ea.classify(g, explain) == [("wider", "right applied"), ("wider", "right applied"),
                                       ("exact", "wrong reported")]
    explain = {"id": "d", "spans": [_span("claim")], "edits": [_edit("caller", "company", source="dictionary")]}
    assert ea.classify(g, explain) == [("dictionary", "right applied"), ("narrower", "no edit"),
                                       ("none", "no edit")]


def test_threshold_curve_counts_right_and_wrong_model_edits(tmp_path, run_script):
    g = _gold()
    explain = {"id": "d", "spans": [],
               "edits": [_edit("caller", "company", confidence=0.95), _edit("clam", "clams", confidence=0.7),
                         _edit("claimed", "said", source="dictionary", confidence=1.0)]}
    curve = {r["threshold"]: (r["right"], r["wrong"]) for r in ea.threshold_curve({"d": g}, [explain], [0.5, 0.9])}
    assert curve == {0.5: (1, 1), 0.9: (1, 0)}
    gold_path, explain_path, out = tmp_path / "g.jsonl", tmp_path / "x.jsonl", tmp_path / "a.json"
    gold_path.write_text(json.dumps(g) + "\n")
    explain_path.write_text(json.dumps(explain) + "\n")
    p = run_script("eval/error_analysis.py", "--gold", gold_path, "--explain", explain_path, "--json", out)
    assert p.returncode == 0, p.stderr
    figures = json.loads(out.read_text())
    assert figures["gold_edits"] == 3 and figures["table"]["dictionary|right applied"] == 1
