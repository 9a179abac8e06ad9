"""restore.integrations.datatrove: RestoreStep and SpunScoreFilter in a real LocalPipelineExecutor
(JsonlReader -> RestoreStep -> SpunScoreFilter -> JsonlWriter), and against restore_batch/detect_batch."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

pytest.importorskip("datatrove")

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.readers.base import BaseDiskReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402
from datatrove.pipeline.writers.disk_base import DiskWriter  # noqa: E402

from restore import Config, InputError, detect_batch, restore_batch  # noqa: E402
from restore.errors import ConfigError  # noqa: E402
from restore.integrations.datatrove import RestoreStep, SpunScoreFilter  # noqa: E402
from restore.io.records import result_record, span_record  # noqa: E402

SPUN = "Human legal rights advocates spoke to NBC Information."
RESTORED = "Human rights advocates spoke to NBC News."
CLEAN = "The cat sat on the mat."
TOO_LONG = "A sentence that is longer than the limit of eighty characters set in the config here."
DICT_ONLY = {"use_model": False, "use_detector": False, "max_chars": 80}


class _StdlibJsonlReader(BaseDiskReader):
    """JsonlReader without orjson (datatrove's needs its ``io`` extra): the same documents."""

    name = "JSONL (stdlib json)"

    def read_file(self, filepath: str):
        with self.data_folder.open(filepath, "rt") as f:
            for li, line in enumerate(f):
                yield self.get_document_from_dict(json.loads(line), filepath, li)


class _StdlibJsonlWriter(DiskWriter):
    default_output_filename = "${rank}.jsonl"
    name = "JSONL (stdlib json)"

    def __init__(self, output_folder: str):
        super().__init__(output_folder, compression=None, mode="wt")

    def _write(self, document: dict, file_handler, filename: str):
        file_handler.write(json.dumps(document) + "\n")


def _reader(folder: str):
    """datatrove's JsonlReader where orjson is installed, else the same reading with the stdlib."""
    return JsonlReader(folder) if importlib.util.find_spec("orjson") else _StdlibJsonlReader(folder)


def _writer(folder: str):
    return JsonlWriter(folder, compression=None) if importlib.util.find_spec("orjson") else _StdlibJsonlWriter(folder)


def _docs(texts):
    return [Document(text=t, id=str(i)) for i, t in enumerate(texts)]


def _read_jsonl(folder):
    return [json.loads(line) for p in sorted(folder.glob("*.jsonl")) for line in p.read_text().splitlines()]


def test_pipeline_on_local_executor(tmp_path):
    """Two input files, two tasks: restored texts and metadata as restore_batch gives them, the spun
    document dropped by the filter (to the exclusion writer), the clean and the bad one kept."""
    src = tmp_path / "in"
    src.mkdir()
    rows = [[{"id": "spun", "text": SPUN}, {"id": "clean", "text": CLEAN}],
            [{"id": "long", "text": TOO_LONG}, {"id": "spun2", "text": SPUN + " " + CLEAN}]]
    for k, part in enumerate(rows):
        (src / f"part{k}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in part))
    LocalPipelineExecutor(
        pipeline=[_reader(str(src)), RestoreStep(mode="fix", config=DICT_ONLY, batch_size=2),
                  SpunScoreFilter(config=DICT_ONLY, exclusion_writer=_writer(str(tmp_path / "dropped"))),
                  _writer(str(tmp_path / "out"))],
        tasks=2, workers=1, logging_dir=str(tmp_path / "logs")).run()
    kept = {r["id"]: r for r in _read_jsonl(tmp_path / "out")}
    dropped = {r["id"]: r for r in _read_jsonl(tmp_path / "dropped")}
    assert set(kept) == {"clean", "long"} and set(dropped) == {"spun", "spun2"}

    cfg = Config(**DICT_ONLY)
    texts = [SPUN, CLEAN, TOO_LONG, SPUN + " " + CLEAN]
    want = dict(zip(["spun", "clean", "long", "spun2"], restore_batch(texts, cfg)))
    assert isinstance(want["long"], InputError)
    for doc_id, rec in {**kept, **dropped}.items():
        meta, r = rec["metadata"], want[doc_id]
        if isinstance(r, InputError):
            assert rec["text"] == TOO_LONG and meta["restore_error"] == str(r)
            assert "restore_spun_score" not in meta and "restore_edits" not in meta
            continue
        assert rec["text"] == r.text
        assert meta["restore_spun_score"] == r.spun_score and meta["restore_changed"] == r.changed
        assert meta["restore_edits"] == result_record(r)["edits"]
        assert ("restore_original" in meta) == r.changed
    assert dropped["spun"]["text"] == RESTORED and dropped["spun"]["metadata"]["restore_original"] == SPUN
    assert dropped["spun"]["metadata"]["filter_reason"] == "spun"
    assert [e["replacement"] for e in dropped["spun"]["metadata"]["restore_edits"]] == ["Human rights", "NBC News"]
    assert kept["clean"]["text"] == CLEAN and kept["clean"]["metadata"]["restore_edits"] == []

    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    got = next(s["stats"] for s in stats if "Restore" in s["name"])
    got = {k: v["total"] if isinstance(v, dict) else v for k, v in got.items()}  # a count or a summary
    assert (got["documents"], got["changed"], got["restore_errors"], got["edits_applied"]) == (4, 2, 1, 4)


def test_tag_mode_matches_detect_batch_in_order():
    texts = [SPUN, CLEAN, TOO_LONG, CLEAN + " " + SPUN, SPUN]
    docs = list(RestoreStep(mode="tag", config=DICT_ONLY, batch_size=2).run(iter(_docs(texts))))
    assert [d.id for d in docs] == [str(i) for i in range(len(texts))]
    assert [d.text for d in docs] == texts  # tag leaves the text as it is
    for doc, d in zip(docs, detect_batch(texts, Config(**DICT_ONLY))):
        if isinstance(d, InputError):
            assert doc.metadata == {"restore_error": str(d)}
            continue
        assert doc.metadata["restore_spun_score"] == d.spun_score
        assert doc.metadata["restore_spans"] == [span_record(s) for s in d.spans]
        assert doc.metadata["restore_spinner"] == (d.spinner.family if d.spinner is not None else None)
    assert docs[0].metadata["restore_spans"] and docs[1].metadata["restore_spans"] == []


def test_filter_scores_documents_itself_and_keeps_spun():
    """Without RestoreStep the filter detects in batches; keep_spun keeps only the spun ones; a bad
    document is dropped when keep_errors is False."""
    texts = [SPUN, CLEAN, TOO_LONG, SPUN]
    flt = SpunScoreFilter(keep_spun=True, config=DICT_ONLY, batch_size=3, keep_errors=False)
    kept = list(flt.run(iter(_docs(texts))))
    assert [d.id for d in kept] == ["0", "3"]
    assert all(d.metadata["restore_spun_score"] == 1.0 and d.text == SPUN for d in kept)
    assert flt.threshold() == 0.5  # no detector: the gate is 0.5
    assert flt.stats["dropped_not_spun"].total == 1 and flt.stats["dropped_restore_error"].total == 1
    assert [d.id for d in SpunScoreFilter(max_score=0.0, config=DICT_ONLY).run(iter(_docs(texts)))] == ["2"]


def test_bad_arguments_fail_on_the_driver():
    with pytest.raises(ConfigError):
        RestoreStep(mode="restore")
    with pytest.raises(TypeError):
        RestoreStep(config={"no_such_field": 1})
    with pytest.raises(ConfigError):
        RestoreStep(config={"threshold": 2.0})
    with pytest.raises(ConfigError):
        SpunScoreFilter(max_score=1.5)
    step = RestoreStep(config=Config(use_model=False))  # a Config travels as a dict of its fields
    assert isinstance(step.config, dict) and step.config["use_model"] is False


def test_default_models_match_restore_batch():
    """The shipped models (loaded on the first batch): the same texts, edits and scores as restore_batch."""
    texts = [SPUN, CLEAN, "The agency said the report will be published on Monday."]
    docs = list(RestoreStep(batch_size=2).run(iter(_docs(texts))))
    want = restore_batch(texts)
    assert docs[0].text == RESTORED and docs[1].text == CLEAN
    for doc, r in zip(docs, want):
        assert doc.text == r.text and doc.metadata["restore_spun_score"] == r.spun_score
        assert doc.metadata["restore_edits"] == result_record(r)["edits"]
    flt = SpunScoreFilter()
    kept = list(flt.run(iter(docs)))
    assert [d.id for d in kept] == [d.id for d, r in zip(docs, want) if r.spun_score < flt.threshold()]
    assert "0" not in [d.id for d in kept] and "1" in [d.id for d in kept]


def test_not_imported_by_the_package():
    code = ("import sys, restore, restore.cli, restore.cli.fix, restore.cli.detect; "
            "print(any(m.startswith(('datatrove', 'restore.integrations')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "False", out.stderr
