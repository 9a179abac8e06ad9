"""Restoring restored text changes nothing: the passes over a text's own output (Config.passes)
decide each wording in the context it ends up in."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from restore import Config, restore_and_explain, restore_batch
from restore.edits.apply import apply_edits
from restore_dev.spin import Spinner

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PARAGRAPHS = [p for p in (SAMPLES / "clean_news_tiandy.txt").read_text(encoding="utf-8").split("\n\n")
              if len(p.split()) >= 12]


@pytest.fixture(scope="module")
def spinner():
    return Spinner(None)


def test_the_spun_sample_restored_twice_changes_nothing_the_second_time():
    text = (SAMPLES / "spun_news_tiandy.txt").read_text(encoding="utf-8")
    once = restore_and_explain(text)
    assert apply_edits(text, once.edits) == once.text and once.applied
    twice = restore_and_explain(once.text)
    assert [(e.original, e.replacement, e.confidence) for e in twice.applied] == []


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(PARAGRAPHS) - 1), st.sampled_from(["light", "medium", "heavy", "mixture"]),
       st.integers(0, 10_000))
def test_spun_text_restored_twice_changes_nothing_the_second_time(spinner, i, preset, seed):
    spun = spinner.spin(PARAGRAPHS[i], preset, seed).spun
    (once,) = restore_batch([spun])
    assert apply_edits(spun, once.edits) == once.text
    (twice,) = restore_batch([once.text])
    assert [(e.original, e.replacement, round(e.confidence, 3)) for e in twice.applied] == []


def test_one_pass_is_the_old_behaviour_and_is_named_in_the_signature():
    text = (SAMPLES / "spun_news_tiandy.txt").read_text(encoding="utf-8")
    one = restore_and_explain(text, Config(passes=1))
    three = restore_and_explain(text)
    assert "passes:1" in one.signature and "passes" not in three.signature
    assert len(three.applied) >= len(one.applied)
    assert restore_and_explain(one.text, Config(passes=1)).applied  # a single pass is not idempotent here


def test_check_on_a_restored_file_finds_nothing_to_change(tmp_path):
    from typer.testing import CliRunner

    from restore.cli import app

    out = tmp_path / "restored.txt"
    runner = CliRunner()
    first = runner.invoke(app, ["fix", str(SAMPLES / "spun_news_tiandy.txt"), "-o", str(out)])
    assert first.exit_code == 0 and out.read_text(encoding="utf-8") != (SAMPLES / "spun_news_tiandy.txt").read_text(
        encoding="utf-8")
    again = runner.invoke(app, ["fix", "--check", str(out)])
    assert again.exit_code == 0, again.stderr
