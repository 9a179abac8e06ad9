"""Issue 30: nothing a batch user gave is lost without a word.

Outputs that cannot be written are input errors (exit 2) found before the work starts where they can
be, and a write that fails mid-run keeps the work already done; every input yields an output (empty
texts come back byte-identical, a bad JSONL line gives an error record in its place); duplicate ids
and the paths a directory walk skips are reported; the size limits are stated in their own units.
"""
from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from restore.cli import app
from restore.io.write import AtomicWriter, Sink

NBC = "NBC Information said.\n"
NBC_FIXED = "NBC News said.\n"


@pytest.fixture()
def run(monkeypatch):
    monkeypatch.delenv("RESTORE_DEBUG", raising=False)
    runner = CliRunner()

    def _run(*args, input=None):
        """The CLI in-process, the trained stages off (these tests are about inputs and outputs)."""
        argv = [str(a) for a in args]
        if argv and argv[0] in ("fix", "detect"):
            argv[1:1] = ["--no-detector"] + (["--no-model"] if argv[0] == "fix" else [])
        return runner.invoke(app, argv, input=input)

    return _run


@pytest.fixture()
def no_work(monkeypatch):
    """Fail the test if any text reaches the pipeline (the output was to be refused before the work)."""
    def refuse(texts, cfg=None):
        raise AssertionError("the work started")

    monkeypatch.setattr("restore.pipeline.restore_batch", refuse)


def _no_internal_error(r) -> None:
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr and r.exit_code != 3


def _names(d: Path) -> list[str]:
    return sorted(p.relative_to(d).as_posix() for p in d.rglob("*") if p.is_file())


# ------------------------------------------------------------------ 1. outputs that cannot be written
def test_output_under_a_regular_file_is_refused_before_the_work(run, tmp_path, no_work):
    (tmp_path / "a.txt").write_text(NBC)
    (tmp_path / "one.txt").write_text("")
    for target in (tmp_path / "one.txt" / "out.txt", f"{tmp_path / 'one.txt' / 'sub'}/", f"{tmp_path / 'one.txt'}/"):
        r = run("fix", tmp_path / "a.txt", "-o", target)
        _no_internal_error(r)
        assert r.exit_code == 2, r.stderr
        assert f"restore: error: {str(target).rstrip('/')}: cannot write: Not a directory" in r.stderr
    assert (tmp_path / "one.txt").read_text() == ""


def test_output_into_proc_is_refused_before_the_work(run, tmp_path, no_work):
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc here")
    (tmp_path / "a.txt").write_text(NBC)
    for target in ("/proc/restore-x.txt", "/proc/restore-dir/"):
        r = run("fix", tmp_path / "a.txt", "-o", target)
        _no_internal_error(r)
        assert r.exit_code == 2 and f"{target.rstrip('/')}: cannot write: " in r.stderr


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes to read-only directories")
def test_read_only_directory_is_refused_before_the_work(run, tmp_path, no_work):
    ro = tmp_path / "ro"
    ro.mkdir()
    (ro / "a.txt").write_text(NBC)
    ro.chmod(0o555)
    try:
        r = run("fix", ro / "a.txt", "-o", ro / "out.txt")
        assert r.exit_code == 2 and "cannot write: Permission denied" in r.stderr
        r = run("fix", ro / "a.txt", "--in-place", "--backup", ".orig")
        assert r.exit_code == 2 and "cannot write: Permission denied" in r.stderr
    finally:
        ro.chmod(0o755)
    assert (ro / "a.txt").read_text() == NBC


def test_in_place_with_a_directory_that_cannot_be_written(run, tmp_path, no_work, monkeypatch):
    # root ignores permission bits, so the check is made to see a read-only directory
    (tmp_path / "a.txt").write_text(NBC)
    real = os.access
    monkeypatch.setattr("os.access", lambda p, mode, **kw: False if Path(p) == tmp_path else real(p, mode, **kw))
    r = run("fix", tmp_path / "a.txt", "--in-place", "--backup", ".orig")
    _no_internal_error(r)
    assert r.exit_code == 2 and f"{tmp_path / 'a.txt'}: cannot write: Permission denied" in r.stderr


