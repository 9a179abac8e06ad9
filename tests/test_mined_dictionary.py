"""The mined news dictionary restore/data/news_mined.tsv (scripts/data/mine_dictionary.py)."""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from restore.fix.dictionary import Lexicon
from restore.text.tokenize import split_phrase

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEV = REPO / "data" / "splits" / "dev.jsonl"


@pytest.fixture(scope="module")
def text() -> str:
    return resources.files("restore.data").joinpath("news_mined.tsv").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def lex(text) -> Lexicon:
    lx = Lexicon()
    lx.add_tsv(text, "news_mined")
    return lx


def test_parses_with_the_lexicon_loader(text, lex):
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    assert lines[0].split("\t")[0] == "spun"
    assert 1000 < len(lex) <= 30000
    assert len(lex) == len(lines) - 1  # every entry is distinct and none is a no-op


def test_columns_and_confidence(text):
    for ln in text.splitlines()[1:]:
        if ln.startswith("#"):
            continue
        spun, canon, src, conf = ln.split("\t")
        assert src.startswith("mined:")
        assert 0.3 <= float(conf) <= 1.0
        assert spun == spun.lower()


def test_no_entry_maps_a_phrase_to_itself(lex):
    for e in lex.entries():
        assert split_phrase(e.spun) != split_phrase(e.canonical), e


def test_known_spun_names_are_found(lex):
    for spun, canon in [("white dwelling", "White House"), ("innovative guards", "Revolutionary Guards"),
                        ("nbc information", "NBC News"), ("getty visuals", "Getty Images")]:
        e = lex.lookup(spun)
        assert e is not None and e.canonical.lower() == canon.lower(), spun


@pytest.mark.skipif(not SHARED.is_dir() or not DEV.is_file(), reason="needs ../shared and data/splits")
def test_no_entry_fires_on_clean_dev_paragraphs(lex):
    paras = []
    with DEV.open(encoding="utf-8") as fh:
        for line in fh:
            for p in json.loads(line)["text"].split("\n\n"):
                if p.strip():
                    paras.append(p)
            if len(paras) >= 200:
                break
    paras = paras[:200]
    assert len(paras) == 200
    fired = [(m.entry.spun, p[:60]) for p in paras for m in lex.match(p)]
    assert fired == []
