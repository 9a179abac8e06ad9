"""Counts of scientific prose (scripts/data/build_science_counts.py -> restore/data/science_counts.tsv.gz,
restore.fix.terms.science_count) and the stack's cache of LM features (scripts/train/train_terms_lm.py)."""
from __future__ import annotations

import gzip
import importlib.util
import io
import sys
import tarfile
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from restore.fix.terms import FEATURES, SCIENCE_FEATURES, STOP, WORD, science_count

ROOT = Path(__file__).resolve().parents[1]


def _script(name: str, *parts: str):
    spec = importlib.util.spec_from_file_location(name, ROOT.joinpath(*parts, f"{name}.py"))
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # (its dataclasses look their module up)
    sys.path.insert(0, str(ROOT.joinpath(*parts)))
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(str(ROOT.joinpath(*parts)))
    return mod


build = _script("build_science_counts", "scripts", "data")

PY = b'''"""Fit a random forest.

The random forest averages decision trees (see the support vector machine docs).
"""
random_forest = RandomForest(n_estimators=10)  # the random forest of the example
label = "decision trees"
'''


def test_python_files_give_only_their_prose():
    got = build.python_prose(PY)
    assert any("averages decision trees" in t for t in got)  # the docstring
    assert any("the random forest of the example" in t for t in got)  # the comment
    assert '"decision trees"' in got  # a string with a space in it
    assert not any("n_estimators" in t for t in got)  # code is not prose


def test_runs_are_cut_at_punctuation_and_function_words():
    counts: Counter = Counter()
    n = build.count_runs(["The random forest, a support-vector machine; of the trees."], counts, WORD, STOP)
    assert n == 10
    assert counts["random forest"] == 1 and counts["support vector machine"] == 1  # hyphens as spaces
    assert counts["vector machine"] == 1 and counts["support vector"] == 1
    assert "forest support" not in counts  # not across a comma
    assert "machine of the trees" not in counts and "the random" not in counts  # no function word at an end
    assert "random forest support vector" not in counts


def test_the_table_is_built_from_archives_already_downloaded(tmp_path):
    dl = tmp_path / "dl"
    dl.mkdir()
    with zipfile.ZipFile(dl / "forestpkg-1.0-py3-none-any.whl", "w") as z:
        z.writestr("forestpkg/__init__.py", PY)
        z.writestr("forestpkg/README.md", "A random forest and a random forest again.")
        z.writestr("forestpkg/data.csv", "random forest,random forest")  # not prose: not read
    raw = b"Support vector machines and a support vector machine."
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        info = tarfile.TarInfo("svmpkg-2.0/docs/index.rst")
        info.size = len(raw)
        t.addfile(info, io.BytesIO(raw))
    (dl / "svmpkg-2.0.tar.gz").write_bytes(buf.getvalue())
    pkgs = tmp_path / "packages.txt"
    pkgs.write_text("forestpkg==1.0  # trees\nsvmpkg==2.0\n")
    out = tmp_path / "counts.tsv.gz"
    assert build.main(["--packages", str(pkgs), "--download-dir", str(dl), "--out", str(out)]) == 0
    rows = [line.split("\t") for line in gzip.decompress(out.read_bytes()).decode().splitlines()]
    table = {k: int(v) for k, v in rows}
    assert table["random forest"] == 5  # 3 in the Python file's prose, 2 in the README, none in the CSV
    assert table["support vector"] == 3  # the docstring's, and the tar's twice
    assert "vector machines" not in table  # seen once: under --min-count 2
    assert [k for k, _ in rows] == sorted(table)
    first = out.read_bytes()
    build.main(["--packages", str(pkgs), "--download-dir", str(dl), "--out", str(out)])
    assert out.read_bytes() == first  # the same archives, the same bytes


def test_glossaries_give_their_names_synonyms_and_definitions(tmp_path):
    import json

    zstandard = pytest.importorskip("zstandard")
    dl = tmp_path / "dl"
    dictd = dl / "dict-fake" / "usr" / "share" / "dictd"  # an apt package already unpacked: not fetched again
    dictd.mkdir(parents=True)
    (dictd / "fake.dict.gz").write_bytes(gzip.compress(
        b"public key infrastructure\n\n   A public key\n   infrastructure binds keys.\n\nsecure shell\n"))
    obo = (b'[Term]\nid: HP:1\nname: Sleep apnea\ndef: "Sleep apnea is a pause." [PMID:1]\n'
           b'synonym: "sleep apnoea" EXACT []\nis_a: HP:0 ! sleep apnea parent\n')
    onto = json.dumps({"X:1": {"label": "fatty acid", "description": "A fatty acid, an acid.",
                               "synonyms": ["fatty acids"], "deprecated": False}}).encode()
    with zipfile.ZipFile(dl / "ontopkg-1.0-py3-none-any.whl", "w") as z:
        z.writestr("ontopkg/hp.obo", obo)
        z.writestr("ontopkg/o.json.zst", zstandard.ZstdCompressor().compress(onto))
    listing = tmp_path / "glossaries.txt"
    listing.write_text("# where spec reader member\n"
                       "apt dict-fake=1.0 dictd usr/share/dictd/fake.dict.gz\n"
                       "pip ontopkg==1.0 obo ontopkg/hp.obo  # phenotypes\n"
                       "pip ontopkg==1.0 ontology ontopkg/o.json.zst\n")
    pkgs = tmp_path / "packages.txt"
    pkgs.write_text("")
    out = tmp_path / "counts.tsv.gz"
    assert build.main(["--packages", str(pkgs), "--download-dir", str(dl), "--out", str(out),
                       "--glossaries", str(listing), "--min-count", "1"]) == 0
    table = dict(line.split("\t") for line in gzip.decompress(out.read_bytes()).decode().splitlines())
    assert table["public key infrastructure"] == "2"  # the head word and the definition, across its line break
    assert table["sleep apnea"] == "2" and table["sleep apnoea"] == "1"  # name and definition; the synonym
    assert "apnea parent" not in table  # the obo's other lines are not read
    assert table["fatty acid"] == "2" and table["fatty acids"] == "1"
    with pytest.raises(ValueError, match="unknown glossary reader"):
        list(build.glossary_texts("csv", b""))


def test_the_shipped_table_knows_terms_and_not_their_tortured_forms():
    assert science_count("random forest") > 10 and science_count("support vector machine") > 10
    assert science_count("irregular woodland") == 0 and science_count("haphazard timberland") == 0
    assert set(SCIENCE_FEATURES) == {"science_window", "science_term"} <= set(FEATURES)


def test_the_stacks_cache_is_reused_only_for_the_same_candidates():
    lm = _script("train_terms_lm", "scripts", "train")
    cached = [[7, [0.1] * 7], [9, [0.2] * 7]]
    head = [(0.9, {"n": 9}), (0.4, {"n": 7})]
    assert lm.fresh(cached, head, 7)  # the same candidates, in another order
    assert not lm.fresh(cached, [(0.9, {"n": 9}), (0.5, {"n": 8})], 7)  # another term model put another first
    assert not lm.fresh(cached, head, 8)  # features of another length
    assert not lm.fresh(None, head, 7)
    # a cache written against another rows file: its runs are put on this one's rows by their terms
    rows = [(0.9, {"n": 40, "term": "random forest"}), (0.4, {"n": 41, "term": "random woodland"})]
    moved = lm.by_terms(cached, ["random woodland", "random forest"], rows)
    assert moved == [[40, [0.2] * 7], [41, [0.1] * 7]] and lm.fresh(moved, rows, 7)
    assert lm.by_terms(cached, ["random woodland", "other"], rows) is None