def test_a_failed_enter_leaves_nothing_half_set(tmp_path):
    from restore.errors import OutputError

    (tmp_path / "f").write_text("")
    w = AtomicWriter(tmp_path / "f" / "x.txt")
    with pytest.raises(NotADirectoryError):
        w.__enter__()
    assert w.__exit__(None, None, None) is False  # no AssertionError, nothing to clean
    assert w.__exit__(OSError, OSError("x"), None) is False
    s = Sink(tmp_path / "f" / "x.txt")
    with pytest.raises(OutputError) as exc:
        s.write("text")
    assert str(exc.value) == f"{tmp_path / 'f' / 'x.txt'}: cannot write: Not a directory"
    s.abort()
    assert s.commit() is False
    assert os.listdir(tmp_path) == ["f"]


def test_output_directory_goes_on_past_a_file_it_cannot_write(run, tmp_path):
    d, out = tmp_path / "d", tmp_path / "out"
    d.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (d / name).write_text(NBC)
    (out / "b.txt").mkdir(parents=True)  # os.replace onto a directory fails
    r = run("fix", d, "-o", out)
    _no_internal_error(r)
    assert r.exit_code == 2
    assert f"restore: error: {out / 'b.txt'}: cannot write: Is a directory" in r.stderr
    assert (out / "a.txt").read_text() == NBC_FIXED and (out / "c.txt").read_text() == NBC_FIXED
    assert _names(out) == ["a.txt", "c.txt"] and "2 files written" in r.stderr


def test_output_directory_goes_on_past_a_subdirectory_that_is_a_file(run, tmp_path):
    d, out = tmp_path / "d", tmp_path / "out"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text(NBC)
    (d / "sub" / "b.txt").write_text(NBC)
    (d / "z.jsonl").write_text('{"text": "NBC Information"}\n')
    out.mkdir()
    (out / "sub").write_text("in the way")
    r = run("fix", d, "--glob", "*", "-o", out)
    _no_internal_error(r)
    assert r.exit_code == 2 and f"{out / 'sub' / 'b.txt'}: cannot write: " in r.stderr
    assert (out / "a.txt").read_text() == NBC_FIXED
    assert json.loads((out / "z.jsonl").read_text())["restored"] == "NBC News"


