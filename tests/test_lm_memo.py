"""restore_dev.lm_memo: an evaluation's language-model scores kept on disk and read back."""
from __future__ import annotations

from restore_dev import lm_memo


class Scorer:
    calls: list = []

    def score_ids(self, prefix_ids, conts):
        Scorer.calls.append([list(c) for c in conts])
        return [[-float(sum(prefix_ids) + sum(c))] for c in conts]


def test_scores_are_kept_and_read_back(tmp_path):
    path = tmp_path / "memo" / "lm.jsonl"
    plain = Scorer.score_ids
    try:
        stats = lm_memo.install(str(path), Scorer)
        assert Scorer().score_ids([1, 2], [[3], [4, 5]]) == [[-6.0], [-12.0]]
        assert Scorer().score_ids([1, 2], [[4, 5], [6]]) == [[-12.0], [-9.0]]
        assert Scorer.calls == [[[3], [4, 5]], [[6]]]  # only what was not scored before
        assert (stats["hits"], stats["misses"]) == (1, 3)
        Scorer.score_ids = plain
        path.write_text(path.read_text() + '["cut sho', encoding="utf-8")  # a stopped run's last line
        again = lm_memo.install(str(path), Scorer)
        assert Scorer().score_ids([1, 2], [[6], [3]]) == [[-9.0], [-6.0]]
        assert (again["hits"], again["misses"]) == (2, 0) and len(Scorer.calls) == 2
        Scorer().score_ids([9], [[1]])  # written after the cut line, on a line of its own
        Scorer.score_ids = plain
        third = lm_memo.install(str(path), Scorer)
        Scorer().score_ids([9], [[1]])
        assert third["hits"] == 1 and len(Scorer.calls) == 3
    finally:
        Scorer.score_ids = plain
