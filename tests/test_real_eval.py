"""scripts/eval/real.py: the real-page yardstick, run without the restorer model (about 20 s)."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from restore.types import Edit

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "real"
SCORER = ROOT.parent / "shared" / "eval" / "score.py"

needs_real = pytest.mark.skipif(not (REAL / "pairs.jsonl").is_file() or not SCORER.is_file(),
                                reason="../shared/data/real or ../shared/eval/score.py is not beside the checkout")


def rows_of(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def load_module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, str(path))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


EXTRA = 13  # clean pages given again with --clean-extra (dailypost, called spun, is the 13th)


@pytest.fixture(scope="module")
def run(tmp_path_factory, run_script):
    out = tmp_path_factory.mktemp("real_eval")
    extra = out / "extra.jsonl"  # the first clean pages again, under other ids (--clean-extra)
    if (REAL / "clean_news.jsonl").exists():
        extra.write_text("".join(json.dumps({"id": "again-" + r["id"], "text": r["text"]}) + "\n"
                                 for r in rows_of(REAL / "clean_news.jsonl")[:EXTRA]), encoding="utf-8")
    p = run_script("eval/real.py", "--no-model", "--json", "--out-dir", out,
                   *(("--clean-extra", extra) if extra.exists() else ()))
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout), out


def score(kind: str, gold: Path, system: Path) -> dict:
    p = subprocess.run([sys.executable, str(SCORER), kind, str(gold), str(system), "--json"],
                       capture_output=True, text=True, check=True)
    return json.loads(p.stdout)


@needs_real
def test_rows_per_channel_and_per_spinner_site(run):
    res, _out = run
    pairs = rows_of(REAL / "pairs.jsonl")
    rows = {(r["kind"], r["rows"]): r for r in res["pairs"]}
    by_channel = Counter(r["channel"] for r in pairs)
    for ch in ("spinner", "mt", "llm"):
        assert rows[("channel", ch)]["pages"] == by_channel[ch] > 0
    assert rows[("channel", "all")]["pages"] == len(pairs) == res["files"]["pairs"]
    sites = {r["spinner_site"] for r in pairs if r["channel"] == "spinner"}
    site_rows = [r for r in res["pairs"] if r["kind"] == "site"]
    assert {r["rows"] for r in site_rows} == sites
    spinner = rows[("channel", "spinner")]
    # the sites split the spinner pairs: every page once, every applied edit once
    assert sorted(i for r in site_rows for i in r["ids"]) == spinner["ids"]
    assert sum(r["restore"]["edits_applied"] for r in site_rows) == spinner["restore"]["edits_applied"]
    assert sum(r["detect"]["called_spun"] for r in site_rows) == spinner["detect"]["called_spun"]
    for r in res["pairs"]:
        assert r["restore"]["missing"] == r["detect"]["missing"] == 0
        assert 0 <= r["detect"]["called_spun"] <= r["pages"]
    assert 0 < res["gate"] <= 1
    assert "model:off" in res["signature"]["fix"] and "detector:detector@" in res["signature"]["detect"]


@needs_real
def test_spinner_figures_are_the_shared_scorers_on_the_kept_outputs(run):
    res, out = run
    spinner = next(r for r in res["pairs"] if r["rows"] == "spinner")
    assert {r["id"] for r in rows_of(out / "gold_spinner.jsonl")} == set(spinner["ids"])
    det = score("detect", out / "gold_spinner.jsonl", out / "det_pairs.jsonl")
    for k in ("token_p", "token_r", "token_f1"):
        assert spinner["detect"][k] == det[k]
    fix = score("restore", out / "gold_spinner.jsonl", out / "fix_pairs.jsonl")
    for k in ("wer_in", "wer_out", "error_reduction", "edit_p", "edit_r", "damage_per_1k"):
        assert spinner["restore"][k] == fix[k]
    # the kept records are restore's own: the applied edits rebuild each restored text
    from restore.edits.apply import apply_edits

    for rec in rows_of(out / "fix_pairs.jsonl"):
        assert apply_edits(rec["spun"], [Edit.from_dict(e) for e in rec["edits"]]) == rec["restored"]


@needs_real
def test_clean_news_and_auroc(run):
    res, out = run
    clean = res["clean_news"]
    n_clean = len(rows_of(REAL / "clean_news.jsonl"))
    assert clean["pages"] == n_clean == res["files"]["clean_news"]
    fixed = rows_of(out / "fix_clean.jsonl")
    assert clean["changed"] == len(clean["changed_ids"]) == sum(r["restored"] != r["text"] for r in fixed)
    assert clean["edits_applied"] == sum(e["applied"] for r in fixed for e in r["edits"])
    assert clean["called_spun"] == len(clean["called_spun_ids"])
    assert clean["called_spun"] == sum(r["spun_score"] >= res["gate"] for r in rows_of(out / "det_clean.jsonl"))
    auc = {a["channel"]: a for a in res["auroc"]}
    assert set(auc) == {"spinner", "mt", "llm", "all"}
    n_spun = len(rows_of(REAL / "pairs.jsonl")) + len(rows_of(REAL / "spun_pages.jsonl"))
    assert auc["all"]["pages"] == n_spun == sum(auc[c]["pages"] for c in ("spinner", "mt", "llm"))
    for a in auc.values():
        assert a["pages"] == a["pairs_pages"] + a["spun_pages_pages"]
        assert all(0.0 <= a[k] <= 1.0 for k in ("pairs", "spun_pages", "both"))
    assert auc["spinner"]["both"] == score("detect", out / "gold_auc_spinner.jsonl", _det_all(out))["doc_auroc"]


def _det_all(out: Path) -> Path:
    path = out / "det_all.jsonl"
    path.write_text("".join((out / f).read_text(encoding="utf-8")
                            for f in ("det_pairs.jsonl", "det_pages.jsonl", "det_clean.jsonl")), encoding="utf-8")
    return path


@needs_real
def test_confidence_bins_count_every_edit_of_the_spinner_pairs(run):
    res, out = run
    spinner = {r["id"] for r in rows_of(REAL / "pairs.jsonl") if r["channel"] == "spinner"}
    edits = [e for r in rows_of(out / "fix_pairs.jsonl") if r["id"] in spinner for e in r["edits"]]
    assert edits  # the dictionaries alone find some on the spinner pairs
    conf = res["confidence"]
    assert conf["edits"] == len(edits) and conf["applied"] == sum(e["applied"] for e in edits)
    by_source = Counter(e["source"] for e in edits)
    assert set(conf["bins"]) == set(by_source) | {"all"}
    for source, rows in conf["bins"].items():
        assert [r["bin"] for r in rows] == ["0.0-0.3", "0.3-0.5", "0.5-0.7", "0.7-0.8", "0.8-0.9", "0.9-1.0"]
        want = len(edits) if source == "all" else by_source[source]
        assert sum(r["edits"] for r in rows) == want
        for r in rows:
            assert 0 <= r["right"] <= r["edits"] and 0 <= r["applied"] <= r["edits"]
            if r["edits"]:
                assert r["lo"] <= r["mean_confidence"] <= r["hi"]
    assert sum(r["right"] for r in conf["bins"]["all"]) == conf["right"]


@needs_real
def test_spinner_families_are_the_detect_records_of_every_thesaurus_spun_page(run):
    res, out = run
    want = ([r["id"] for r in rows_of(REAL / "pairs.jsonl") if r["channel"] == "spinner"]
            + [r["id"] for r in rows_of(REAL / "spun_pages.jsonl") if r["channel"] == "spinner"])
    fams = res["spinner_families"]
    assert sorted(f["id"] for f in fams) == sorted(want)
    det = {r["id"]: r for name in ("det_pairs", "det_pages") for r in rows_of(out / f"{name}.jsonl") if "id" in r}
    for f in fams:
        g = det[f["id"]]["spinner"]
        if g is None:
            assert f["family"] == "-" and f["spans"] is None
        else:
            assert (f["family"], f["probability"], f["spans"]) == (g["family"], g["probability"], g["spans"])


@needs_real
def test_an_edit_is_right_when_the_scorer_aligns_it_with_a_gold_edit():
    from restore_dev import shared_scorer

    real = load_module("real_eval", ROOT / "scripts" / "eval" / "real.py")
    sc = shared_scorer.module(SCORER)
    spun = "The White Dwelling has mentioned so very last 7 days."
    gold = {"a": {"spun": spun, "original": "The White House has said so last week."}}
    # gold edits (the scorer's): Dwelling -> House, mentioned -> said, delete "very", "7 days" -> week
    found = [Edit(10, 18, "Dwelling", "House", "model", 1.0),                            # right (the last bin holds 1)
             Edit(23, 32, "mentioned", "stated", "model", 0.85),                         # wrong
             Edit(23, 32, "mentioned", "said", "model", 0.6, applied=False),            # right, in place of "stated"
             Edit(46, 52, "7 days", "a week", "model", 0.75, applied=False),            # wrong
             Edit(36, 52, "very last 7 days", "last week", "model", 0.4, applied=False),  # right: two gold edits
             Edit(36, 52, "very last 7 days", "last month", "dictionary", 0.2, applied=False)]  # one of two gold
    from restore.edits.apply import apply_edits

    system = {"a": {"restored": apply_edits(spun, found), "edits": [e.to_dict() for e in found]}}
    got = real.confidence_bins(sc, gold, system)
    assert (got["edits"], got["applied"], got["right"], got["applied_right"]) == (6, 2, 3, 1)
    rights = {r["bin"]: (r["edits"], r["right"]) for r in got["bins"]["model"]}
    assert rights == {"0.0-0.3": (0, 0), "0.3-0.5": (1, 1), "0.5-0.7": (1, 1), "0.7-0.8": (1, 0),
                      "0.8-0.9": (1, 0), "0.9-1.0": (1, 1)}
    assert [(r["edits"], r["right"]) for r in got["bins"]["dictionary"]][0] == (1, 0)
    assert [r["edits"] for r in got["bins"]["all"]] == [1, 1, 1, 1, 1, 1]


def test_missing_data_is_exit_2_naming_the_path(tmp_path, run_script):
    missing = tmp_path / "no_real_here"
    p = run_script("eval/real.py", "--real", missing, "--no-model")
    assert p.returncode == 2 and str(missing) in p.stderr and not p.stdout


@needs_real
def test_clean_extra_pages_get_the_clean_news_figures(run):
    res, out = run
    extra, clean = res["clean_extra"], res["clean_news"]
    assert extra["pages"] == EXTRA and extra["file"].endswith("extra.jsonl")
    first = [r["id"] for r in rows_of(REAL / "clean_news.jsonl")[:EXTRA]]
    # the same texts: the same pages changed and called spun as in clean_news.jsonl
    assert extra["called_spun_ids"] == sorted("again-" + k for k in clean["called_spun_ids"] if k in first)
    assert extra["changed_ids"] == sorted("again-" + k for k in clean["changed_ids"] if k in first)
    assert {r["id"] for r in rows_of(out / "gold_extra.jsonl")} == {"again-" + k for k in first}
    assert len(rows_of(out / "fix_extra.jsonl")) == len(rows_of(out / "det_extra.jsonl")) == EXTRA
