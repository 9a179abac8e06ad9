"""restore.text.language: a text that is clearly not English is not checked (left as it is, with a reason);
English text, including tables of figures, foreign names and quoted phrases, always is."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from restore.text import language as L
from restore.cli import app
from restore.config import Config
from restore.pipeline import detect, restore_and_explain, signature_of

FIX = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]
NOT_ENGLISH = [json.loads(line) for line in (FIX / "not_english.jsonl").read_text(encoding="utf-8").splitlines()]
FRENCH = next(r["text"] for r in NOT_ENGLISH if r["id"] == "fr-1")

ENGLISH = [
    # tables of figures: almost no function words of any language ("NA": not available)
    "Shr 12 cts vs NA\n\nNet 1,204,000 vs NA\n\nRevs 45.6 mln vs 39.1 mln\n\nAvg shrs 9.6 mln vs 9.1 mln",
    # foreign names and phrases inside English prose
    "French President Emmanuel Macron met Charles de Gaulle's grandson at the Élysée Palace on Tuesday, "
    "Le Monde reported, in a visit that aides described as private.",
    "Spain's El País newspaper said the talks in Los Angeles and San José had failed, while Brazil's "
    "O Globo called them a success for the region.",
    "The menu listed coq au vin, boeuf bourguignon and crème brûlée, and the waiter said the chef "
    "would come out to greet us after dessert.",
    # contractions: "ve", "ll", "re" are not words of another language
    "I've been thinking about it, and I don't think we'll make it in time. We're going to be late, aren't we?",
    # spun English is English
    "Human Legal rights Observe mentioned on Monday that the strategy was unfair, NBC Information stated.",
]


@pytest.mark.parametrize("rec", NOT_ENGLISH, ids=[r["id"] for r in NOT_ENGLISH])
def test_texts_in_other_languages_are_not_english(rec):
    c = L.check_language(rec["text"])
    assert not c.english
    assert c.reason.startswith("not English: ")


@pytest.mark.parametrize("text", ENGLISH)
def test_english_texts_are_english(text):
    c = L.check_language(text)
    assert c.english, c.reason
    assert c.reason == ""


def test_the_committed_english_texts_are_english():
    texts = [(FIX / n).read_text(encoding="utf-8") for n in ("clean.txt", "spun.txt")]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples").glob("*.txt"))]
    texts += [json.loads(line)["input"] for line in (ROOT / "tests/cases/golden.jsonl").read_text().splitlines()
              if line.strip()]
    assert len(texts) > 10
    for t in texts:
        assert L.check_language(t).english, t[:80]


def test_each_sign_alone_decides(monkeypatch):
    """The three signs, each shown to be what calls its text not English."""
    finnish = ("Hallitus esitti tiistaina uuden lain, jonka tarkoituksena on vähentää byrokratiaa ja "
               "helpottaa pienten yritysten toimintaa.")
    russian = "Правительство объявило во вторник о новых мерах поддержки малого бизнеса."
    assert "function words of other languages" in L.check_language(FRENCH).reason
    assert "English word counts" in L.check_language(finnish).reason
    assert "not Latin" in L.check_language(russian).reason
    monkeypatch.setattr(L, "MIN_FOREIGN", 10**6)
    assert "function words of other languages" not in L.check_language(FRENCH).reason  # sign 2 may take it
    monkeypatch.setattr(L, "MIN_KNOWN_SHARE", 0.0)
    assert L.check_language(finnish).english
    monkeypatch.setattr(L, "MAX_OTHER_SCRIPT_SHARE", 1.0)
    assert L.check_language(russian).english


def test_a_lower_case_i_is_not_the_english_pronoun():
    danish = ("Politiet har anholdt to mænd i forbindelse med et røveri i en butik i centrum af byen, "
              "og ingen kom til skade.")
    assert L.check_language(danish).english_words == 1  # "to"; not the three "i"s
    assert L.check_language("I think I can, said I, and so I did.").english_words == 9  # all but "think"


def test_a_short_text_is_too_short_to_tell_unless_its_script_says():
    assert L.check_language("Le chat est noir.").english  # 4 words
    assert L.check_language("政府周二宣布了一系列支持小企业的新措施。").english  # 19 letters
    long = "政府周二宣布了一系列支持小企业的新措施，以应对能源价格上涨带来的压力。"  # 33 letters, 2 "words"
    assert not L.check_language(long).english


# ---------------------------------------------------------------- the pipeline and the CLI
def test_a_text_that_is_not_english_comes_back_unchanged_with_the_reason():
    r = restore_and_explain(FRENCH)
    assert r.text == FRENCH and r.edits == () and r.spans == ()
    assert r.spun_score == 0.0
    assert r.skipped is not None and r.skipped.startswith("not English")
    assert r.to_dict()["skipped"] == r.skipped
    d = detect(FRENCH)
    assert d.spans == () and d.spun_score == 0.0 and d.skipped == r.skipped


def test_check_language_off_checks_it_as_english():
    """The shipped detector flags French words as spun: that is why the check exists."""
    cfg = Config(check_language=False, use_model=False)
    d = detect(FRENCH, cfg)
    assert d.skipped is None
    assert d.spans, "the detector no longer flags this French text: the check may not be needed"
    assert "lang:any" in signature_of(cfg) and "lang:any" not in signature_of(Config(use_model=False))


def test_english_results_have_no_skipped_key():
    r = restore_and_explain("Human rights groups said on Monday that the plan was unfair.", Config(use_model=False))
    assert r.skipped is None and "skipped" not in r.to_dict()


def test_cli_warns_naming_the_file_and_line_and_goes_on(tmp_path):
    runner = CliRunner()
    src = tmp_path / "mixed.jsonl"
    src.write_text(json.dumps({"text": FRENCH}) + "\n"
                   + json.dumps({"text": "Human rights groups said on Monday that the plan was unfair."}) + "\n",
                   encoding="utf-8")
    res = runner.invoke(app, ["fix", "--no-detector", "--no-model", str(src)])
    assert res.exit_code == 0, res.output
    recs = [json.loads(line) for line in res.stdout.splitlines()]
    assert recs[0]["restored"] == FRENCH and recs[0]["skipped"].startswith("not English")
    assert "skipped" not in recs[1]
    assert f"restore: warning: {src}:1: not checked: not English" in res.stderr
    assert ":2:" not in res.stderr

    txt = tmp_path / "fr.txt"
    txt.write_text(FRENCH, encoding="utf-8")
    res = runner.invoke(app, ["detect", "--no-detector", str(txt)])
    assert res.exit_code == 0
    assert res.stdout.strip().endswith(")") and "spun_score 0.00 (not checked: not English" in res.stdout
    assert f"{txt}: not checked" in res.stderr
    res = runner.invoke(app, ["detect", "--no-detector", "--any-language", str(txt)])
    assert "not checked" not in res.stdout + res.stderr


def test_no_document_of_the_shared_corpus_is_called_not_english(shared):
    n = 0
    for path in sorted((shared / "data" / "corpus").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    n += 1
                    text = json.loads(line)["text"]
                    assert L.check_language(text).english, (path.name, text[:80])
    assert n > 20_000


# ---------------------------------------------------------------- paragraphs of an English text
BILINGUAL = ("The federal government announced new support for farmers on Tuesday, the agriculture minister "
             "said in Ottawa.\n\n"
             "Le gouvernement fédéral a annoncé mardi de nouvelles mesures pour soutenir les agriculteurs "
             "touchés par la sécheresse, a déclaré le ministre à Ottawa.\n\n"
             "The minister said the money would be paid before the end of the month, and banks had agreed "
             "to delay loan payments.\n")
FR_START = BILINGUAL.index("Le gouvernement")
FR_END = BILINGUAL.index("Ottawa.\n\nThe minister") + len("Ottawa.")


def test_foreign_paragraphs_are_found_only_in_texts_of_several_paragraphs():
    assert [(a, b) for a, b, _ in L.foreign_paragraphs(BILINGUAL)] == [(FR_START, FR_END)]
    assert L.foreign_paragraphs(FRENCH) == []  # one paragraph: judged whole by check_language
    assert L.foreign_paragraphs("First English paragraph here.\n\nSecond English paragraph, also here.") == []


def test_a_paragraph_that_is_not_english_is_left_alone_and_the_rest_is_checked():
    on = detect(BILINGUAL)
    off = detect(BILINGUAL, Config(check_language=False, use_model=False))
    assert on.skipped is None
    assert [(a, b) for a, b, _ in on.unchecked] == [(FR_START, FR_END)]
    assert not [s for s in on.spans if FR_START <= s.start < FR_END]
    assert [s for s in off.spans if FR_START <= s.start < FR_END], "the detector no longer flags the French"
    assert on.spun_score < off.spun_score
    assert on.to_dict()["unchecked"] == [{"start": FR_START, "end": FR_END, "reason": on.unchecked[0][2]}]
    r = restore_and_explain(BILINGUAL)
    assert r.unchecked == on.unchecked
    assert not [e for e in r.edits if FR_START <= e.start < FR_END]
    assert r.text[FR_START:FR_END] == BILINGUAL[FR_START:FR_END]


def test_english_texts_read_the_same_with_the_check_on_or_off():
    text = (FIX / "spun.txt").read_text(encoding="utf-8")
    on, off = detect(text, Config(use_model=False)), detect(text, Config(check_language=False, use_model=False))
    assert on.unchecked == () and on.spans == off.spans and on.spun_score == off.spun_score
    assert "unchecked" not in on.to_dict()


def test_cli_names_the_paragraphs_line(tmp_path):
    runner = CliRunner()
    txt = tmp_path / "bi.txt"
    txt.write_text(BILINGUAL, encoding="utf-8")
    res = runner.invoke(app, ["detect", "--no-detector", str(txt)])
    assert res.exit_code == 0
    assert f"restore: warning: {txt}:3: paragraph not checked: not English" in res.stderr
    page = runner.invoke(app, ["detect", "--no-detector", "--format", "html", str(txt)]).stdout
    assert "(clean; 1 paragraph not English, not checked)" in page
    src = tmp_path / "bi.jsonl"
    src.write_text(json.dumps({"text": BILINGUAL}) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["fix", "--no-detector", "--no-model", str(src)])
    assert f"{src}:1: paragraph at line 3 of its text not checked" in res.stderr
    rec = json.loads(res.stdout)
    assert rec["unchecked"][0]["start"] == FR_START and rec["restored"] == BILINGUAL
