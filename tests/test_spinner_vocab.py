"""Real spinners' vocabulary (restore.fix.spinner_vocab, scripts/data/build_spinner_vocab.py): how
sure a wording is spun, where it is looked up, what it changes in the pipeline and what it never does."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from restore.fix import spinner_vocab
from restore.fix.spinner_vocab import Vocabulary, load, parse, vocab_confidence

ROOT = Path(__file__).resolve().parents[1]
TABLE = """# a comment
inventory\tstock|supply\t54\t13\t115.4
12 months\tyear|months\t22\t7\t38.9
buying and selling\ttrading|selling\t24\t11\t1069.9
mentioned\tsaid|noted\t35\t12\t42.5
forecasted\testimated\t4\t2\t12.0
"""


def test_rho_of_a_span_is_its_surest_listed_wording_and_weak_ones_do_not_count():
    v = parse(TABLE)
    assert v.rho_of("inventory") == pytest.approx(115.4)
    assert v.rho_of("The Inventory market") == pytest.approx(115.4)   # whole words, any case
    assert v.rho_of("officers mentioned") == pytest.approx(42.5)
    assert v.rho_of("forecasted") is None                             # rho 12 < MIN_RHO
    assert v.rho_of("inventories") is None                            # not a listed word
    assert v.signature.startswith("spinner_vocab@") and v.signature != parse(TABLE + "x\ty\t3\t2\t30\n").signature


def test_occurrences_take_the_longest_wording_of_joined_words_only():
    v = parse(TABLE)
    text = "Buying and selling rose 12 months ago; inventory\u2019s fell, it mentioned. Buying and\nselling."
    got = [(text[a:b], origs, rho) for a, b, origs, rho in v.occurrences(text)]
    assert got == [("Buying and selling", ("trading", "selling"), pytest.approx(1069.9)),
                   ("12 months", ("year", "months"), pytest.approx(38.9)),
                   ("mentioned", ("said", "noted"), pytest.approx(42.5))]
    # "inventory’s" is one word (not "inventory"); a line break inside a wording is not the wording
    # what the pipeline may act on: none touching a range given, none with a number
    free = [text[a:b] for a, b, _o, _r in v.occurrences(text, outside=[(0, 6)])]
    assert free == ["mentioned"]
    assert [text[a:b] for a, b, _o, _r in v.occurrences(text, outside=[])] == ["Buying and selling", "mentioned"]


def test_confidence_is_the_models_own_times_the_share_a_spinner_wrote():
    assert vocab_confidence(0.7, 0.9, 100.0) == pytest.approx(0.891)
    assert vocab_confidence(0.85, 0.6, 100.0) == 0.85                 # never lower than the pipeline's
    assert vocab_confidence(0.0, 1.0, 1e9) == spinner_vocab.CAP       # at most CAP
    assert vocab_confidence(0.0, 0.9, 20.0) == pytest.approx(0.855)


def test_the_shipped_table_reads_and_holds_wordings_only():
    v = load()
    assert v is not None and v.signature.startswith("spinner_vocab@")
    assert len(v.entries) >= 50
    assert all(1 <= len(k) <= 3 and origs and rho >= 10 for k, (origs, rho) in v.entries.items())
    strong = {" ".join(k) for k, (_o, rho) in v.entries.items() if rho >= spinner_vocab.MIN_RHO}
    assert {"mentioned", "buying and selling", "yr"} <= strong
    head = (ROOT / "restore" / "data" / spinner_vocab.TABLE).read_text(encoding="utf-8").splitlines()[0]
    assert "no page text kept" in head


def _pages(path: Path, rows: list[dict]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def _real(tmp: Path, excluded: str = "") -> Path:
    real = tmp / "real"
    real.mkdir()
    (real / "EXCLUDED.txt").write_text("# kept aside\nkeptaside.example\n" + excluded, encoding="utf-8")
    (real / "pairs.jsonl").write_text(json.dumps({"id": "d", "spun_url": "https://devsite.example/a"}) + "\n")
    return real


def _corpus(tmp: Path) -> Path:
    corpus = tmp / "corpus"
    corpus.mkdir()
    text = "The minister said the plan would work. " * 300 + "Officials said prices rose. " * 200
    with gzip.open(corpus / "c.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": text}) + "\n")
    return corpus


def _build(tmp: Path, pages: str, real: Path, corpus: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "data" / "build_spinner_vocab.py"), "--pages", pages,
                           "--real", str(real), "--corpus", str(corpus), "--out", str(tmp / "out.tsv")],
                          capture_output=True, text=True, cwd=ROOT)


def test_the_builder_finds_a_surging_wording_whose_head_word_vanished(tmp_path):
    topics = {"harbour": "red blue green grey pink gold", "school": "cat dog cow pig hen fox",
              "railway": "oak elm ash yew fir box"}  # three articles: no run of 8 words in common
    pages = _pages(tmp_path / "p.jsonl", [
        {"role": "spun", "url": f"https://site{i}.example/x",
         "text": " ".join(f"The minister mentioned {k} times that the {t} plan would work. Officials of the {t} "
                          f"mentioned prices rose {k}." for k in ks.split())}
        for i, (t, ks) in enumerate(topics.items())])
    p = _build(tmp_path, pages, _real(tmp_path), _corpus(tmp_path))
    assert p.returncode == 0, p.stderr
    rows = {ln.split("\t")[0]: ln.split("\t") for ln in (tmp_path / "out.tsv").read_text().splitlines()
            if not ln.startswith("#")}
    assert "said" in rows["mentioned"][1].split("|")
    assert float(rows["mentioned"][4]) >= 20 and rows["mentioned"][3] == "3"
    assert "minister" not in rows and "plan" not in rows      # as frequent as in clean text


def test_the_builder_refuses_pages_kept_aside_or_from_the_development_set(tmp_path):
    real, corpus = _real(tmp_path), _corpus(tmp_path)
    for url in ("https://news.keptaside.example/story", "https://devsite.example/other"):
        pages = _pages(tmp_path / "p.jsonl", [{"role": "spun", "url": url, "text": "It mentioned x."}])
        p = _build(tmp_path, pages, real, corpus)
        assert p.returncode != 0 and url in p.stderr


def test_the_pipeline_weighs_the_table_only_in_a_text_called_spun(monkeypatch):
    """A fake detector and restorer: the restorer is handed the vocabulary for a text the detector
    calls spun, not for one it calls clean, and not when the setting is off; the signature names the
    table only when it can act."""
    from fakes import FakeDetector, FakeRestorer, install

    from restore import Config, restore_and_explain
    from restore.types import Span

    text = "The inventory fell, officials mentioned."
    a = text.index("mentioned")
    for score, on, handed in ((0.99, True, True), (0.1, True, False), (0.99, False, False)):
        det = FakeDetector(lambda thr: [Span(a, a + 9, "mentioned", 0.9)], score=score)
        res = install(monkeypatch, det, FakeRestorer(lambda s: []))
        r = restore_and_explain(text, Config(builtin=False, passes=1, spinner_vocab=on))
        assert (res.vocab[0] is not None) == handed
        if handed:
            assert res.vocab[0].signature == load().signature
        assert ("|vocab:spinner_vocab@" in r.signature) == on


def test_the_restorer_is_asked_about_a_listed_wording_the_detector_missed(restorer):
    from restore import Config

    v = parse(TABLE)
    text = "Shares fell sharply on Monday as the inventory market slid, traders said."
    a = text.index("inventory")
    found = restorer.vocab_edits([(text, v, [])], Config())[0]
    taken = restorer.vocab_edits([(text, v, [(a, a + 3)])], Config())[0]
    digits = restorer.vocab_edits([("It rose 12 months ago and 12 months later.", v, [])], Config())[0]
    assert taken == [] and digits == []          # a wording in a range taken; one with a number
    (e,) = found
    assert (e.start, e.end, e.replacement, e.source) == (a, a + 9, "stock", "model")
    assert "a real spinner's wording: rho 115" in e.rule
    assert e.confidence <= spinner_vocab.CAP and e.applied == (e.confidence >= 0.8)


def test_a_listed_wording_no_span_touches_is_a_span_of_a_text_called_spun(monkeypatch):
    """detect: "mentioned" (listed) becomes a span of source "vocab" beside the detector's, in a text
    called spun only; a wording inside a detector span, or with a number, adds none."""
    from fakes import FakeDetector, FakeRestorer, install

    from restore import Config, detect
    from restore.types import Span

    text = "Buying and selling rose, officials mentioned, 12 months after the inventory fell."
    a = text.index("inventory")
    for score, on, want in ((0.99, True, True), (0.1, True, False), (0.99, False, False)):
        det = FakeDetector(lambda thr: [Span(a, a + 9, "inventory", 0.9)], score=score)
        install(monkeypatch, det, FakeRestorer(lambda s: []))
        d = detect(text, Config(builtin=False, use_model=False, spinner_vocab=on))
        got = [(s.text, s.source) for s in d.spans]
        extra = [("Buying and selling", "vocab"), ("mentioned", "vocab")] if want else []
        assert sorted(got) == sorted([("inventory", "detector")] + extra)
        for s in d.spans:
            if s.source == "vocab":
                assert 0.95 <= s.confidence < 1 and text[s.start:s.end] == s.text


def test_a_listed_wording_in_a_url_or_an_acronym_is_not_asked_about(restorer):
    from restore import Config

    v = parse(TABLE + "nasa\tspace agency\t5\t3\t90.0\n")
    text = "See www.inventory.com or mail inventory@example.com; NASA mentioned it."
    edits = restorer.vocab_edits([(text, v, [])], Config())[0]
    assert all(text[e.start:e.end] == "mentioned" for e in edits)


def test_the_builder_counts_spins_of_one_article_once_and_knows_names():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bsv", ROOT / "scripts" / "data" / "build_spinner_vocab.py")
    bsv = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bsv)
    one = "the company mentioned on monday that its quarterly outcomes had been better than anticipated"
    pages = [{"text": one, "group": "a"}, {"text": "Today " + one + " again.", "group": "b"},
             {"text": "an unrelated page about the weather and the sea", "group": "c"},
             {"text": "another page", "group": "c"}]
    s = bsv.stories_of(pages)
    assert s[0] == s[1] != s[2] == s[3]          # a shared run of 8 words; the same group
    para = "Republicans met. The Republicans mentioned it. U.S. officials met"
    assert [w for w, c in zip(bsv.words(para), bsv.capitalised(para)) if c] == ["republicans"]
