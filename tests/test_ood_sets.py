"""scripts/data/make_ood_sets.py (restore_dev/ood_sets.py): out-of-domain sources become valid gold sets (the spin script's format)."""
from __future__ import annotations

import json

import pytest

from restore_dev import ood_sets as ood

LEE_LINE = ("Hundreds of people have been forced to leave their homes in the Southern Highlands as strong "
            "winds today pushed a huge bushfire towards the town. A new blaze near Goulburn, south-west of "
            "Sydney, has forced the closure of the highway, and residents have been told to stay indoors.")


def test_prose_keeps_plain_paragraphs_only():
    assert ood.prose(LEE_LINE) == LEE_LINE
    assert ood.prose("Too short to judge a document by.") is None
    assert ood.prose(LEE_LINE + " See https://example.org for more.") is None
    assert ood.prose(LEE_LINE + " Call f(x) with x = [1, 2].") is None
    assert ood.prose("  ".join(LEE_LINE.split(" "))) == LEE_LINE  # whitespace is folded


def test_pydoc_source_is_prose():
    docs = ood.pydoc_docs()
    assert len(docs) > 100
    assert all(ood.prose(d["text"]) == d["text"] for d in docs)
    assert len({d["id"] for d in docs}) == len(docs)


def test_sets_are_gold_records(tmp_path, run_script):
    lee = tmp_path / "lee"
    lee.mkdir()
    (lee / "lee_background.cor").write_text(LEE_LINE + "\n" + LEE_LINE.replace("Goulburn", "Mittagong") + "\nshort\n")
    (lee / "lee.cor").write_bytes((LEE_LINE.replace("bushfire", "fire") + " It cost \xa35.\n").encode("latin-1"))
    out = tmp_path / "ood"
    p = run_script("data/make_ood_sets.py", "--out", out, "--lee", lee, "--max-docs", "20")
    assert p.returncode == 0, p.stderr
    src = [json.loads(x) for x in (out / "lee.jsonl").read_text().splitlines()]
    assert [d["id"] for d in src] == ["lee:lee_background.cor:0", "lee:lee_background.cor:1", "lee:lee.cor:0"]
    assert src[2]["text"].endswith("It cost \xa35.")
    for source, n in (("lee", 3), ("pydoc", 20)):
        clean = [json.loads(x) for x in (out / f"{source}_clean.jsonl").read_text().splitlines()]
        assert len(clean) == n and all(r["spun"] == r["original"] and r["edits"] == [] for r in clean)
        spun = [json.loads(x) for x in (out / f"{source}_mixture.jsonl").read_text().splitlines()]
        assert len(spun) == n and any(r["edits"] for r in spun)
        for r in spun:  # each edit's spans point into the spun and the original text
            for s0, s1, o0, o1 in (e[:4] for e in r["edits"]):
                assert 0 <= s0 <= s1 <= len(r["spun"]) and 0 <= o0 <= o1 <= len(r["original"])
        assert (out / f"{source}_clean_mixed.jsonl").is_file() and (out / f"{source}_light.jsonl").is_file()
    # long texts: several source documents joined by blank lines, spun with half left clean
    texts = {d["text"] for d in src}
    long_src = [json.loads(x) for x in (out / "lee_long.jsonl").read_text().splitlines()]
    assert len(long_src) == ood.LONG_DOCS and long_src[0]["id"] == "lee:long:0"
    assert all(len(d["text"].split("\n\n")) == 3 and set(d["text"].split("\n\n")) == texts for d in long_src)
    for set_name in ("long_light", "long_mixture"):
        recs = [json.loads(x) for x in (out / f"lee_{set_name}.jsonl").read_text().splitlines()]
        assert [r["id"] for r in recs] == [d["id"] for d in long_src]
        assert any(r["spun"] == r["original"] for r in recs) and any(r["edits"] for r in recs)


def test_missing_lee_file_names_it(tmp_path):
    with pytest.raises(SystemExit, match="lee_background.cor"):
        ood.write_sets(tmp_path / "o", tmp_path)
