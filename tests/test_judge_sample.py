"""scripts/eval/judge_sample.py (restore_dev/judged_edits.py): a reader's judgements of the edits on the real
spun sample."""
from __future__ import annotations

from pathlib import Path

import pytest

from restore_dev import judged_edits

ROOT = Path(__file__).resolve().parents[1]


def test_the_committed_judgements_point_into_the_sample():
    """Every judged edit's span holds the words it names, so a changed sample or a shifted line shows."""
    text = (ROOT / "samples" / "spun_news_tiandy.txt").read_text(encoding="utf-8")
    lines = [ln.split("\t") for ln in (ROOT / "samples" / "spun_news_tiandy.judged.tsv").read_text().splitlines()
             if ln and not ln.startswith("#")]
    assert len(lines) > 100
    for start, end, original, _replacement, _judgement in lines:
        assert text[int(start):int(end)] == original
    assert len(judged_edits.read_judged(ROOT / "samples" / "spun_news_tiandy.judged.tsv")) == len(lines)


def test_tally_matches_span_and_replacement(tmp_path):
    tsv = tmp_path / "j.tsv"
    tsv.write_text("# start\tend\toriginal\treplacement\tjudgement\n"
                   "0\t5\tstated\tsaid\tright\n10\t15\tspokesperson\tspokesman\twrong\n20\t25\tx\ty\tunsure\n")
    judged = judged_edits.read_judged(tsv)
    edits = [{"start": 0, "end": 5, "replacement": "said", "applied": True},
             {"start": 10, "end": 15, "replacement": "spokesman", "applied": True},
             {"start": 10, "end": 15, "replacement": "representative", "applied": True},  # another wording
             {"start": 20, "end": 25, "replacement": "y", "applied": False}]
    c = judged_edits.tally(edits, judged)
    assert c["applied"] == {"right": 1, "wrong": 1, "unjudged": 1}
    assert c["reported"] == {"unsure": 1}
    assert judged_edits.precision(c["applied"]) == 0.5
    assert judged_edits.precision(c["reported"]) is None


def test_a_malformed_judgement_line_is_named(tmp_path):
    tsv = tmp_path / "j.tsv"
    tsv.write_text("0\t5\tstated\tsaid\tmaybe\n")
    with pytest.raises(SystemExit, match=r"j.tsv:1"):
        judged_edits.read_judged(tsv)
