"""The typer CLI: every command and option group, exit codes, stdout/stderr discipline."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from restore.cli import _util as cli_util
from restore.cli import detect as cli_detect
from restore.cli import fix as cli_fix
from restore.cli.detect import lint_lines
from restore.io.read import Document
from restore.cli import app
from restore.types import Detection, Span

FIX = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]
SPUN = (FIX / "spun.txt").read_text()
RESTORED = ("Human rights groups said on Monday that the plan was unfair.\n\n"
            "A spokesman told NBC News that the White House would answer according to the rules.\n")


@pytest.fixture()
def run(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("RESTORE_DEBUG", raising=False)
    runner = CliRunner()

    def _run(*args, input=None, models=False):
        """Run the CLI in-process. Unless ``models``, the trained stages are off (``--no-detector``,
        and ``--no-model`` for fix): these tests are about the CLI, must be fast, and must not change
        when a model ships."""
        argv = [str(a) for a in args]
        if not models and argv and argv[0] in ("fix", "detect"):
            argv[1:1] = ["--no-detector"] + (["--no-model"] if argv[0] == "fix" else [])
        return runner.invoke(app, argv, input=input)

    return _run


@pytest.fixture()
def spun_copy(tmp_path):
    p = tmp_path / "spun.txt"
    p.write_text(SPUN)
    return p


# ------------------------------------------------------------------ fix: basics
def test_fix_stdin_to_stdout(run):
    r = run("fix", input="Human legal rights advocates spoke to NBC Information.")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "Human rights advocates spoke to NBC News."
    assert r.stderr == ""


def test_fix_file_prints_restored_text_when_stdout_is_not_a_terminal(run):
    r = run("fix", FIX / "spun.txt")
    assert r.exit_code == 0 and r.stdout == RESTORED


def test_fix_show_diff_without_terminal_uses_markers(run):
    r = run("fix", "--show", "diff", FIX / "spun.txt")
    assert r.exit_code == 0
    assert "Human[- legal-] rights" in r.stdout and "\x1b[" not in r.stdout


def test_fix_on_a_terminal_shows_a_coloured_diff(run, monkeypatch):
    for mod in (cli_util, cli_fix, cli_detect):
        monkeypatch.setattr(mod, "isatty", lambda stream: True)
    monkeypatch.setattr("restore.render.terminal.use_color", lambda stream=None: not os.environ.get("NO_COLOR"))
    r = run("fix", FIX / "spun.txt")
    assert r.exit_code == 0
    assert "\x1b[" in r.stdout and "Dwelling" in r.stdout and "House" in r.stdout
    r = run("fix", "--show", "text", FIX / "spun.txt")
    assert r.stdout == RESTORED
    monkeypatch.setenv("NO_COLOR", "1")
    r = run("fix", FIX / "spun.txt")
    assert "\x1b[" not in r.stdout and "White [-Dwelling-]{+House+}" in r.stdout


def test_fix_explain_goes_to_stderr(run):
    r = run("fix", "--explain", FIX / "spun.txt")
    assert r.exit_code == 0 and r.stdout == RESTORED
    assert '"NBC Information" -> "NBC News"' in r.stderr and "4 edits applied" in r.stderr
    assert "NBC [-Information-]{+News+}" in r.stderr


def test_fix_several_files_to_stdout_get_headers(run):
    r = run("fix", FIX / "spun.txt", FIX / "clean.txt")
    assert r.exit_code == 0
    assert r.stdout.startswith(f"==> {FIX / 'spun.txt'} <==\n{RESTORED}\n==> {FIX / 'clean.txt'} <==\n")


def test_fix_empty_input_comes_back_as_it_is(run, tmp_path):
    # issue 30: no "empty input" warning any more; tests/test_nothing_lost.py has the other cases
    (tmp_path / "e.txt").write_text("")
    r = run("fix", tmp_path / "e.txt")
    assert r.exit_code == 0 and r.stdout == "" and r.stderr == ""


def test_no_input_on_a_terminal_is_a_usage_error(run, monkeypatch):
    for mod in (cli_util, cli_fix, cli_detect):
        monkeypatch.setattr(mod, "isatty", lambda stream: stream is sys.stdin)
    r = run("fix")
    assert r.exit_code == 2 and "no input" in r.stderr


# ------------------------------------------------------------------ fix: formats
def test_fix_json_single_document(run):
    r = run("fix", "--format", "json", FIX / "spun.txt")
    assert r.exit_code == 0
    rec = json.loads(r.stdout)
    assert rec["restored"] == RESTORED and rec["path"] == str(FIX / "spun.txt")
    assert rec["signature"].startswith("restore:")
    for e in rec["edits"]:
        assert SPUN[e["start"]:e["end"]] == e["original"]
        assert RESTORED[e["out_start"]:e["out_end"]] == e["replacement"]


def test_fix_json_several_documents_is_an_array(run):
    r = run("fix", "-f", "json", FIX / "spun.txt", FIX / "clean.txt")
    recs = json.loads(r.stdout)
    assert isinstance(recs, list) and len(recs) == 2


def test_fix_jsonl_input_keeps_fields_and_offsets_point_into_the_field(run):
    r = run("fix", FIX / "records.jsonl")
    assert r.exit_code == 0, r.stderr
    inp = [json.loads(x) for x in (FIX / "records.jsonl").read_text().splitlines()]
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(out) == 3
    for a, b in zip(inp, out):
        assert {k: b[k] for k in a} == a  # every input field kept unchanged
        assert list(b)[:len(a)] == list(a)  # and in the input's order
        assert set(b) - set(a) == {"restored", "edits", "unrestored_spans", "spun_score", "signature"}
        for e in b["edits"]:
            assert b["text"][e["start"]:e["end"]] == e["original"]
            if e["applied"]:
                assert b["restored"][e["out_start"]:e["out_end"]] == e["replacement"]
    assert out[2]["restored"] == "Human rights advocates met at the White House."
    assert out[1]["edits"] == []


def test_fix_jsonl_field_options(run, tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text(json.dumps({"key": "a1", "body": "Staff at the White Dwelling."}) + "\n")
    r = run("fix", "--field", "body", "--id-field", "key", "--output-field", "fixed", p)
    rec = json.loads(r.stdout)
    assert rec["fixed"] == "Staff at the White House." and rec["body"] == "Staff at the White Dwelling."
    r = run("fix", "--field", "nope", p)
    assert r.exit_code == 2 and f"{p}:1: no field 'nope'" in r.stderr


def test_fix_jsonl_on_stdin(run):
    data = '{"text": "NBC Information said so.", "k": 1}\n{"text": "Fine."}\n'
    r = run("fix", "--input-format", "jsonl", "-", input=data)
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert r.exit_code == 0 and [o["restored"] for o in out] == ["NBC News said so.", "Fine."] and out[0]["k"] == 1


def test_fix_directory_options(run, tmp_path):
    r = run("fix", "--no-recursive", "-f", "jsonl", FIX / "tree")
    assert [json.loads(x)["path"] for x in r.stdout.splitlines()] == [str(FIX / "tree" / "a.txt")]
    r = run("fix", "--glob", "*.md", "-f", "jsonl", FIX / "tree")
    assert [Path(json.loads(x)["path"]).name for x in r.stdout.splitlines()] == ["notes.md"]


def test_fix_text_input_as_jsonl(run):
    r = run("fix", "-f", "jsonl", FIX / "spun.txt")
    rec = json.loads(r.stdout)
    assert rec["id"] == rec["path"] == str(FIX / "spun.txt") and rec["restored"] == RESTORED


def test_fix_html_and_unified_diff(run):
    r = run("fix", "-f", "html", FIX / "spun.txt")
    assert r.exit_code == 0 and r.stdout.lstrip().lower().startswith("<!doctype html")
    assert "White House" in r.stdout
    r = run("fix", "-f", "diff", FIX / "spun.txt")
    assert r.stdout.startswith(f"--- a/{FIX / 'spun.txt'}\n+++ b/{FIX / 'spun.txt'}\n")
    assert "-A spokesman told NBC Information" in r.stdout and "+A spokesman told NBC News" in r.stdout


def test_fix_html_with_several_inputs_needs_a_directory(run):
    r = run("fix", "-f", "html", FIX / "spun.txt", FIX / "clean.txt")
    assert r.exit_code == 2 and "-o DIR" in r.stderr


# ------------------------------------------------------------------ fix: batches and bad input
def test_batch_with_a_bad_line_processes_the_rest_and_exits_2(run, tmp_path):
    out = tmp_path / "out.jsonl"
    r = run("fix", FIX / "bad_line3.jsonl", "-o", out)
    assert r.exit_code == 2
    assert f"restore: error: {FIX / 'bad_line3.jsonl'}:3: malformed JSON" in r.stderr
    recs = [json.loads(x) for x in out.read_text().splitlines()]  # an error record in the bad line's place
    assert [x.get("id") for x in recs] == ["r1", "r2", None, "r3"]
    assert recs[2]["error"]["line"] == 3 and recs[2]["error"]["message"].startswith("malformed JSON")
    assert recs[3]["restored"] == "Human rights advocates met at the White House."


def test_bad_inputs_in_a_batch(run, tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01")
    (tmp_path / "good.txt").write_text("Staff at the White Dwelling.")
    r = run("fix", "-o", tmp_path / "out", tmp_path / "bin.txt", FIX / "latin1.txt",
            tmp_path / "missing.txt", tmp_path / "good.txt")
    assert r.exit_code == 2
    lines = [x for x in r.stderr.splitlines() if x.startswith("restore: error:")]
    assert len(lines) == 3
    assert "bin.txt: binary file" in lines[0]
    assert "latin1.txt:1: byte 0xe9" in lines[1]
    assert "missing.txt: no such file or directory" in lines[2]
    assert (tmp_path / "out" / "good.txt").read_text() == "Staff at the White House."


def test_size_limit_option(run, tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("NBC Information " * 100)
    r = run("fix", "--max-bytes", 100, p)
    assert r.exit_code == 2 and "--max-bytes" in r.stderr and r.stdout == ""


def test_directory_without_matches(run, tmp_path):
    r = run("fix", tmp_path)
    assert r.exit_code == 2 and "no files matching" in r.stderr


# ------------------------------------------------------------------ fix: writing files
def test_output_directory_mirrors_the_tree(run, tmp_path):
    out = tmp_path / "out"
    r = run("fix", FIX / "tree", "-o", out)
    assert r.exit_code == 0, r.stderr
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == ["a.txt", "sub/b.txt"]
    assert (out / "sub" / "b.txt").read_text() == "The talks went on according to plan.\n"
    assert "2 files written" in r.stderr


def test_output_directory_keeps_each_files_format(run, tmp_path):
    # text and JSONL inputs into -o DIR without --format: text stays text, JSONL stays JSONL
    out = tmp_path / "out"
    r = run("fix", FIX / "spun.txt", FIX / "records.jsonl", "-o", f"{out}/")
    assert r.exit_code == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["records.jsonl", "spun.txt"]
    assert (out / "spun.txt").read_text() == RESTORED
    recs = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    assert len(recs) == 3 and all("restored" in rec for rec in recs)
    out2 = tmp_path / "out2"  # an explicit --format still applies to every file
    r = run("fix", "-f", "jsonl", FIX / "spun.txt", FIX / "records.jsonl", "-o", f"{out2}/")
    assert r.exit_code == 0 and sorted(p.name for p in out2.iterdir()) == ["records.jsonl", "spun.txt.jsonl"]


def test_output_directory_with_format_suffix(run, tmp_path):
    out = tmp_path / "html"
    r = run("fix", "-f", "html", FIX / "tree", "-o", out)
    assert r.exit_code == 0
    assert (out / "sub" / "b.txt.html").read_text().lower().startswith("<!doctype html")


def test_output_ending_in_a_slash_is_a_directory(run, tmp_path):
    r = run("fix", FIX / "records.jsonl", "-o", f"{tmp_path}/new/")
    assert r.exit_code == 0, r.stderr
    assert len((tmp_path / "new" / "records.jsonl").read_text().splitlines()) == 3


def test_output_name_picks_the_format(run, tmp_path):
    assert run("fix", FIX / "spun.txt", "-o", tmp_path / "r.html").exit_code == 0
    assert (tmp_path / "r.html").read_text().lower().startswith("<!doctype html")
    assert run("fix", FIX / "spun.txt", FIX / "clean.txt", "-o", tmp_path / "all.jsonl").exit_code == 0
    assert len((tmp_path / "all.jsonl").read_text().splitlines()) == 2
    run("fix", "-f", "text", FIX / "spun.txt", "-o", tmp_path / "t.json")  # --format wins over the name
    assert (tmp_path / "t.json").read_text() == RESTORED


def test_output_file_single_input(run, tmp_path):
    out = tmp_path / "r.txt"
    r = run("fix", FIX / "spun.txt", "-o", out)
    assert r.exit_code == 0 and r.stdout == "" and out.read_text() == RESTORED
    assert [p.name for p in tmp_path.iterdir()] == ["r.txt"]  # no temp file left


def test_several_inputs_into_one_existing_file_only_as_jsonl(run, tmp_path):
    out = tmp_path / "one.txt"
    out.write_text("keep")
    r = run("fix", FIX / "spun.txt", FIX / "clean.txt", "-o", out)
    assert r.exit_code == 2 and "jsonl" in r.stderr and out.read_text() == "keep"
    out2 = tmp_path / "all.jsonl"
    r = run("fix", "-f", "jsonl", FIX / "spun.txt", FIX / "clean.txt", "-o", out2)
    assert r.exit_code == 0 and len(out2.read_text().splitlines()) == 2


def test_refuses_to_write_onto_its_own_input(run, spun_copy):
    r = run("fix", spun_copy, "-o", spun_copy)
    assert r.exit_code == 2 and "own input" in r.stderr and spun_copy.read_text() == SPUN
    r = run("fix", spun_copy, "-o", spun_copy.parent)  # a directory that mirrors onto itself
    assert r.exit_code == 2 and "own input" in r.stderr and spun_copy.read_text() == SPUN


def test_in_place_needs_backup(run, spun_copy):
    r = run("fix", "--in-place", spun_copy)
    assert r.exit_code == 2 and "--backup" in r.stderr and spun_copy.read_text() == SPUN
    r = run("fix", "--backup", ".orig", spun_copy)
    assert r.exit_code == 2 and "--in-place" in r.stderr


def test_in_place_with_backup(run, spun_copy, tmp_path):
    clean = tmp_path / "clean.txt"
    clean.write_text("Nothing to see.\n")
    before = clean.stat().st_mtime_ns
    r = run("fix", "--in-place", "--backup", ".orig", spun_copy, clean)
    assert r.exit_code == 0, r.stderr
    assert spun_copy.read_text() == RESTORED
    assert Path(str(spun_copy) + ".orig").read_text() == SPUN
    assert clean.stat().st_mtime_ns == before and not Path(str(clean) + ".orig").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.txt", "spun.txt", "spun.txt.orig"]


def test_a_byte_order_mark_survives_restoration(run, tmp_path):
    """A UTF-8 file that starts with a BOM is written back with it (in place, mirrored, on stdout);
    offsets in JSON count from after it."""
    bom = b"\xef\xbb\xbf"
    p = tmp_path / "bom.txt"
    p.write_bytes(bom + b"Human legal rights matter.\n")
    r = run("fix", p)
    assert r.exit_code == 0 and r.stdout_bytes == bom + b"Human rights matter.\n"
    rec = json.loads(run("fix", "-f", "json", p).stdout)
    assert rec["restored"] == "Human rights matter.\n" and rec["edits"][0]["start"] == 0
    out = tmp_path / "out"
    assert run("fix", "-o", f"{out}/", p).exit_code == 0
    assert (out / "bom.txt").read_bytes() == bom + b"Human rights matter.\n"
    r = run("fix", "--in-place", "--backup", ".orig", p)
    assert r.exit_code == 0, r.stderr
    assert p.read_bytes() == bom + b"Human rights matter.\n"
    assert (tmp_path / "bom.txt.orig").read_bytes() == bom + b"Human legal rights matter.\n"


def test_in_place_rewrites_the_file_a_symlink_points_to(run, tmp_path):
    real = tmp_path / "archive" / "spun.txt"
    real.parent.mkdir()
    real.write_text(SPUN)
    link = tmp_path / "spun.txt"
    link.symlink_to(real)
    r = run("fix", "--in-place", "--backup", ".orig", link)
    assert r.exit_code == 0, r.stderr
    assert link.is_symlink() and real.read_text() == RESTORED
    assert Path(str(link) + ".orig").read_text() == SPUN


def test_in_place_jsonl_with_a_bad_record_is_not_rewritten(run, tmp_path):
    p = tmp_path / "b.jsonl"
    p.write_bytes((FIX / "bad_line3.jsonl").read_bytes())
    r = run("fix", "-i", "--backup", ".bak", p)
    assert r.exit_code == 2 and p.read_bytes() == (FIX / "bad_line3.jsonl").read_bytes()
    assert "not rewritten" in r.stderr


def test_in_place_refuses_stdin_and_other_formats(run, spun_copy):
    assert run("fix", "-i", "--backup", ".b", "-", input="x").exit_code == 2
    r = run("fix", "-i", "--backup", ".b", "-f", "html", spun_copy)
    assert r.exit_code == 2 and spun_copy.read_text() == SPUN


def test_check_writes_nothing(run, spun_copy, tmp_path):
    out = tmp_path / "o.txt"
    r = run("fix", "--check", spun_copy, "-o", out)
    assert r.exit_code == 1 and r.stdout == "" and not out.exists()
    assert "would change" in r.stderr
    r = run("fix", "--check", FIX / "clean.txt")
    assert r.exit_code == 0 and r.stdout == ""


# ------------------------------------------------------------------ fix: configuration
def test_threshold_reports_instead_of_applying(run):
    r = run("fix", "--threshold", "0.99", "--explain", FIX / "spun.txt")
    assert r.exit_code == 0 and r.stdout == SPUN
    assert "reported" in r.stderr


def test_user_lexicon_and_no_builtin(run, tmp_path):
    lex = tmp_path / "mine.tsv"
    lex.write_text("spun\tcanonical\nmild\tcold\tme\t0.9\n")
    r = run("fix", "--no-builtin", "--lexicon", lex, input="The weather was mild at the White Dwelling.")
    assert r.stdout == "The weather was cold at the White Dwelling."
    r = run("fix", "--no-builtin", input="at the White Dwelling")
    assert r.stdout == "at the White Dwelling"


def test_bad_lexicon_file_is_one_line_exit_2(run, tmp_path):
    lex = tmp_path / "bad.tsv"
    lex.write_text("only one column\n")
    r = run("fix", "--lexicon", lex, input="x")
    assert r.exit_code == 2
    assert r.stderr.startswith(f"restore: error: {lex}:1: ") and len(r.stderr.splitlines()) == 1


def test_out_of_range_threshold_is_a_usage_error(run):
    assert run("fix", "--threshold", "3", input="x").exit_code == 2
    assert run("fix", "--quality", "superb", input="x").exit_code == 2
    assert run("fix", "--refine-threshold", "1.5", input="x").exit_code == 2


def test_options_reach_the_config(run, monkeypatch):
    import restore.pipeline as pipeline

    seen = []
    real = pipeline.restore_batch

    def spy(texts, config=None):
        seen.append(config)  # run the fast pipeline whatever was asked (no LM, no models here)
        return real(texts, config.replace(quality="fast", use_model=False, use_detector=False))

    monkeypatch.setattr(pipeline, "restore_batch", spy)
    r = run("fix", "--quality", "best", "--threshold", "0.7", "--model-threshold", "0.85", "--models-dir", "/nowhere",
            input="NBC Information", models=True)
    assert r.exit_code == 0 and r.stdout == "NBC News"
    (cfg,) = seen
    assert (cfg.quality, cfg.threshold, cfg.model_threshold, cfg.models_dir) == ("best", 0.7, 0.85, "/nowhere")
    assert cfg.use_model and cfg.use_detector and cfg.builtin and cfg.refine_threshold is None
    seen.clear()
    run("fix", "--refine-threshold", "0.75", input="NBC Information", models=True)
    assert seen[0].refine_threshold == 0.75
    seen.clear()
    run("fix", input="x")  # the fixture's --no-model --no-detector
    assert not seen[0].use_model and not seen[0].use_detector


def test_detect_suggest_reaches_the_config(run, monkeypatch):
    import restore.pipeline as pipeline

    seen = []
    real = pipeline.detect_batch

    def spy(texts, config=None):
        seen.append(config)  # detect with the dictionary only, whatever was asked
        return real(texts, config.replace(use_model=False, use_detector=False))

    monkeypatch.setattr(pipeline, "detect_batch", spy)
    r = run("detect", "--suggest", FIX / "spun.txt", models=True)
    assert r.exit_code == 1
    assert seen[0].detect_suggest and seen[0].use_model and seen[0].use_detector
    seen.clear()
    run("detect", FIX / "spun.txt", models=True)
    assert not seen[0].detect_suggest and not seen[0].use_model  # plain detect never loads the restorer


def test_signature_says_what_was_off(run):
    sig = json.loads(run("fix", "-f", "json", input="NBC Information").stdout)["signature"]
    assert "model:off" in sig and "detector:off" in sig


# ------------------------------------------------------------------ errors
def test_internal_error_is_one_line_exit_3(run, monkeypatch):
    def boom(texts, config=None):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr("restore.pipeline.restore_batch", boom)
    r = run("fix", input="text")
    assert r.exit_code == 3
    assert r.stderr.splitlines() == [r.stderr.strip()] and "internal error: ZeroDivisionError: oops" in r.stderr
    assert "RESTORE_DEBUG" in r.stderr and "Traceback" not in r.stderr
    monkeypatch.setenv("RESTORE_DEBUG", "1")
    r = run("fix", input="text")
    assert r.exit_code == 3 and "Traceback" in r.stderr


# ------------------------------------------------------------------ detect
def test_detect_lint_lines_and_exit_1(run):
    r = run("detect", FIX / "spun.txt")
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    p = str(FIX / "spun.txt")
    # a span is the words that differ from the suggestion, not the whole dictionary phrase
    assert lines[0] == f'{p}:1:7: spun(0.97) "legal" -> (delete)'
    assert lines[1] == f'{p}:3:22: spun(0.97) "Information" -> "News"'
    assert re.fullmatch(re.escape(f"{p}: spun_score ") + r"1\.00 \(spun, spinner: (unknown|\w+ [01]\.\d\d)\)", lines[-1])
    assert r.stderr == ""  # one document: no summary table


def test_detect_clean_document_exits_0(run):
    r = run("detect", FIX / "clean.txt")
    assert r.exit_code == 0 and r.stdout == f"{FIX / 'clean.txt'}: spun_score 0.00 (clean)\n"


def test_detect_doc_threshold_and_min_score(run):
    r = run("detect", "--doc-threshold", "0", FIX / "clean.txt")  # spun means spun_score >= threshold
    assert r.exit_code == 1 and r.stdout.endswith("spun_score 0.00 (spun, spinner: unknown)\n")
    r = run("detect", "--min-score", "0.5", FIX / "spun.txt", FIX / "clean.txt")
    assert r.exit_code == 1 and "clean.txt" not in r.stdout and "spun.txt" in r.stdout
    assert "documents" in r.stderr and "mean score" in r.stderr  # summary of several documents


def test_detect_jsonl_keeps_fields(run):
    r = run("detect", FIX / "records.jsonl")
    out = [json.loads(x) for x in r.stdout.splitlines()]
    inp = [json.loads(x) for x in (FIX / "records.jsonl").read_text().splitlines()]
    assert r.exit_code == 1 and len(out) == 3
    for a, b in zip(inp, out):
        assert {k: b[k] for k in a} == a and "spans" in b and "spun_score" in b
        for s in b["spans"]:
            assert a["text"][s["start"]:s["end"]] == s["text"]
    assert out[1]["spans"] == []


def test_detect_json_and_errors(run, tmp_path):
    r = run("detect", "-f", "json", FIX / "spun.txt")
    rec = json.loads(r.stdout)
    assert rec["spans"] and rec["spun_score"] > 0.5 and rec["path"] == str(FIX / "spun.txt")
    r = run("detect", FIX / "bad_line3.jsonl")
    assert r.exit_code == 2 and ":3: malformed JSON" in r.stderr and len(r.stdout.splitlines()) == 4


def test_detect_html_page(run):
    r = run("detect", "-f", "html", FIX / "spun.txt", FIX / "clean.txt")
    assert r.exit_code == 1 and r.stdout.startswith("<!DOCTYPE html>") and r.stdout.endswith("</html>\n")
    assert r.stdout.count("<section") == 2 and "<table" in r.stdout
    assert 'data-suggestion="News"' in r.stdout and ">Information</mark>" in r.stdout
    r = run("detect", "-f", "html", "--min-score", "0.5", FIX / "spun.txt", FIX / "clean.txt")
    assert r.stdout.count("<section") == 1 and "clean.txt" not in r.stdout.split("<footer>")[0]


def test_lint_line_suggestion_forms():
    text = "one\ntwo three"
    det = Detection(text, (Span(4, 7, "two", 0.91, ""), Span(8, 13, "three", 0.5, None),
                           Span(0, 3, "one", 0.7, "1")), 0.93)
    doc = Document(id="d", text=text, path="p.txt")
    assert lint_lines(doc, det, True).splitlines() == [
        'p.txt:2:1: spun(0.91) "two" -> (delete)',
        'p.txt:2:5: spun(0.50) "three"',
        'p.txt:1:1: spun(0.70) "one" -> "1"',
        "p.txt: spun_score 0.93 (spun)",
    ]


# ------------------------------------------------------------------ diff
def test_diff_command_formats(run, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Staff at the White Dwelling said no.\n")
    b.write_text("Staff at the White House said no.\n")
    r = run("diff", a, b)
    assert r.exit_code == 0 and r.stdout == "Staff at the White [-Dwelling-]{+House+} said no.\n"
    segs = json.loads(run("diff", "-f", "json", a, b).stdout)["segments"]
    assert "".join(s["a_text"] for s in segs) == a.read_text()
    assert "".join(s["b_text"] for s in segs) == b.read_text()
    assert "<html" in run("diff", "-f", "html", a, b).stdout
    assert run("diff", "-f", "diff", a, b).stdout.startswith(f"--- {a}\n+++ {b}\n")
    assert run("diff", "--exit-code", a, b).exit_code == 1
    assert run("diff", "--exit-code", a, a).exit_code == 0


def test_diff_reads_stdin_and_reports_bad_files(run, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("x y")
    assert run("diff", a, "-", input="x z").stdout == "x [-y-]{+z+}"
    r = run("diff", a, FIX / "latin1.txt")
    assert r.exit_code == 2 and "latin1.txt:1:" in r.stderr
    assert run("diff", "-", "-", input="x").exit_code == 2


# ------------------------------------------------------------------ lexicon, version
def test_lexicon_lookup_and_stats(run, tmp_path):
    r = run("lexicon", "Human Legal Rights")
    assert r.exit_code == 0
    assert "canonical:  human rights" in r.stdout and "dictionary: news" in r.stdout and "confidence:" in r.stdout
    r = run("lexicon", "no such phrase here")
    assert r.exit_code == 1 and "none of the dictionaries" in r.stderr
    r = run("lexicon")
    assert r.exit_code == 0 and "news" in r.stdout and "tortured" in r.stdout and "merged" in r.stdout
    lex = tmp_path / "mine.tsv"
    lex.write_text("human legal rights\thuman freedoms\n")
    rec = json.loads(run("lexicon", "-l", lex, "-f", "json", "human legal rights").stdout)
    assert rec["canonical"] == "human freedoms" and rec["dictionary"] == "mine"
    stats = json.loads(run("lexicon", "--no-builtin", "-l", lex, "-f", "json").stdout)
    assert [d["dictionary"] for d in stats["dictionaries"]] == ["mine"] and stats["merged_entries"] == 1


def test_version(run):
    r = run("--version")
    assert r.exit_code == 0
    first, second = r.stdout.splitlines()
    import restore

    assert first == f"restore {restore.__version__}" and second.startswith(f"restore:{restore.__version__}|dict:")


# ------------------------------------------------------------------ a real process
def test_python_dash_m_restore_fix_subprocess():
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    # the trained stages are off so that the expected text does not move when a model ships
    p = subprocess.run([sys.executable, "-m", "restore", "fix", "--no-detector", "--no-model", str(FIX / "spun.txt")],
                       cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout == RESTORED and p.stderr == ""
    p = subprocess.run([sys.executable, "-m", "restore", "fix", "--no-detector", "--no-model",
                        str(FIX / "bad_line3.jsonl")], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and f"{FIX / 'bad_line3.jsonl'}:3:" in p.stderr and len(p.stdout.splitlines()) == 4


def test_usage_errors_exit_2(run):
    assert run().exit_code == 2  # no command: help on stderr
    assert run("bogus").exit_code == 2
    r = run("fix", "--format", "nope", input="x")
    assert r.exit_code == 2 and "nope" in r.stderr
    r = run("fix", "--show", "diff", "-f", "json", input="x")
    assert r.exit_code == 2 and "--show" in r.stderr


def test_jsonl_is_restored_in_windows_in_order(run, tmp_path, monkeypatch):
    import restore.batch as cli

    monkeypatch.setattr(cli, "BATCH_DOCS", 2)  # windows of 2 records: 1-2, 3 (bad), 4-5
    lines = [json.dumps({"id": f"d{i}", "text": "NBC Information said so"}) for i in range(1, 6)]
    lines[2] = "{not json"
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(lines) + "\n")
    r = run("fix", str(f), "-f", "jsonl")
    out = [json.loads(l) for l in r.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["d1", "d2", None, "d4", "d5"]
    assert out[2]["error"]["line"] == 3
    assert all(o["restored"] == "NBC News said so" for o in out if "error" not in o)
    assert "in.jsonl:3" in r.stderr and r.exit_code != 0
