"""restore.io: finding inputs, decoding them strictly, JSONL records, atomic writes."""
from __future__ import annotations

import gzip
import io as stdio
import json
import os
from pathlib import Path

import pytest

from restore.errors import InputError
from restore.io.write import AtomicWriter, atomic_write, output_path_for, same_file
from restore.io.read import Document, expand_paths, iter_inputs, read_text_source, severity

FIX = Path(__file__).parent / "fixtures"


def _split(items):
    docs = [i for i in items if isinstance(i, Document)]
    errs = [i for i in items if isinstance(i, InputError)]
    return docs, errs


def _one_error(paths, **kw) -> InputError:
    docs, errs = _split(list(iter_inputs([str(p) for p in paths], **kw)))
    assert not docs, docs
    assert len(errs) == 1, errs
    return errs[0]


# ------------------------------------------------------------------ text files
def test_text_file_is_one_document_kept_byte_for_byte(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes("line one\r\nNBC Information\r\n".encode())
    (doc,) = list(iter_inputs([str(p)]))
    assert doc.text == "line one\r\nNBC Information\r\n"  # CRLF kept: offsets stay file offsets
    assert doc.id == doc.path == str(p) and doc.line is None and doc.record is None and doc.kind == "text"


def test_utf8_bom_is_not_part_of_the_text_but_is_recorded(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbfHello there")
    (doc,) = list(iter_inputs([str(p)]))
    assert doc.text == "Hello there" and doc.bom
    p.write_bytes(b"Hello there")
    (doc,) = list(iter_inputs([str(p)]))
    assert doc.text == "Hello there" and not doc.bom


def test_undecodable_bytes_name_offset_and_line():
    err = _one_error([FIX / "latin1.txt"])
    assert err.path.endswith("latin1.txt") and err.line == 1
    assert "byte offset 3" in err.message and "0xe9" in err.message
    assert "UTF-8" in err.hint


def test_undecodable_bytes_on_a_later_line(tmp_path):
    p = tmp_path / "x.txt"
    p.write_bytes(b"fine\nalso fine\nbad \xff here\n")
    err = _one_error([p])
    assert err.line == 3 and "column 5" in err.message and "byte offset 19" in err.message


def test_binary_file(tmp_path):
    p = tmp_path / "blob.txt"
    p.write_bytes(b"PK\x03\x04\x00\x00binary")
    err = _one_error([p])
    assert "binary" in err.message and "offset 4" in err.message


def test_utf16_gets_its_own_hint(tmp_path):
    p = tmp_path / "u16.txt"
    p.write_bytes("hello".encode("utf-16"))
    err = _one_error([p])
    assert "UTF-16" in err.message and "utf-16" in err.hint


@pytest.mark.parametrize("content", [b"", b"  \n\t\n"])
def test_empty_input_is_a_document(tmp_path, content):
    # issue 30: an empty or all-blank text comes back as it is, like any other
    p = tmp_path / "empty.txt"
    p.write_bytes(content)
    (doc,) = list(iter_inputs([str(p)]))
    assert isinstance(doc, Document) and doc.text == content.decode()


def test_real_errors_have_error_severity():
    err = _one_error([FIX / "latin1.txt"])
    assert severity(err) == "error"


def test_size_limit(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("word " * 300)
    err = _one_error([p], max_bytes=1000)
    assert err.message == "file is 1,500 bytes, over --max-bytes 1,000" and "split" in err.hint
    (doc,) = list(iter_inputs([str(p)], max_bytes=2000))
    assert doc.text.startswith("word")


def test_nonexistent_path(tmp_path):
    err = _one_error([tmp_path / "nope.txt"])
    assert err.message == "no such file or directory" and err.path.endswith("nope.txt")


def test_stdin_is_the_default():
    items = list(iter_inputs(None, stdin=stdio.BytesIO("NBC Information\n".encode())))
    assert [d.text for d in items] == ["NBC Information\n"] and items[0].path == "<stdin>"
    items = list(iter_inputs(["-"], stdin=stdio.BytesIO(b"abc")))
    assert items[0].text == "abc"


def test_stdin_over_the_limit():
    (err,) = list(iter_inputs(["-"], stdin=stdio.BytesIO(b"x" * 50), max_bytes=10))
    assert err.message == "input is more than 10 bytes, over --max-bytes 10"


def test_stdin_as_jsonl():
    data = b'{"text": "a"}\n{"text": "b"}\n'
    docs = list(iter_inputs(["-"], stdin=stdio.BytesIO(data), input_format="jsonl"))
    assert [d.text for d in docs] == ["a", "b"] and docs[1].id == "<stdin>:2"


# ------------------------------------------------------------------ directories
def test_directory_recursive_sorted_skips_hidden_and_unmatched():
    docs, errs = _split(list(iter_inputs([str(FIX / "tree")])))
    assert not errs
    rel = [Path(d.path).relative_to(FIX / "tree").as_posix() for d in docs]
    assert rel == ["a.txt", "sub/b.txt"]
    assert all(d.root == str(FIX / "tree") for d in docs)


def test_directory_not_recursive_and_glob():
    docs = [d for d in iter_inputs([str(FIX / "tree")], recursive=False)]
    assert [Path(d.path).name for d in docs] == ["a.txt"]
    docs = [d for d in iter_inputs([str(FIX / "tree")], glob="*.md")]
    assert [Path(d.path).name for d in docs] == ["notes.md"]


def test_directory_without_matching_files(tmp_path):
    (tmp_path / "x.csv").write_text("a,b\n")
    err = _one_error([tmp_path])
    assert "no files matching '*.{txt,pdf}'" in err.message and "--glob" in err.hint


def test_expand_paths_kinds(tmp_path):
    srcs = expand_paths([str(FIX / "records.jsonl"), str(FIX / "spun.txt"), "-"])
    assert [s.kind for s in srcs] == ["jsonl", "text", "text"]
    assert [s.kind for s in expand_paths([str(FIX / "spun.txt")], input_format="jsonl")] == ["jsonl"]


# ------------------------------------------------------------------ JSONL
def test_jsonl_records_keep_their_fields():
    docs = list(iter_inputs([str(FIX / "records.jsonl")]))
    assert [d.id for d in docs] == [f"{FIX / 'records.jsonl'}:{i}" for i in (1, 2, 3)]
    assert docs[0].record == {"id": "r1", "lang": "en", "text": docs[0].text, "n": 1}
    assert [d.line for d in docs] == [1, 2, 3] and all(d.kind == "jsonl" for d in docs)


def test_jsonl_id_field_and_other_text_field(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text('{"key": 7, "body": "one"}\n{"key": "k2", "body": "two"}\n')
    docs = list(iter_inputs([str(p)], field="body", id_field="key"))
    assert [(d.id, d.text) for d in docs] == [("7", "one"), ("k2", "two")]


def test_jsonl_gz(tmp_path):
    p = tmp_path / "x.jsonl.gz"
    with gzip.open(p, "wt", encoding="utf-8") as f:
        f.write('{"text": "Human legal rights"}\n\n{"text": "b"}\n')
    docs = list(iter_inputs([str(p)]))
    assert [(d.text, d.line) for d in docs] == [("Human legal rights", 1), ("b", 3)]  # blank line skipped


def test_gzip_is_recognised_by_its_magic_bytes(tmp_path):
    p = tmp_path / "x.jsonl.orig"
    p.write_bytes(gzip.compress(b'{"text": "zipped"}\n'))
    assert [d.text for d in iter_inputs([str(p)], input_format="jsonl")] == ["zipped"]
    err = _one_error([p])  # read as text: say what it is
    assert "gzip" in err.message and ".jsonl.gz" in err.hint


def test_jsonl_gz_that_is_not_gzip(tmp_path):
    p = tmp_path / "x.jsonl.gz"
    p.write_text('{"text": "plain"}\n')
    err = _one_error([p])
    assert "gzip" in err.message


def test_bad_jsonl_line_in_the_middle_keeps_the_others():
    docs, errs = _split(list(iter_inputs([str(FIX / "bad_line3.jsonl")])))
    assert [d.line for d in docs] == [1, 2, 4]
    (err,) = errs
    assert err.line == 3 and err.path.endswith("bad_line3.jsonl") and "malformed JSON" in err.message
    assert str(err).startswith(f"{FIX / 'bad_line3.jsonl'}:3: malformed JSON")


@pytest.mark.parametrize("line, words", [
    ('{"title": "x"}', ["no field 'text'", "title"]),
    ('{"text": 5}', ["'text' is a number, not a string"]),
    ('{"text": null}', ["'text' is null, not a string"]),
    ('["text"]', ["expected a JSON object, got a list"]),
    ('{"text": "a", ', ["malformed JSON"]),
])
def test_bad_records(tmp_path, line, words):
    p = tmp_path / "x.jsonl"
    p.write_text('{"text": "good"}\n' + line + "\n")
    docs, errs = _split(list(iter_inputs([str(p)])))
    assert [d.text for d in docs] == ["good"]
    (err,) = errs
    assert err.line == 2
    for w in words:
        assert w in str(err)


def test_jsonl_missing_id_field(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text('{"text": "a"}\n')
    err = _one_error([p], id_field="uid")
    assert "no id field 'uid'" in err.message


def test_jsonl_undecodable_line_and_long_line(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n{"text": "' + b"y" * 500 + b'"}\n{"text": "end"}\n')
    docs, errs = _split(list(iter_inputs([str(p)], max_bytes=100)))
    assert [d.text for d in docs] == ["ok", "end"]
    assert [e.line for e in errs] == [2, 3]
    assert "not UTF-8" in errs[0].message and errs[1].message == "line is 513 bytes, over --max-bytes 100"


def test_jsonl_binary_and_empty(tmp_path):
    b = tmp_path / "b.jsonl"
    b.write_bytes(b"\x00\x01\x02" * 10)
    assert "binary" in _one_error([b]).message
    e = tmp_path / "e.jsonl"
    e.write_text("\n\n")
    assert list(iter_inputs([str(e)])) == []  # blank lines are not records


# ------------------------------------------------------------------ writing
def test_atomic_write_creates_parents_and_leaves_no_temp(tmp_path):
    target = tmp_path / "deep" / "er" / "out.txt"
    atomic_write(target, "héllo")
    assert target.read_text(encoding="utf-8") == "héllo"
    atomic_write(target, b"bytes")
    assert target.read_bytes() == b"bytes"
    assert sorted(os.listdir(target.parent)) == ["out.txt"]


def test_atomic_write_failure_keeps_the_old_file_and_removes_the_temp(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with AtomicWriter(target) as f:
            f.write(b"half of the new")
            raise RuntimeError("disk on fire")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_atomic_write_failure_on_replace(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"

    def boom(*a, **k):
        raise OSError("no")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write(target, "x")
    assert os.listdir(tmp_path) == []


def test_atomic_write_keeps_mode_and_gzips(tmp_path):
    target = tmp_path / "script.txt"
    target.write_text("a")
    target.chmod(0o640)
    atomic_write(target, "b")
    assert target.stat().st_mode & 0o777 == 0o640
    gz = tmp_path / "x.jsonl.gz"
    atomic_write(gz, '{"a": 1}\n')
    assert gzip.decompress(gz.read_bytes()) == b'{"a": 1}\n'


def test_atomic_write_goes_through_a_symlink(tmp_path):
    real = tmp_path / "archive" / "a.txt"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "a.txt"
    link.symlink_to(Path("archive") / "a.txt")
    atomic_write(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
    assert sorted(os.listdir(real.parent)) == ["a.txt"]


def test_output_path_for_mirrors_the_tree(tmp_path):
    assert output_path_for("in/sub/b.txt", "in", "out") == Path("out/sub/b.txt")
    assert output_path_for("in/sub/b.txt", None, "out") == Path("out/b.txt")
    assert output_path_for("in/a.txt", "in", "out", ".html") == Path("out/a.txt.html")
    assert output_path_for("/elsewhere/c.txt", "in", "out") == Path("out/c.txt")


def test_same_file(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("x")
    assert same_file(a, tmp_path / "." / "a.txt")
    assert not same_file(a, tmp_path / "b.txt")


def test_read_text_source_reads_empty_text(tmp_path):
    p = tmp_path / "e.txt"
    p.write_text("")
    assert read_text_source(str(p), allow_empty=True).text == ""
    assert read_text_source(str(p)).text == ""


def test_fixture_records_are_valid_json():
    for line in (FIX / "records.jsonl").read_text().splitlines():
        assert isinstance(json.loads(line), dict)
