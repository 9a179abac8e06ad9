"""Document-level splits: deterministic, disjoint, ~90/5/5; and the spin script's record format."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

import restore_dev.splits
from restore_dev import gold_sets as sp

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ms():
    return restore_dev.splits


def fake_docs(n: int):
    return [{"id": f"doc-{i}", "source": "x", "title": f"T{i}", "text": f"Text {i}.\n\nMore."} for i in range(n)]


def test_split_of_deterministic(ms):
    assert all(ms.split_of(f"a{i}") == ms.split_of(f"a{i}") for i in range(100))
    assert ms.split_of("abc", 13) in {"train", "dev", "test"}


def test_split_shares_and_disjoint(ms):
    docs = fake_docs(20000)
    out = ms.make_splits(docs, seed=13)
    counts = Counter({k: len(v) for k, v in out.items()})
    assert sum(counts.values()) == 20000
    assert 0.88 < counts["train"] / 20000 < 0.92
    assert 0.04 < counts["dev"] / 20000 < 0.06
    assert 0.04 < counts["test"] / 20000 < 0.06
    ids = [r["id"] for v in out.values() for r in v]
    assert len(ids) == len(set(ids))


def test_split_independent_of_order(ms):
    docs = fake_docs(500)
    a = ms.make_splits(docs, 13)
    b = ms.make_splits(list(reversed(docs)), 13)
    assert a == b
    c = ms.make_splits(docs, 14)
    assert c != a


def test_duplicate_ids_rejected(ms):
    with pytest.raises(ValueError):
        ms.make_splits(fake_docs(3) + fake_docs(1), 13)


def test_truncate_paragraphs():
    text = "one two three\n\nfour five\n\nsix seven eight nine"
    assert sp.truncate_paragraphs(text, None) == text
    assert sp.truncate_paragraphs(text, 5) == "one two three\n\nfour five"
    assert sp.truncate_paragraphs(text, 1) == "one two three"


def test_spin_script_records(tmp_path, run_script):
    inp = tmp_path / "in.jsonl"
    with open(inp, "w") as fh:
        for i in range(20):
            fh.write(json.dumps({"id": f"d{i}", "text": "The company said its annual profit rose.\n\n"
                                 "Officials may announce a trade deal next week."}) + "\n")
    out = tmp_path / "out.jsonl"
    p = run_script("data/spin.py", "--input", inp, "--out", out, "--preset", "heavy", "--seed", "3",
                   "--clean-share", "0.3", "--spins-per-doc", "2", "--max-docs", "10")
    assert p.returncode == 0, p.stderr
    rows = [json.loads(x) for x in open(out)]
    assert len(rows) == 20 and len({r["id"] for r in rows}) == 20
    clean = [r for r in rows if r["spun"] == r["original"]]
    assert any(r["preset"] == "clean" and r["edits"] == [] for r in clean)
    for r in rows:
        assert set(r) == {"id", "spun", "original", "preset", "edits"}
        rebuilt, pos = [], 0
        for s0, s1, o0, o1 in r["edits"]:
            rebuilt += [r["original"][pos:o0], r["spun"][s0:s1]]
            pos = o1
        rebuilt.append(r["original"][pos:])
        assert "".join(rebuilt) == r["spun"]
    # same seed, same output
    out2 = tmp_path / "out2.jsonl"
    run_script("data/spin.py", "--input", inp, "--out", out2, "--preset", "heavy", "--seed", "3",
               "--clean-share", "0.3", "--spins-per-doc", "2", "--max-docs", "10")
    assert out.read_text() == out2.read_text()


def test_real_splits_disjoint(shared):
    splits = ROOT / "data" / "splits"
    if not (splits / "train.jsonl").exists():
        pytest.skip("data/splits not generated (scripts/data/make_splits.py)")
    ids = {}
    for name in ("train", "dev", "test"):
        with open(splits / f"{name}.jsonl") as fh:
            ids[name] = {json.loads(line)["id"] for line in fh}
    assert not (ids["train"] & ids["dev"]) and not (ids["train"] & ids["test"]) and not (ids["dev"] & ids["test"])
