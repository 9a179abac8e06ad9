"""The triage stage (restore.detect.triage): what it clears, that cleared text loads no model, and
that the texts the detector calls spun are never cleared (the real pages here; the synthetic sets in
scripts/eval/bench_triage.py)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from restore import pipeline
from restore.config import Config
from restore.detect.triage import load_triage, word_features, words
from restore.pipeline import detect, restore_and_explain

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "real"
CLEAN = "The council met on Tuesday to discuss the budget for next year."
SPUN = "Human legal rights advocates spoke to NBC Information."


def test_the_shipped_model_loads_with_its_signature():
    tri = load_triage()
    assert tri is not None and tri.signature.startswith("triage@") and len(tri.weights) > 1000
    assert tri.threshold < 0  # chosen for recall, under every called dev document's score


def test_words_and_features():
    ws = words("The U.S. Commerce Department's 70 affiliates")
    assert ws == ["the", "u", "s", "commerce", "department's", "70", "affiliates"]
    assert word_features(ws, 0) == ("w=the", "l=<s>_the", "r=the_u")
    assert word_features(ws, 6) == ("w=affiliates", "l=70_affiliates", "r=affiliates_</s>")


def test_a_clean_line_is_cleared_without_loading_a_model(monkeypatch):
    def no_model(*a, **k):
        raise AssertionError("a model was loaded for a cleared text")

    monkeypatch.setattr(pipeline, "load_detector", no_model)
    monkeypatch.setattr(pipeline, "_restorer", no_model)
    r = restore_and_explain(CLEAN)
    assert r.cleared and r.text == CLEAN and r.spun_score == 0.0
    assert r.to_dict()["triage"] == "cleared"
    assert "|triage:triage@" in r.signature
    d = detect(CLEAN)
    assert d.cleared and d.spans == () and d.to_dict()["triage"] == "cleared"


def test_cleared_text_never_imports_torch():
    code = ("import sys; from restore import restore_text; "
            f"assert restore_text({CLEAN!r}) == {CLEAN!r}; print('torch' in sys.modules)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.strip() == "False"


def test_a_dictionary_edit_makes_a_text_suspect():
    r = restore_and_explain(SPUN, Config(use_model=False))
    assert not r.cleared and r.text == "Human rights advocates spoke to NBC News."


def test_no_triage_runs_the_detector_and_changes_no_text():
    on = restore_and_explain(CLEAN, Config(use_model=False))
    off = restore_and_explain(CLEAN, Config(use_model=False, triage=False))
    assert on.cleared and not off.cleared
    assert on.text == off.text == CLEAN and on.edits == off.edits
    assert "triage" not in off.to_dict() and "|triage:" not in off.signature


@pytest.mark.skipif(not (REAL / "pairs.jsonl").is_file(), reason="../shared/data/real is not beside the checkout")
def test_real_spun_pages_are_all_suspect():
    tri = load_triage()
    pairs = [json.loads(x) for x in (REAL / "pairs.jsonl").read_text().splitlines() if x.strip()]
    thesaurus = [p["spun"] for p in pairs if p["channel"] == "spinner"]
    assert len(thesaurus) == 9 and all(tri.suspect(t) for t in thesaurus)


def test_training_labels_the_spinners_words(tmp_path):
    pytest.importorskip("sklearn")
    from restore_dev import triage as tr

    spun = "The officers stated the choice would additionally make it troublesome."
    rows = [{"spun": spun, "original": "x", "edits": [[4, 12, 4, 13], [13, 19, 14, 18], [24, 30, 23, 31]]},
            {"spun": CLEAN, "original": CLEAN, "edits": []}] * 20
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    X, y = tr.examples([str(path)])
    assert X[1] == ("w=officers", "l=the_officers", "r=officers_stated")
    assert y[:5] == [0, 1, 1, 0, 1]
    model = tr.train(X, y, prune=0.0)
    thr, low = tr.threshold_for(model, [spun], margin=1.0)
    assert thr == pytest.approx(low - 1.0, abs=1e-3)
    tri = type(load_triage())(model["weights"], model["bias"], thr, "t")
    assert tri.suspect(spun) and tri.score(spun) > tri.score(CLEAN)


def test_the_benchs_stand_in_answers_for_the_triage_and_goes_away():
    """``bench_triage.py --bounds`` times the pipeline with a free stand-in for the triage (one that
    clears everything, and an oracle): inside the block the pipeline takes its answer, after it the
    shipped model's again."""
    from restore_dev.triage import triage_as

    tri = load_triage()
    suspect_line = "Officers stated the choice would make it troublesome to promote merchandise."
    assert tri.suspect(suspect_line) and not tri.suspect(CLEAN)
    assert not restore_and_explain(suspect_line, Config(use_model=False)).cleared
    cfg = Config(use_model=False)
    with triage_as(tri, lambda text: True):  # everything suspect: the detector reads it
        assert not restore_and_explain(CLEAN, cfg).cleared
    with triage_as(tri, lambda text: False):  # nothing suspect: no model reads it
        r = restore_and_explain(suspect_line, cfg)
        assert r.cleared and r.signature == restore_and_explain(suspect_line, cfg).signature
        assert "|triage:" + tri.signature in r.signature
    assert restore_and_explain(CLEAN, cfg).cleared  # the shipped model again
