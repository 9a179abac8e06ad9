"""Ray: ``restore_dataset`` and ``restore fix/detect --engine ray`` on a real local cluster give the
serial run's output, in order, with bad records reported as in the serial run."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning:ray"),  # Ray Data's own deprecations
              pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")]  # ... and its pandas calls

from typer.testing import CliRunner  # noqa: E402

import restore.batch as batch  # noqa: E402
from restore import Config, LexiconError, RestoreError, detect_batch, restore_batch  # noqa: E402
from restore.cli import app  # noqa: E402
from restore.errors import ConfigError, InputError  # noqa: E402
from restore.integrations.ray import RestoreBatch, map_windows_ray, restore_dataset  # noqa: E402
from restore.io.records import detection_record, result_record  # noqa: E402
from restore.paths import PACKAGE_MODELS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DICT_ONLY = Config(use_model=False, use_detector=False)
SPUN = "Human legal rights advocates spoke to NBC Information."
TEXTS = [SPUN, "The weather was mild.", None, "Officials told NBC Information about the plan.",
         "A spokesperson for the White Dwelling declined to comment.", "Nothing here.",
         "Very last 7 days the firm claimed more. " * 3]  # the last is over max_chars=100
CFG = {"use_model": False, "use_detector": False, "max_chars": 100}


@pytest.fixture(scope="module", autouse=True)
def cluster():
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _rows(ds) -> list[dict]:
    return ds.to_pandas().to_dict("records")


def _na(v) -> bool:
    import pandas as pd

    return v is None or (pd.api.types.is_scalar(v) and pd.isna(v))


def test_restore_dataset_gives_the_serial_results_in_order():
    ds = ray.data.from_items([{"id": i, "text": t} for i, t in enumerate(TEXTS)])
    rows = _rows(restore_dataset(ds, config=CFG, actors=2, batch_size=2))
    serial = restore_batch(TEXTS, Config(**CFG))
    assert [r["id"] for r in rows] == list(range(len(TEXTS)))
    assert rows[0]["restored"] == "Human rights advocates spoke to NBC News."
    for row, r in zip(rows, serial):
        if isinstance(r, InputError):
            assert row["error"] == str(r) and _na(row["restored"]) and _na(row["spun_score"])
            continue
        rec = result_record(r)
        assert _na(row["error"])
        assert (row["restored"], json.loads(row["edits"]), row["spun_score"], json.loads(row["spans"]),
                row["changed"]) == (rec["restored"], rec["edits"], rec["spun_score"], rec["unrestored_spans"],
                                    rec["changed"])
    assert rows[2]["error"] == "expected text (str), got NoneType"
    assert "over --max-chars 100" in rows[6]["error"]
    assert [r["changed"] for r in rows if not _na(r["changed"])] == [True, False, True, True, False]


def test_restore_dataset_detect_gives_the_serial_detections():
    ds = ray.data.from_items([{"text": t} for t in TEXTS])
    rows = _rows(restore_dataset(ds, mode="detect", config=Config(**CFG), actors=2, batch_size=3))
    serial = detect_batch(TEXTS, Config(**CFG))
    assert len(rows) == len(serial)
    assert [_na(r["text"]) or r["text"] for r in rows] == [t is None or t for t in TEXTS]
    for row, d in zip(rows, serial):
        if isinstance(d, InputError):
            assert row["error"] == str(d) and _na(row["spans"])
            continue
        rec = detection_record(d)
        assert (json.loads(row["spans"]), row["spun_score"]) == (rec["spans"], rec["spun_score"])
        assert _na(row["spinner"]) if rec["spinner"] is None else json.loads(row["spinner"]) == rec["spinner"]
    spans = json.loads(rows[0]["spans"])
    assert [(s["text"], s["suggestion"]) for s in spans] == [("legal", ""), ("Information", "News")]
    assert json.loads(rows[0]["spinner"])["family"] == "unknown" and _na(rows[1]["spinner"])
    assert rows[2]["error"] == "expected text (str), got NoneType"


def test_restore_batch_class_takes_pandas_and_numpy_batches_in_process():
    import numpy as np
    import pandas as pd

    fn = RestoreBatch(text_column="body", config=DICT_ONLY)
    out = fn(pd.DataFrame({"body": [SPUN, 42]}))
    assert list(out["restored"])[0] == "Human rights advocates spoke to NBC News."
    assert list(out["error"]) == [None, "expected text (str), got int"]
    arr = fn({"body": np.array([SPUN, "Nothing here."], dtype=object)})
    assert list(arr["restored"]) == ["Human rights advocates spoke to NBC News.", "Nothing here."]
    assert list(arr["changed"]) == [True, False]
    with pytest.raises(ConfigError, match="mode"):
        RestoreBatch(mode="tag")
    with pytest.raises(ConfigError):
        restore_dataset(ray.data.from_items([{"text": "x"}]), config={"threshold": 2.0})
    with pytest.raises(ConfigError, match="no column 'text'"):
        RestoreBatch()(pd.DataFrame({"body": ["x"]}))


@pytest.mark.skipif(not (PACKAGE_MODELS / "restorer" / "model.safetensors").is_file(),
                    reason="models/restorer not shipped")
def test_restore_dataset_with_the_models_gives_the_serial_results():
    texts = ["The firm claimed on Tuesday that its quarterly profits rose 12 pct on higher sales.",
             "In a letter despatched Wednesday, the senator claimed the company's business raises severe thoughts.",
             "The Prime Minister said on Tuesday that the government would cut taxes."]
    rows = _rows(restore_dataset(ray.data.from_items([{"text": t} for t in texts]), actors=2, batch_size=1))
    serial = [restore_batch([t])[0] for t in texts]  # batch_size=1: each text in a batch of its own
    assert [(r["restored"], json.loads(r["edits"]), r["spun_score"], json.loads(r["spans"])) for r in rows] == \
        [(rec["restored"], rec["edits"], rec["spun_score"], rec["unrestored_spans"])
         for rec in map(result_record, serial)]
    assert any(r.applied for r in serial)


# ---------------------------------------------------------------- map_windows_ray (the CLI's engine)
def test_actors_return_every_window_in_order_with_the_same_results():
    texts = [t for t in TEXTS if t is not None]
    windows = [texts[0:2], [], texts[2:3], texts[3:5], texts[5:6], texts[0:1], texts[2:4]]  # > 2 * actors in flight
    here = [(w, res) for w, res in batch.map_windows(restore_batch, windows, DICT_ONLY)]
    there = [(w, res) for w, res in batch.map_windows(restore_batch, windows, DICT_ONLY, engine="ray", actors=2)]
    assert [(w, [r.text for r in res]) for w, res in there] == [(w, [r.text for r in res]) for w, res in here]
    assert [w for w, _ in there] == windows and there[1][1] == []
    assert [[result_record(r) for r in res] for _, res in there] == [[result_record(r) for r in res] for _, res in here]


def test_an_error_in_an_actor_comes_back_as_it_is(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("only one column\n")
    cfg = DICT_ONLY.replace(lexicons=(str(bad),))
    with pytest.raises(LexiconError) as here:
        list(batch.map_windows(restore_batch, [[SPUN]], cfg))
    with pytest.raises(LexiconError) as there:
        list(map_windows_ray(restore_batch, [[SPUN], ["Nothing here."]], cfg, actors=2))
    assert str(there.value) == str(here.value) and "bad.tsv" in str(there.value)


def test_an_actor_that_dies_is_a_restore_error_and_bad_settings_fail_at_once():
    with pytest.raises(RestoreError, match="Ray actor stopped unexpectedly"):
        list(map_windows_ray(lambda texts, cfg: __import__("os")._exit(9), [["a"], ["b"]], DICT_ONLY, actors=1))
    with pytest.raises(ConfigError, match="3 Ray actors need 3 CPUs"):
        list(map_windows_ray(restore_batch, [["a"]], DICT_ONLY, actors=3))
    with pytest.raises(ConfigError, match="engine"):
        list(batch.map_windows(restore_batch, [["a"]], DICT_ONLY, engine="spark"))


# ---------------------------------------------------------------- the CLI
def _records(tmp_path) -> Path:
    texts = [SPUN, "The weather was mild.", "Officials told NBC Information about the plan.",
             "A spokesperson for the White Dwelling declined to comment.", "Nothing here at all."]
    lines = [json.dumps({"id": f"r{i}", "text": texts[i % len(texts)]}) for i in range(20)]
    lines[7] = json.dumps({"id": "number", "text": 42})  # read error: reported by the reader
    lines[13] = json.dumps({"id": "long", "text": SPUN * 4})  # over --max-chars: reported by the pipeline
    p = tmp_path / "records.jsonl"
    p.write_text("\n".join(lines) + "\n")
    return p


@pytest.mark.parametrize("command", ["fix", "detect"])
def test_cli_engine_ray_gives_the_serial_output_and_reports_bad_records(command, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "BATCH_DOCS", 3)  # 7 windows over 2 actors, more than 4 in flight
    path = _records(tmp_path)
    runner = CliRunner()
    argv = [command, str(path), "--no-detector", "-f", "jsonl", "--max-chars", "120"] + \
        (["--no-model"] if command == "fix" else [])
    import restore.integrations.ray as engine

    calls = []
    real = engine.map_windows_ray
    monkeypatch.setattr(engine, "map_windows_ray", lambda *a, **k: (calls.append(k["actors"]), real(*a, **k))[1])
    serial = runner.invoke(app, argv)
    assert calls == []
    ray_run = runner.invoke(app, argv + ["--engine", "ray", "--actors", "2"])
    assert calls == [2]
    assert serial.exit_code == ray_run.exit_code == 2, ray_run.stderr
    assert ray_run.stdout == serial.stdout and ray_run.stdout.count("\n") == 20
    assert ray_run.stderr == serial.stderr
    assert f"{path}:8: field 'text' is a number" in ray_run.stderr and f"{path}:14: text is" in ray_run.stderr
    lines = ray_run.stdout.splitlines()
    assert json.loads(lines[7])["error"]["line"] == 8 and json.loads(lines[13])["error"]["line"] == 14
    if command == "fix":
        assert json.loads(lines[0])["restored"] == "Human rights advocates spoke to NBC News."


@pytest.mark.parametrize("extra, message", [
    (["--actors", "2"], "--actors works only with --engine ray"),
    (["--engine", "local", "--actors", "3"], "--actors works only with --engine ray"),
    (["--engine", "ray", "--jobs", "2"], "not both"),
])
@pytest.mark.parametrize("command", ["fix", "detect"])
def test_cli_bad_engine_options_are_usage_errors(command, extra, message, tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(SPUN)
    res = CliRunner().invoke(app, [command, str(p), "--no-detector"] + extra)
    assert res.exit_code == 2 and message in res.stderr and res.stdout == ""


def test_cli_engine_ray_without_ray_names_the_install(tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a))
    p = tmp_path / "a.txt"
    p.write_text(SPUN)
    res = CliRunner().invoke(app, ["fix", str(p), "--no-model", "--no-detector", "--engine", "ray"])
    assert res.exit_code == 2 and "pip install 'restore-spun[scale]'" in res.stderr
    assert res.stderr.count("\n") == 1


def test_the_cli_and_batch_do_not_import_ray():
    code = "import sys, restore, restore.cli, restore.batch; print('ray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["False"]
