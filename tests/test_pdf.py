"""PDFs (restore/io/pdf.py): extraction of tests/fixtures/paper.pdf, `restore detect` and `restore fix`
on it, bad PDFs, the paper report (restore/report/paper.py) and its CSV summary, and the tortured
list's field terms (restore/data/tortured_field_terms.tsv)."""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from restore.cli import app
from restore.config import Config
from restore.errors import InputError
from restore.io.pdf import (assemble, expand_ligatures, is_page_number, keeps_hyphen, page_of, read_pdf,
                            strip_running_lines)
from restore.io.read import expand_paths, glob_patterns, iter_inputs, read_pdf_source
from restore.report.paper import SUMMARY_FIELDS, paper_report, risk_level
from restore.types import Detection, Span

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT / "tests" / "fixtures" / "paper.pdf"
FIELD_TERMS = ROOT / "restore" / "data" / "tortured_field_terms.tsv"


def _script():
    spec = importlib.util.spec_from_file_location("make_fixture_pdf", ROOT / "scripts" / "data" / "make_fixture_pdf.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def doc():
    return read_pdf_source(str(PAPER))


@pytest.fixture()
def run():
    runner = CliRunner()

    def _run(*args, models=False):
        argv = [str(a) for a in args]
        if not models and argv[0] in ("fix", "detect"):
            argv[1:1] = ["--no-detector"] + (["--no-model"] if argv[0] == "fix" else [])
        return runner.invoke(app, argv)

    return _run


def _bad_pdfs(d: Path) -> dict[str, str]:
    """An encrypted, an image-only and a damaged PDF in ``d``: name -> what the error must say."""
    from pypdf import PdfWriter

    w = PdfWriter(clone_from=str(PAPER))
    w.encrypt(user_password="secret", algorithm="RC4-128")
    with open(d / "locked.pdf", "wb") as f:
        w.write(f)
    (d / "scan.pdf").write_bytes(_script().pdf_document([b"q 400 0 0 400 100 300 cm /Im1 Do Q\n"], images=True))
    (d / "torn.pdf").write_bytes(PAPER.read_bytes()[:700])
    return {"locked.pdf": "encrypted PDF: it cannot be opened without a password",
            "scan.pdf": "image-only PDF: it has no text layer", "torn.pdf": "damaged PDF"}


# ------------------------------------------------------------------ the fixture
def test_the_fixture_is_what_the_script_writes():
    data = _script().fixture_bytes()
    assert data == PAPER.read_bytes()
    assert len(data) < 20_000


def test_the_fixtures_phrases_are_listed_or_in_no_dictionary():
    from restore.fix.dictionary import load_lexicon

    lex = load_lexicon()
    for phrase in ("counterfeit knowledge", "profound learning", "kidney disappointment", "huge information",
                   "arbitrary backwoods", "flag handling", "malignant growth"):
        assert lex.lookup(phrase).dictionary == "tortured", phrase
    for phrase in ("haphazard timberland", "slope plummet", "bunching calculation"):
        assert lex.lookup(phrase) is None and not lex.match(phrase), phrase


# ------------------------------------------------------------------ extraction
def test_extraction_joins_hyphenated_words_and_keeps_real_hyphens(doc):
    t = doc.text
    assert "applies counterfeit knowledge to" in t  # "counter-" / "feit knowledge"
    assert "noisy and irregular in form" in t  # "irregu-" / "lar"
    assert "a state-of-the-art baseline" in t  # "state-of-the-" / "art" keeps its hyphen
    assert "counter-" not in t and "irregu" + "-" not in t


def test_extraction_expands_ligatures(doc):
    assert "significant gains" in doc.text and "a classifier of its own" in doc.text
    assert "also flag malignant growth" in doc.text  # ﬂ
    assert not any(ch in doc.text for ch in "\ufb00\ufb01\ufb02\ufb03\ufb04")


def test_extraction_drops_running_header_footer_and_page_numbers(doc):
    assert "Journal of Applied Computing Research" not in doc.text
    assert "CC BY 4.0" not in doc.text
    assert "41" not in doc.text and "42" not in doc.text


def test_extraction_paragraphs_and_page_map(doc):
    t = doc.text
    assert doc.kind == "pdf" and doc.id == str(PAPER)
    assert t.startswith("Early Diagnosis from Clinical Records with Hybrid Models\n\n")
    assert "\n\nAbstract\n\nRecent progress" in t and "\n\n2 Methods\n\nThe encoder" in t
    assert "\n" not in t[t.index("Recent progress"):t.index("public data sets.")]  # lines joined with spaces
    # the paragraph that runs on from page 1 to page 2 is one paragraph; page 2 starts inside it
    assert "The model is trained on records from three hospitals" in t
    assert len(doc.pages) == 2 and doc.pages[0] == 0
    assert t[doc.pages[1]:].startswith("records from three hospitals")
    assert page_of(doc.pages, t.index("slope plummet")) == 2
    assert page_of(doc.pages, t.index("haphazard timberland")) == 1
    assert page_of(doc.pages, doc.pages[1]) == 2 and page_of(doc.pages, doc.pages[1] - 1) == 1


def test_keeps_hyphen_asks_the_word_list():
    assert not keeps_hyphen("counter", "feit") and not keeps_hyphen("irregu", "lar")
    assert not keeps_hyphen("wood", "land") and not keeps_hyphen("algo", "rithm")
    assert keeps_hyphen("the", "art") and keeps_hyphen("well", "known") and keeps_hyphen("self", "supervised")


def test_ligatures_are_the_only_folding():
    assert expand_ligatures("\ufb00\ufb01\ufb02\ufb03\ufb04") == "fffiflffiffl"
    assert expand_ligatures("\ufb05 \u00bd x\u00b2") == "\ufb05 \u00bd x\u00b2"  # no NFKC


def test_running_lines_and_page_numbers():
    assert is_page_number("41") and is_page_number("Page 3 of 9") and is_page_number("- 3 -")
    assert is_page_number("iv") and not is_page_number("2 Methods") and not is_page_number("in")
    pages = [["Journal of X 12 (2024) 41", "Body one.", "41"], ["Journal of X 12 (2024) 42", "Body two.", "42"]]
    assert strip_running_lines(pages) == [["Body one."], ["Body two."]]
    # a word broken across a page end, and a header between its halves
    out = assemble(["Head 1\nWe trained a counter-\n", "Head 2\nfeit knowledge model on it.\n"])
    assert out.text == "We trained a counterfeit knowledge model on it.\n"
    assert out.text[out.pages[1]:].startswith("feit knowledge")
    # a dash at a line end joins without a space, unless it stands apart
    assert assemble(["It supersedes AD 2018\u2013\n23\u201351 and \u2013\nin part \u2013 others.\n"]).text == \
        "It supersedes AD 2018\u201323\u201351 and \u2013 in part \u2013 others.\n"


def test_stdin_pdf_and_a_pdf_read_as_text():
    [d] = list(iter_inputs(["-"], input_format="pdf", stdin=io.BytesIO(PAPER.read_bytes())))
    assert d.kind == "pdf" and d.path == "<stdin>" and d.pages[0] == 0
    [err] = list(iter_inputs(["-"], stdin=io.BytesIO(PAPER.read_bytes())))
    assert isinstance(err, InputError) and "this is a PDF" in str(err) and "--input-format pdf" in str(err)


def test_a_directory_takes_text_files_and_pdfs_by_default(tmp_path):
    shutil.copy(PAPER, tmp_path / "a.pdf")
    (tmp_path / "b.txt").write_text("Some text.\n")
    (tmp_path / "c.csv").write_text("x,y\n")
    assert [(Path(s.path).name, s.kind) for s in expand_paths([str(tmp_path)])] == [("a.pdf", "pdf"), ("b.txt", "text")]
    assert [Path(s.path).name for s in expand_paths([str(tmp_path)], glob="*.txt")] == ["b.txt"]
    assert glob_patterns("*.{txt,pdf}") == ["*.txt", "*.pdf"] and glob_patterns("a*") == ["a*"]


# ------------------------------------------------------------------ bad PDFs
def test_bad_pdfs_are_named_errors_and_the_batch_goes_on(tmp_path, run):
    shutil.copy(PAPER, tmp_path / "good.pdf")
    expected = _bad_pdfs(tmp_path)
    for name, msg in expected.items():
        with pytest.raises(InputError) as e:
            read_pdf(name, (tmp_path / name).read_bytes())
        assert msg in str(e.value) and str(e.value).startswith(name + ":")
    assert "ocrmypdf" in str(pytest.raises(InputError, read_pdf, "s.pdf", (tmp_path / "scan.pdf").read_bytes()).value)
    r = run("detect", tmp_path, "-f", "jsonl")
    assert r.exit_code == 2
    for name, msg in expected.items():
        assert f"restore: error: {tmp_path / name}: {msg}" in r.stderr
    records = [json.loads(x) for x in r.stdout.splitlines()]
    assert [rec["error"]["path"] for rec in records if "error" in rec] == [str(tmp_path / n) for n in sorted(expected)]
    assert [rec["path"] for rec in records if "error" not in rec] == [str(tmp_path / "good.pdf")]


# ------------------------------------------------------------------ restore detect
def test_detect_gives_the_page_of_each_listed_phrase(run):
    r = run("detect", PAPER)
    assert r.exit_code == 1, r.stderr
    p = str(PAPER)
    lines = r.stdout.splitlines()
    for line in (f'{p}:p1: tortured(0.91) "counterfeit knowledge" -> "artificial intelligence"',  # the broken one
                 f'{p}:p1: tortured(0.97) "Huge information" -> "Big data"',
                 f'{p}:p1: tortured(0.97) "arbitrary backwoods" -> "random forest"',
                 f'{p}:p1: tortured(0.97) "Flag handling" -> "Signal processing"',
                 f'{p}:p1: tortured(0.30) "malignant growth" -> "cancer"',
                 f'{p}:p2: tortured(0.91) "counterfeit knowledge" -> "artificial intelligence"',
                 f'{p}:p2: tortured(0.97) "arbitrary backwoods" -> "random forest"',
                 f'{p}:p2: tortured(0.97) "huge information" -> "big data"'):
        assert line in lines
    assert sum(x.startswith(f'{p}:p1: tortured(0.97) "profound" -> "deep"') for x in lines) == 2
    assert lines[-1].startswith(f"{p}: spun_score ")


def test_detect_labels_list_phrases_tortured_in_text_files_too(tmp_path, run):
    f = tmp_path / "t.txt"
    f.write_text("Human legal rights groups used counterfeit knowledge.\n")
    r = run("detect", f)
    assert r.stdout.splitlines()[:2] == [f'{f}:1:7: spun(0.97) "legal" -> (delete)',
                                         f'{f}:1:32: tortured(0.91) "counterfeit knowledge" -> "artificial intelligence"']


def test_detect_json_records_carry_text_and_pages(run):
    rec = json.loads(run("detect", PAPER, "-f", "json").stdout)
    assert rec["pages"] == [0, rec["text"].index("records from three hospitals")]
    assert all(rec["text"][s["start"]:s["end"]] == s["text"] for s in rec["spans"])


# ------------------------------------------------------------------ restore fix
def test_fix_restores_the_listed_phrases(run):
    r = run("fix", PAPER)
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    for right in ("applies artificial intelligence to", "progress in deep learning", "Big data from hospital",
                  "a single random forest model", "Signal processing of laboratory", "detection of kidney failure"):
        assert right in out
    assert "counterfeit" not in out and "backwoods" not in out and "profound" not in out
    assert "flag malignant growth" in out  # ordinary English in oncology: reported, not applied
    # a PDF is a paper (--domain auto): the made-up phrases that no list has come back too
    for right in ("a random forest trained on structured", "trained with gradient descent", "with a clustering algorithm"):
        assert right in out
    assert "haphazard timberland" in run("fix", PAPER, "--domain", "news").stdout  # news: only the list


def test_fix_json_offsets_index_the_extracted_text(run):
    rec = json.loads(run("fix", PAPER, "-f", "json").stdout)
    assert list(rec)[:4] == ["id", "path", "text", "pages"]
    assert rec["pages"] == [0, rec["text"].index("records from three hospitals")]
    assert rec["edits"] and all(rec["text"][e["start"]:e["end"]] == e["original"] for e in rec["edits"])
    assert any(e["original"] == "counterfeit knowledge" for e in rec["edits"])


def test_fix_writes_text_next_to_a_pdf_and_never_rewrites_one(tmp_path, run):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(PAPER, src / "paper.pdf")
    r = run("fix", src, "-o", f"{tmp_path / 'out'}/")
    assert r.exit_code == 0, r.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["paper.pdf.txt"]
    assert "artificial intelligence" in (tmp_path / "out" / "paper.pdf.txt").read_text()
    r = run("fix", src / "paper.pdf", "--in-place", "--backup", ".orig")
    assert r.exit_code == 2 and "--in-place cannot rewrite a PDF" in r.stderr
    assert (src / "paper.pdf").read_bytes() == PAPER.read_bytes() and not (src / "paper.pdf.orig").exists()


# ------------------------------------------------------------------ the paper report
def test_risk_levels_are_torturedchecks():
    assert risk_level(0, 1000) == "clean"
    assert risk_level(2, 10_000) == "low"  # under the noise floor of 0.3 per 1,000 words
    assert risk_level(2, 1000) == "low"  # dense, but fewer than 3
    assert risk_level(3, 5000) == "suspicious"  # 0.6 per 1,000 words, 3 phrases
    assert risk_level(5, 1000) == "suspicious"  # dense, but fewer than 6
    assert risk_level(6, 5000) == "high"  # 1.2 per 1,000 words, 6 phrases
    assert risk_level(6, 6000) == "suspicious"  # 1.0 per 1,000 words


def test_paper_report_of_the_fixture(doc):
    from restore.pipeline import detect

    rep = paper_report(detect(doc.text, Config(use_detector=False, use_model=False)), doc.id, doc.pages)
    assert (rep.pages, rep.words, len(rep.listed), len(rep.unlisted)) == (2, 302, 13, 0)
    assert rep.per_1000_words == 43.05 and rep.risk == "high"
    assert [(p.text, p.expected, p.page) for p in rep.listed[:2]] == [
        ("profound learning", "deep learning", 1), ("counterfeit knowledge", "artificial intelligence", 1)]
    assert [(p.text, p.field, p.page) for p in rep.field_terms] == [("malignant growth", "oncology", 1)]
    assert rep.list_signature.startswith("tortured@") and "+tortured_field_terms@" in rep.list_signature
    d = rep.to_dict()
    assert {k: d[k] for k in SUMMARY_FIELDS} == rep.summary() and len(d["phrases"]["listed"]) == 13


def test_paper_report_sorts_unlisted_spans():
    text = "We used a haphazard timberland and profound learning."
    det = Detection(text, (Span(10, 30, "haphazard timberland", 0.7, "random forest", "detector"),
                           Span(35, 43, "profound", 0.97, "deep", "dictionary")), 0.95)
    rep = paper_report(det, "x")
    assert [p.text for p in rep.listed] == ["profound learning"]
    assert [(p.text, p.expected, p.page) for p in rep.unlisted] == [
        ("haphazard timberland", "random forest", None)]
    assert rep.risk == "low" and rep.pages is None


def test_report_csv_summary_over_a_folder_of_two_pdfs(tmp_path, run):
    shutil.copy(PAPER, tmp_path / "a.pdf")
    (tmp_path / "sub").mkdir()
    shutil.copy(PAPER, tmp_path / "sub" / "b.pdf")
    r = run("detect", tmp_path, "-f", "csv", "--domain", "news")
    assert r.exit_code == 1, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == list(SUMMARY_FIELDS)
    assert [row["id"] for row in rows] == [str(tmp_path / "a.pdf"), str(tmp_path / "sub" / "b.pdf")]
    assert {(row["pages"], row["words"], row["listed"], row["unlisted"], row["per_1000_words"], row["risk"])
            for row in rows} == {("2", "302", "13", "0", "43.05", "high")}
    reports = json.loads(run("detect", tmp_path, "--report", "paper", "-f", "json", "--domain", "news").stdout)
    assert [x["listed"] for x in reports] == [13, 13] and reports[0]["phrases"]["field_terms"][0]["field"] == "oncology"


def test_report_text_and_html(run):
    r = run("detect", PAPER, "--report", "paper", "--domain", "news")
    assert r.stdout.startswith(f"{PAPER}: 2 pages, 302 words\n  risk: high (13 listed tortured phrases, "
                               "43.05 per 1,000 words; 0 unlisted)\n")
    assert '     p1  "counterfeit knowledge" -> "artificial intelligence" (0.91)\n' in r.stdout
    assert '"malignant growth" -> "cancer" (0.30) [oncology]' in r.stdout
    page = run("detect", PAPER, "-f", "html").stdout  # a PDF gets its report without --report
    assert '<section class="report">' in page and "Listed tortured phrases (13)" in page


def test_report_of_a_paper_names_the_unlisted_phrases_with_their_terms(run):
    reports = json.loads(run("detect", PAPER, "--report", "paper", "-f", "json").stdout)  # --domain auto: science
    unlisted = {(p["text"], p["expected"], p["page"]) for p in reports["phrases"]["unlisted"]}
    assert {("haphazard timberland", "random forest", 1), ("slope plummet", "gradient descent", 2),
            ("bunching calculation", "clustering algorithm", 2)} <= unlisted
    assert reports["listed"] == 13 and reports["risk"] == "high"


def test_report_with_the_models(run):
    """The detector's gate keeps every dictionary span: the listed phrases are the same."""
    r = run("detect", PAPER, "-f", "csv", models=True)
    [row] = list(csv.DictReader(io.StringIO(r.stdout)))
    assert (row["listed"], row["risk"]) == ("13", "high")


# ------------------------------------------------------------------ field terms
def _field_terms() -> list[tuple[str, str]]:
    rows = [x.split("\t") for x in FIELD_TERMS.read_text().splitlines() if x and not x.startswith("#")]
    assert rows[0] == ["phrase", "field", "note"]
    return [(r[0], r[1]) for r in rows[1:]]


def test_field_terms_are_list_entries_reported_not_applied():
    from restore.fix.dictionary import load_lexicon
    from restore.pipeline import restore_and_explain

    terms = _field_terms()
    assert len(terms) >= 4 and ("malignant growth", "oncology") in terms
    lex = load_lexicon()
    cfg = Config(use_detector=False, use_model=False)
    for phrase, field in terms:
        entry = lex.lookup(phrase)
        assert entry is not None and entry.dictionary == "tortured", phrase
        assert entry.confidence < cfg.threshold and lex.field_of(entry) == field
        res = restore_and_explain(f"We measured the {phrase} in these patients.", cfg)
        [edit] = [e for e in res.edits if e.original.lower() == phrase]
        assert not edit.applied and res.text == res.input, phrase


def test_field_terms_are_in_the_signature():
    from restore.signature import run_signature

    sig = str(run_signature(Config(use_detector=False, use_model=False)))
    assert "+tortured@" in sig and "+tortured_field_terms@" in sig
