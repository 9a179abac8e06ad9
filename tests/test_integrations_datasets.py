"""restore.integrations.datasets.restore_map: both modes, num_proc=2, an IterableDataset, and the
same results as restore_batch/detect_batch, in order."""
from __future__ import annotations

import json

import pytest

datasets = pytest.importorskip("datasets")

from restore import Config, InputError, detect_batch, restore_batch  # noqa: E402
from restore.errors import ConfigError  # noqa: E402
from restore.integrations.datasets import restore_map  # noqa: E402
from restore.io.records import result_record, span_record  # noqa: E402

SPUN = "Human legal rights advocates spoke to NBC Information."
RESTORED = "Human rights advocates spoke to NBC News."
CLEAN = "The cat sat on the mat."
TOO_LONG = "A sentence that is longer than the limit of eighty characters set in the config here."
DICT_ONLY = {"use_model": False, "use_detector": False, "max_chars": 80}
TEXTS = [SPUN, CLEAN, TOO_LONG, CLEAN + " " + SPUN, SPUN]


def _ds(texts=TEXTS):
    return datasets.Dataset.from_dict({"id": list(range(len(texts))), "body": texts})


def _check_fix(rows, texts, cfg):
    assert [r["id"] for r in rows] == list(range(len(texts)))
    for row, text, r in zip(rows, texts, restore_batch(texts, cfg)):
        assert row["body"] == text
        if isinstance(r, InputError):
            assert row["restore_error"] == str(r) and row["restored"] == text and row["spun_score"] is None
            assert (row["edits"], row["spans"], row["changed"]) == ("[]", "[]", False)
            continue
        assert row["restore_error"] is None
        assert (row["restored"], row["spun_score"], row["changed"]) == (r.text, r.spun_score, r.changed)
        assert json.loads(row["edits"]) == result_record(r)["edits"]
        assert json.loads(row["spans"]) == [span_record(s) for s in r.spans]


def _check_detect(rows, texts, cfg):
    assert [r["id"] for r in rows] == list(range(len(texts)))
    for row, d in zip(rows, detect_batch(texts, cfg)):
        if isinstance(d, InputError):
            assert row["restore_error"] == str(d) and row["spun_score"] is None and row["spans"] == "[]"
            continue
        assert row["restore_error"] is None and row["spun_score"] == d.spun_score
        assert json.loads(row["spans"]) == [span_record(s) for s in d.spans]
        assert row["spinner"] == (d.spinner.family if d.spinner is not None else None)


def test_fix_matches_restore_batch():
    out = restore_map(_ds(), text_column="body", config=DICT_ONLY, batch_size=2)
    assert isinstance(out, datasets.Dataset)
    assert out.column_names == ["id", "body", "restored", "edits", "spun_score", "spans", "changed", "restore_error"]
    rows = out.to_list()
    _check_fix(rows, TEXTS, Config(**DICT_ONLY))
    assert rows[0]["restored"] == RESTORED and rows[1]["restored"] == CLEAN and not rows[1]["changed"]
    assert rows[2]["restore_error"].startswith("text is 85 characters")


def test_detect_with_two_processes():
    out = restore_map(_ds(), text_column="body", mode="detect", config=DICT_ONLY, batch_size=2, num_proc=2)
    assert out.column_names == ["id", "body", "spun_score", "spans", "spinner", "restore_error"]
    rows = out.to_list()
    _check_detect(rows, TEXTS, Config(**DICT_ONLY))
    assert rows[0]["spun_score"] == 1.0 and rows[1]["spun_score"] == 0.0


def test_iterable_dataset():
    it = _ds().to_iterable_dataset()
    rows = list(restore_map(it, text_column="body", config=Config(**DICT_ONLY), batch_size=3))
    _check_fix(rows, TEXTS, Config(**DICT_ONLY))
    with pytest.raises(ConfigError):
        restore_map(it, text_column="body", num_proc=2)


def test_bad_arguments():
    with pytest.raises(ConfigError):
        restore_map(_ds(), mode="restore")
    with pytest.raises(ConfigError):  # no column "text"
        restore_map(_ds())
    with pytest.raises(ConfigError):
        restore_map(_ds(), text_column="body", batch_size=0)


def test_default_models():
    """The shipped models, both modes: the same as restore_batch and detect_batch."""
    texts = [SPUN, CLEAN, "The agency said the report will be published on Monday."]
    ds = datasets.Dataset.from_dict({"id": [0, 1, 2], "body": texts})
    fixed = restore_map(ds, text_column="body", batch_size=2).to_list()
    _check_fix(fixed, texts, Config())
    assert fixed[0]["restored"] == RESTORED and fixed[1]["restored"] == CLEAN
    _check_detect(restore_map(ds, text_column="body", mode="detect").to_list(), texts, Config())
