"""scripts/eval/tortured_unlisted.py: where a record's phrase is, and when it counts as restored exactly."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from restore.types import Edit

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("tortured_unlisted", str(ROOT / "scripts" / "eval" / "tortured_unlisted.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def test_a_capitalised_phrase_is_found_and_counted():
    # the set gives phrases in lower case; a sentence may capitalise its phrase
    t = _script()
    g = {"spun": "Cancer and Parkinson's malady were studied.", "phrase": "parkinson's malady",
         "original": "Cancer and Parkinson's disease were studied.", "expected": "parkinson's disease"}
    assert t.phrase_span(g) == (11, 29)
    right = Edit(11, 29, "Parkinson's malady", "Parkinson's disease", source="terms", confidence=0.9)
    wrong_case = Edit(11, 29, "Parkinson's malady", "parkinson's disease", source="terms", confidence=0.9)
    assert t.phrase_exact(g, [right]) and not t.phrase_exact(g, [wrong_case])
    assert not t.phrase_exact(g, [Edit(11, 29, "Parkinson's malady", "Parkinson's disease", source="terms",
                                       confidence=0.4, applied=False)])  # reported only
    assert t.phrase_span({"spun": "Nothing here.", "phrase": "parkinson's malady"}) is None


def test_shards_merge_into_the_figures_of_all_their_records(shared, tmp_path, capsys):
    import json

    t = _script()

    def row(i, exact, restored):
        return {"id": f"t{i}", "phrase": "irregular woodland", "expected": "random forest", "heldout": i == 0,
                "adds_acronym": False, "found": True, "phrase_exact": exact, "sentence_exact": exact,
                "proposals": [["random forest", 0.9, True, "terms", "irregular woodland", ""]] if exact else [],
                "spun": "We fit an irregular woodland.", "original": "We fit a random forest.",
                "restored": restored, "clean_restored": "We fit a random forest.", "clean_edits": []}

    meta = {"gold": "g.jsonl.gz", "every": 5, "start": 2, "folds": 10, "cv_dir": None, "group": "phrase",
            "domain": "science", "quality": "best", "signature": "restore:x", "seconds": 10.0}
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({**meta, "rows": [row(0, True, "We fit a random forest."),
                                             row(1, False, "We fit an irregular woodland.")]}))
    b.write_text(json.dumps({**meta, "seconds": 5.0, "rows": [row(2, True, "We fit a random forest.")]}))
    assert t.main(["--merge", str(a), str(b), "--json", str(tmp_path / "all.json")]) == 0
    got = json.loads((tmp_path / "all.json").read_text())
    assert got["all"]["records"] == 3 and abs(got["all"]["phrase_exact"] - 2 / 3) < 1e-9
    assert got["heldout"]["records"] == 1 and got["all"]["clean_changed"] == 0
    assert got["seconds"] == 15.0 and got["quality"] == "best" and got["start"] == 2
    with pytest.raises(SystemExit, match="in two of the files"):
        t.main(["--merge", str(a), str(a)])
    b.write_text(json.dumps({**meta, "quality": "fast", "rows": [row(2, True, "We fit a random forest.")]}))
    with pytest.raises(SystemExit, match="differ in quality"):
        t.main(["--merge", str(a), str(b)])
    capsys.readouterr()
