"""scripts/eval/judge_spans.py (restore_dev/judged_words.py): a reader's judgement of the real spun sample's
words, for detection."""
from __future__ import annotations

from pathlib import Path

from restore_dev import judged_words

ROOT = Path(__file__).resolve().parents[1]


def test_the_committed_judgements_point_into_the_sample():
    """Every judged word is a scorer word of the sample at its offsets, and every word of the read
    portion is judged, so a changed sample or a shifted line shows."""
    text = (ROOT / "samples" / "spun_news_tiandy.txt").read_text(encoding="utf-8")
    path = ROOT / "samples" / "spun_news_tiandy.words_judged.tsv"
    judged, portion = judged_words.read_judged(path)
    words = {m.span(): m.group() for m in judged_words.WORD.finditer(text)}
    rows = [ln.split("\t") for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    assert len(judged) == len(rows) > 900 and 0 < portion < len(text)
    for start, end, word, _j in rows:
        assert words[(int(start), int(end))] == word
    assert all(span in judged for span in words if span[1] <= portion)


def test_tally_counts_words_as_the_scorer_does(tmp_path):
    text = "Officials stated the vessel was seized near the coast line."
    tsv = tmp_path / "j.tsv"
    rows = {"stated": "spun", "vessel": "not", "coast": "spun", "line": "unsure"}
    lines = ["# portion_end\t40"]  # every word through "seized" was read
    for m in judged_words.WORD.finditer(text):
        j = rows.get(m.group(), "not") if m.end() <= 40 or m.group() in rows else None
        if j:
            lines.append(f"{m.start()}\t{m.end()}\t{m.group()}\t{j}")
    tsv.write_text("\n".join(lines) + "\n")
    judged, portion = judged_words.read_judged(tsv)
    assert portion == 40
    spans = [{"start": 10, "end": 16}, {"start": 21, "end": 27}, {"start": 48, "end": 58}]  # stated, vessel, coast line
    c = judged_words.tally(text, spans, judged, portion)
    assert c["flagged"] == {"spun": 2, "not": 1, "unsure": 1}
    assert c["portion"]["spun"] == 1 and c["portion"]["not"] == 1 and c["portion"]["missed"] == 0
    fig = judged_words.figures(c)
    assert fig["precision"] == 2 / 3 and fig["portion_precision"] == 0.5 and fig["portion_recall"] == 1.0
    c = judged_words.tally(text, spans[1:], judged, portion)  # "stated" no longer flagged: missed
    assert c["portion"]["missed"] == 1 and judged_words.figures(c)["portion_recall"] == 0.0


def test_restored_words_count_the_spun_words_inside_right_edits():
    judged = {(0, 6): "spun", (7, 10): "not", (11, 17): "spun", (30, 35): "spun"}
    assert judged_words.restored_words(judged, 20, [(0, 10)]) == (2, 1)  # (30, 35) lies past the portion
    assert judged_words.restored_words(judged, 20, []) == (2, 0)