def test_disk_full_mid_run_keeps_the_files_finished(run, tmp_path, monkeypatch):
    d, out = tmp_path / "d", tmp_path / "out"
    d.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (d / name).write_text(NBC)
    calls = []
    real = os.fsync

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 3:  # a.txt: file and directory; b.txt's file fails
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd)

    monkeypatch.setattr("restore.io.write.os.fsync", fsync)
    r = run("fix", d, "-o", out)
    _no_internal_error(r)
    assert r.exit_code == 2 and f"{out / 'b.txt'}: cannot write: No space left on device" in r.stderr
    assert _names(out) == ["a.txt", "c.txt"]  # no temporary file left either
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_disk_full_writing_one_file_is_exit_2_and_leaves_no_file(run, tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text(NBC)

    def fsync(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("restore.io.write.os.fsync", fsync)
    r = run("fix", tmp_path / "a.txt", "-o", tmp_path / "out.txt")
    _no_internal_error(r)
    assert r.exit_code == 2 and f"{tmp_path / 'out.txt'}: cannot write: No space left on device" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


# ------------------------------------------------------------------ 2. empty and whitespace-only texts
EMPTIES = {"e.txt": b"", "w.txt": b"  \n\t\n", "n.txt": b"\n\n", "bom.txt": b"\xef\xbb\xbf"}


@pytest.mark.parametrize("name", list(EMPTIES))
def test_empty_text_comes_back_on_stdout(run, tmp_path, name):
    p = tmp_path / name
    p.write_bytes(EMPTIES[name])
    r = run("fix", p)
    assert r.exit_code == 0 and r.stdout_bytes == EMPTIES[name] and r.stderr == ""
    r = run("fix", input=EMPTIES[name].decode("utf-8"))
    assert r.exit_code == 0 and r.stdout_bytes == EMPTIES[name]


@pytest.mark.parametrize("name", list(EMPTIES))
def test_empty_text_is_written_to_an_output_file(run, tmp_path, name):
    p = tmp_path / name
    p.write_bytes(EMPTIES[name])
    r = run("fix", p, "-o", tmp_path / "out.txt")
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "out.txt").read_bytes() == EMPTIES[name]


def test_empty_texts_are_kept_in_the_mirrored_tree(run, tmp_path):
    d, out = tmp_path / "d", tmp_path / "out"
    (d / "sub").mkdir(parents=True)
    for name, data in EMPTIES.items():
        (d / "sub" / name).write_bytes(data)
    (d / "a.txt").write_text(NBC)
    r = run("fix", d, "-o", out)
    assert r.exit_code == 0, r.stderr
    assert _names(out) == ["a.txt"] + [f"sub/{n}" for n in sorted(EMPTIES)]
    for name, data in EMPTIES.items():
        assert (out / "sub" / name).read_bytes() == data


def test_empty_text_gives_a_record_and_a_lint_line(run, tmp_path):
    (tmp_path / "w.txt").write_text("  \n")
    r = run("fix", "-f", "jsonl", tmp_path / "w.txt")
    rec = json.loads(r.stdout)
    assert r.exit_code == 0 and rec["restored"] == "  \n" and rec["edits"] == [] and rec["spun_score"] == 0
    r = run("detect", tmp_path / "w.txt")
    assert r.exit_code == 0 and r.stdout == f"{tmp_path / 'w.txt'}: spun_score 0.00 (clean)\n"
    rec = json.loads(run("detect", "-f", "jsonl", tmp_path / "w.txt").stdout)
    assert rec["spans"] == [] and rec["spun_score"] == 0


def test_empty_jsonl_file_is_mirrored(run, tmp_path):
    d, out = tmp_path / "d", tmp_path / "out"
    d.mkdir()
    (d / "e.jsonl").write_text("")
    (d / "a.jsonl").write_text('{"text": "NBC Information"}\n')
    r = run("fix", d, "--glob", "*.jsonl", "-o", f"{out}/")
    assert r.exit_code == 0, r.stderr
    assert _names(out) == ["a.jsonl", "e.jsonl"] and (out / "e.jsonl").read_text() == ""
    r = run("fix", d / "e.jsonl", "-o", tmp_path / "one.jsonl")
    assert r.exit_code == 0 and (tmp_path / "one.jsonl").read_text() == ""


# ------------------------------------------------------------------ 2. JSONL: one output line per input line
BAD_JSONL = ('{"id": "a", "text": "NBC Information"}\n'
             'not json\n'
             '[1, 2]\n'
             '{"id": "d", "body": "no text field"}\n'
             '{"id": "e", "text": 5}\n'
             '{"id": "f", "text": "the White Dwelling"}\n')


def _check_aligned(lines: list[str], path: str, restored_field: str | None = "restored") -> None:
    recs = [json.loads(x) for x in lines]
    assert len(recs) == 6
    assert [r.get("id") for r in recs] == ["a", None, None, None, None, "f"]
    errs = [r["error"] for r in recs[1:5]]
    assert [e["line"] for e in errs] == [2, 3, 4, 5] and all(e["path"] == path for e in errs)
    assert errs[0]["message"] == "malformed JSON: Expecting value (column 1)"
    assert errs[1]["message"] == "expected a JSON object, got a list"
    assert errs[2]["message"] == "no field 'text' in this record"
    assert all(set(r) == {"error"} for r in recs[1:5])
    if restored_field:
        assert recs[0][restored_field] == "NBC News" and recs[5][restored_field] == "the White House"


def test_bad_jsonl_lines_give_error_records_in_place(run, tmp_path):
    p = tmp_path / "j.jsonl"
    p.write_text(BAD_JSONL)
    r = run("fix", p)
    assert r.exit_code == 2
    assert f"restore: error: {p}:2: malformed JSON: Expecting value (column 1)" in r.stderr
    _check_aligned(r.stdout.splitlines(), str(p))
    r = run("fix", p, "-o", tmp_path / "out.jsonl")
    assert r.exit_code == 2
    _check_aligned((tmp_path / "out.jsonl").read_text().splitlines(), str(p))
    r = run("fix", p, "-o", f"{tmp_path / 'outdir'}/")
    assert r.exit_code == 2
    _check_aligned((tmp_path / "outdir" / "j.jsonl").read_text().splitlines(), str(p))
    r = run("detect", p)
    assert r.exit_code == 2 and ":2: malformed JSON" in r.stderr
    _check_aligned(r.stdout.splitlines(), str(p), None)


def test_bad_jsonl_lines_give_error_entries_in_json(run, tmp_path):
    p = tmp_path / "j.jsonl"
    p.write_text(BAD_JSONL)
    for cmd in ("fix", "detect"):
        r = run(cmd, "-f", "json", p)
        assert r.exit_code == 2
        _check_aligned([json.dumps(x) for x in json.loads(r.stdout)], str(p), "restored" if cmd == "fix" else None)


def test_bad_jsonl_line_on_stdin_and_a_text_file_that_cannot_be_read(run, tmp_path):
    r = run("fix", "--input-format", "jsonl", input='{"text": "a"}\n{oops\n{"text": "b"}\n')
    recs = [json.loads(x) for x in r.stdout.splitlines()]
    assert r.exit_code == 2 and len(recs) == 3
    assert recs[1]["error"]["path"] == "<stdin>" and recs[1]["error"]["line"] == 2
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01")
    (tmp_path / "a.txt").write_text(NBC)
    r = run("fix", "-f", "jsonl", tmp_path / "bin.txt", tmp_path / "a.txt")
    recs = [json.loads(x) for x in r.stdout.splitlines()]
    assert r.exit_code == 2 and len(recs) == 2 and recs[1]["restored"] == NBC_FIXED
    assert recs[0]["error"]["path"] == str(tmp_path / "bin.txt") and recs[0]["error"]["line"] is None
    assert recs[0]["error"]["message"].startswith("binary file")


def test_blank_jsonl_lines_are_not_records(run, tmp_path):
    p = tmp_path / "j.jsonl"
    p.write_text('{"text": "a"}\n\n   \n{"text": "b"}\n')
    r = run("fix", p)
    assert r.exit_code == 0 and r.stderr == ""
    assert [json.loads(x)["restored"] for x in r.stdout.splitlines()] == ["a", "b"]


def test_duplicate_ids_are_reported(run, tmp_path):
    p = tmp_path / "j.jsonl"
    p.write_text('{"id": 1, "text": "a"}\n{"id": "x", "text": "b"}\n{"id": 1, "text": "c"}\n'
                 '{"id": "x", "text": "d"}\n{"id": "1", "text": "e"}\n')
    r = run("fix", "--id-field", "id", p)
    assert r.exit_code == 0
    assert [json.loads(x)["restored"] for x in r.stdout.splitlines()] == ["a", "b", "c", "d", "e"]
    warnings = [x for x in r.stderr.splitlines() if x.startswith("restore: warning:")]
    assert warnings == [f"restore: warning: {p}:3: duplicate id 1 (first on line 1)",
                        f'restore: warning: {p}:4: duplicate id "x" (first on line 2)']
    assert run("fix", "-q", "--id-field", "id", p).stderr == ""
    assert "duplicate" not in run("fix", p).stderr  # without --id-field the ids are path:line


# ------------------------------------------------------------------ 2. what a directory walk skips
def test_directory_walk_names_every_path_it_skips(run, tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "a.txt").write_text(NBC)
    (d / "dangling.txt").symlink_to(d / "gone.txt")
    (d / "loop.txt").symlink_to(d / "loop.txt")
    os.mkfifo(d / "fifo.txt")
    (d / ".hidden.txt").write_text(NBC)
    r = run("fix", d, "-o", tmp_path / "out")
    assert r.exit_code == 0, r.stderr
    assert f"restore: warning: {d / 'dangling.txt'}: skipped: broken symbolic link" in r.stderr
    assert f"restore: warning: {d / 'loop.txt'}: skipped: symbolic link loop" in r.stderr
    assert f"restore: warning: {d / 'fifo.txt'}: skipped: not a regular file (FIFO)" in r.stderr
    assert ".hidden" not in r.stderr
    assert _names(tmp_path / "out") == ["a.txt"]
    r = run("detect", d)
    assert r.exit_code in (0, 1) and r.stderr.count("skipped:") == 3


def test_a_skipped_jsonl_link_does_not_change_the_output_format(run, tmp_path):
    (tmp_path / "a.txt").write_text(NBC)
    (tmp_path / "b.jsonl").symlink_to(tmp_path / "gone.jsonl")
    r = run("fix", tmp_path, "--glob", "*")
    assert r.exit_code == 0 and "b.jsonl: skipped: broken symbolic link" in r.stderr
    assert r.stdout.endswith(NBC_FIXED) and not r.stdout.startswith("{")  # text, as without the link


def test_a_loop_or_dangling_link_named_directly_is_an_error(run, tmp_path):
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    r = run("fix", tmp_path / "loop.txt")
    assert r.exit_code == 2 and f"restore: error: {tmp_path / 'loop.txt'}: symbolic link loop" in r.stderr
    r = run("fix", tmp_path / "dangling.txt")
    assert r.exit_code == 2 and f"restore: error: {tmp_path / 'dangling.txt'}: broken symbolic link" in r.stderr


# ------------------------------------------------------------------ 3. limits in their own units
def test_size_limit_is_stated_in_bytes(run, tmp_path):
    p = tmp_path / "big.txt"
    with open(p, "wb") as f:
        f.truncate(49_960_000)  # 49.96 MB (sparse): once printed as "50 MB, over the 50 MB limit"
    r = run("fix", "--max-bytes", 49_950_000, p)
    assert r.exit_code == 2
    assert f"{p}: file is 49,960,000 bytes, over --max-bytes 49,950,000" in r.stderr
    j = tmp_path / "j.jsonl"
    j.write_text('{"text": "' + "x" * 200 + '"}\n{"text": "ok"}\n')
    r = run("fix", "--max-bytes", 100, j)
    assert r.exit_code == 2 and f"{j}:1: line is 213 bytes, over --max-bytes 100" in r.stderr
    r = run("fix", "--max-bytes", 10, input="x" * 50)
    assert r.exit_code == 2 and "<stdin>: input is more than 10 bytes, over --max-bytes 10" in r.stderr


def test_max_chars_option(run, tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(NBC)  # 22 characters
    r = run("fix", "--max-chars", 10, p)
    assert r.exit_code == 2 and str(p) in r.stderr and "22 characters" in r.stderr and "10" in r.stderr
    r = run("fix", "--max-chars", 22, p)
    assert r.exit_code == 0 and r.stdout == NBC_FIXED
    r = run("detect", "--max-chars", 10, p)
    assert r.exit_code == 2 and "22 characters" in r.stderr
    assert run("fix", "--max-chars", 0, p).exit_code == 2


@pytest.mark.parametrize("cmd", ["fix", "detect"])
def test_help_states_both_limits(run, cmd):
    out = " ".join(run(cmd, "--help").stdout.split())
    assert "--max-bytes" in out and "--max-chars" in out
    assert "characters" in out and "bytes" in out


def test_in_place_goes_on_past_a_backup_it_cannot_write(run, tmp_path, monkeypatch):
    import shutil

    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(NBC)
    real = shutil.copy2

    def copy2(src, dst, **kw):
        if str(src).endswith("a.txt"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(src, dst, **kw)

    monkeypatch.setattr("restore.io.outputs.shutil.copy2", copy2)
    r = run("fix", tmp_path / "a.txt", tmp_path / "b.txt", "--in-place", "--backup", ".orig")
    _no_internal_error(r)
    assert r.exit_code == 2 and f"{tmp_path / 'a.txt.orig'}: cannot write: No space left on device" in r.stderr
    assert (tmp_path / "a.txt").read_text() == NBC  # not rewritten without its backup
    assert (tmp_path / "b.txt").read_text() == NBC_FIXED and (tmp_path / "b.txt.orig").read_text() == NBC
