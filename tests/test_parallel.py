"""``--jobs N``: windows of documents in worker processes give the same output, in order."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from restore.paths import PACKAGE_MODELS
from restore import Config, LexiconError, RestoreError, restore_batch, restore_text
import restore.batch as cli
from restore.cli import app
from restore.errors import ConfigError
from restore.batch import map_windows, resolve_jobs

FIX = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]
DICT_ONLY = Config(use_model=False, use_detector=False)
TEXTS = ["Officials told NBC Information about the plan.", "The weather was mild.",
         "Human legal rights advocates met at the White Dwelling.", "Very last 7 days the firm claimed more.",
         "Nothing here.", "A spokesperson for the White Dwelling declined to comment."]


def test_resolve_jobs(monkeypatch):
    from restore import batch as parallel

    assert resolve_jobs(1) == 1 and resolve_jobs(3) == 3
    monkeypatch.setattr(parallel, "usable_cpus", lambda: 8)
    monkeypatch.setattr(parallel, "available_bytes", lambda: 64 << 30)
    assert resolve_jobs(0) == 8  # one per CPU
    monkeypatch.setattr(parallel, "available_bytes", lambda: 3 * parallel.WORKER_BYTES + 5)
    assert resolve_jobs(0) == 3  # as many as the memory holds
    monkeypatch.setattr(parallel, "available_bytes", lambda: 100)
    assert resolve_jobs(0) == 1
    monkeypatch.setattr(parallel, "available_bytes", lambda: None)
    assert resolve_jobs(0) == 8
    with pytest.raises(ConfigError):
        resolve_jobs(-1)


def test_workers_return_every_window_in_order_with_the_same_results():
    windows = [TEXTS[0:2], [], TEXTS[2:3], TEXTS[3:5], TEXTS[5:6], TEXTS[0:1], TEXTS[2:4]]  # > 2 * jobs in flight
    here = [(w, [r.text for r in res]) for w, res in map_windows(restore_batch, windows, DICT_ONLY, jobs=1)]
    there = [(w, [r.text for r in res]) for w, res in map_windows(restore_batch, windows, DICT_ONLY, jobs=2)]
    assert there == here
    assert [w for w, _ in there] == windows
    assert there[2][1] == [restore_text(TEXTS[2], DICT_ONLY)] == ["Human rights advocates met at the White House."]
    assert there[1][1] == []


def test_an_error_in_a_worker_comes_back_as_it_is(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("only one column\n")
    cfg = DICT_ONLY.replace(lexicons=(str(bad),))
    with pytest.raises(LexiconError) as here:
        list(map_windows(restore_batch, [TEXTS[:2]], cfg, jobs=1))
    with pytest.raises(LexiconError) as there:
        list(map_windows(restore_batch, [TEXTS[:2], TEXTS[2:]], cfg, jobs=2))
    assert str(there.value) == str(here.value) and "bad.tsv" in str(there.value)


@pytest.mark.parametrize("command", ["fix", "detect"])
def test_cli_jobs_gives_the_same_output_and_reports_bad_records(command, monkeypatch):
    monkeypatch.setattr(cli, "BATCH_DOCS", 1)  # one window per record: they go to both workers
    runner = CliRunner()
    argv = [command, "--no-detector"] + (["--no-model"] if command == "fix" else []) + [str(FIX / "bad_line3.jsonl")]
    one = runner.invoke(app, argv + ["--jobs", "1"])
    two = runner.invoke(app, argv + ["--jobs", "2"])
    assert one.exit_code == two.exit_code == 2
    assert two.stdout == one.stdout and two.stdout.count("\n") == 4  # the bad line gives an error record
    assert f"{FIX / 'bad_line3.jsonl'}:3: malformed JSON" in two.stderr


@pytest.mark.skipif(not (PACKAGE_MODELS / "restorer" / "model.safetensors").is_file(),
                    reason="models/restorer not shipped")
def test_workers_with_the_models_give_the_same_edits_and_confidences():
    texts = ["The firm claimed on Tuesday that its quarterly profits rose 12 pct on higher sales.",
             "In a letter despatched Wednesday, the senator claimed the company's business raises severe thoughts.",
             "The Prime Minister said on Tuesday that the government would cut taxes."]
    windows = [texts[:2], texts[2:]]
    here = [r for _, res in map_windows(restore_batch, windows, Config(), jobs=1) for r in res]
    there = [r for _, res in map_windows(restore_batch, windows, Config(), jobs=2) for r in res]
    assert [(r.text, r.edits, r.spans, r.spun_score, r.signature) for r in there] == \
        [(r.text, r.edits, r.spans, r.spun_score, r.signature) for r in here]
    assert any(r.applied for r in here)


def _die(texts, cfg):  # a worker killed mid-window (out of memory, kill -9)
    import os

    os._exit(9)


def _slow(texts, cfg):
    import time

    if texts != ["fast"]:
        time.sleep(60)
    return list(texts)


def test_a_worker_that_dies_is_a_restore_error_not_a_hang():
    with pytest.raises(RestoreError, match="worker process stopped unexpectedly"):
        list(map_windows(_die, [TEXTS[:1], TEXTS[1:2]], DICT_ONLY, jobs=2))


def test_stopping_early_stops_the_workers_at_once():
    import time

    gen = map_windows(_slow, [["fast"], ["slow"], ["slow"]], DICT_ONLY, jobs=2)
    assert next(gen) == (["fast"], ["fast"])
    t0 = time.perf_counter()
    gen.close()  # the consumer stops (an error in the CLI loop, Ctrl-C): the running windows are dropped
    assert time.perf_counter() - t0 < 20
