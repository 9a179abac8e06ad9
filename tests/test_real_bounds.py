"""scripts/eval/real_bounds.py: the oracle ceilings of the real spinner pairs (what the channel allows)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "real"
SCORER = ROOT.parent / "shared" / "eval" / "score.py"

needs_scorer = pytest.mark.skipif(not SCORER.is_file(), reason="../shared/eval/score.py is not beside the checkout")
needs_real = pytest.mark.skipif(not (REAL / "pairs.jsonl").is_file() or not SCORER.is_file(),
                                reason="../shared/data/real or ../shared/eval/score.py is not beside the checkout")


def load_module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, str(path))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def rb():
    return load_module("real_bounds", ROOT / "scripts" / "eval" / "real_bounds.py")


@pytest.fixture(scope="module")
def sc(rb):
    from restore_dev import shared_scorer

    return shared_scorer.module(SCORER)


TABLE = {"dwelling": [("home", 0.6), ("house", 0.3)], "division": [("department", 0.5)],
         "stated": [("said", 0.7)]}


def candidates(spun: str, k=None):
    got = TABLE.get(spun.lower(), [])
    return got if k is None else got[:k]


PAIR = {"id": "p", "spun": "The Commerce Division stated the dwelling was sold, and also quickly.",
        "original": "The Commerce Department said the house was sold and quickly."}


@needs_scorer
def test_the_oracle_puts_back_only_what_the_channel_offers(rb, sc):
    edits = rb.gold_edits(sc, PAIR["spun"], PAIR["original"])
    assert sorted((old, new) for _a, _b, old, new in edits) == [
        (",", ""), ("Division stated", "Department said"), ("also", ""), ("dwelling", "house")]
    # every gold edit put back gives the original's words
    words = lambda t: [w for w, _, _ in sc.words(t)]  # noqa: E731
    assert words(rb.oracle_text(PAIR["spun"], edits)) == words(PAIR["original"])
    rows = {r["row"]: r for r in rb.bounds(sc, {"p": PAIR}, candidates)}
    assert rows["every gold edit"]["gold_edits_applied"] == 4
    assert rows["every gold edit"]["error_reduction"] == 1.0
    assert rows["replacing 1-4 words with 1-4 words"]["gold_edits_applied"] == 2  # not the deletions
    # "house" is the channel's 2nd candidate for "dwelling"; "Division stated" is undone word by word
    assert rows["... and among the channel's first 1"]["gold_edits_applied"] == 1
    assert rows["... and among the channel's first 5"]["gold_edits_applied"] == 2
    assert rows["... and among the channel's first 5"]["edit_p"] == 1.0
    assert 0 < rows["... and among the channel's first 1"]["error_reduction"] < \
        rows["... and among the channel's first 5"]["error_reduction"] < 1.0


@needs_scorer
def test_a_joined_edit_counts_only_when_every_changed_word_is_offered(rb, sc):
    everything, first = rb.source_offers(sc, candidates, None), rb.source_offers(sc, candidates, 1)
    assert rb.offered((0, 0, "Division stated", "Department said"), everything)
    assert not rb.offered((0, 0, "Division declared", "Department said"), everything)
    assert rb.offered((0, 0, "Commerce Division", "Commerce Department"), first)  # a kept word
    assert not rb.offered((0, 0, "Division stated", "Department said said"), everything)
    assert rb.offered((0, 0, "dwelling", "house"), everything) and not rb.offered((0, 0, "dwelling", "house"), first)


@needs_real
def test_the_ceilings_on_the_real_pairs(run_script):
    p = run_script("eval/real_bounds.py", "--no-model", "--json")
    assert p.returncode == 0, p.stderr[-3000:]
    res = json.loads(p.stdout)
    rows = res["rows"]
    assert res["pages"] == 9 and [r["docs"] for r in rows] == [9] * len(rows)
    assert rows[0]["row"] == "every gold edit" and rows[0]["error_reduction"] > 0.95
    applied = [r["gold_edits_applied"] for r in rows[1:]]
    # each row after the second asks more of an edit than the one before it, up to the whole channel;
    # the tables' row adds to the whole channel's
    assert applied[1:6] == sorted(applied[1:6]) and applied[1] < applied[5] <= applied[6] <= applied[0]
    assert all(r["edit_p"] == 1.0 for r in rows[2:])


def test_another_channel_table_is_read_inside_the_block_only(rb, tmp_path):
    import gzip

    from restore.fix import channel

    shipped = channel.candidates("dwelling", 3)
    table = tmp_path / "channel.tsv.gz"
    table.write_bytes(gzip.compress("# a test table\ndwelling\tabode:0.6|hut:0.4\n".encode("utf-8")))
    with rb.table_in_use(table):
        assert channel.candidates("dwelling") == [("abode", 0.6), ("hut", 0.4)]
        assert channel.size() == 1
    assert channel.candidates("dwelling", 3) == shipped and channel.size() > 100_000


OFFERS = {"and also": [("and",)], "dwelling": [("house",)], "stated": [("said",)]}


def offers(spun: str):
    return OFFERS.get(spun.lower(), [])


def test_the_rewriting_oracle_finds_the_closest_rewrite_the_offers_allow(rb):
    # a wording that takes in an unchanged neighbour ("and also" -> "and"), the original's case
    assert rb.best_rewrite(["sold", "and", "also", "quickly"], ["sold", "and", "quickly"], offers) == \
        (0, ["sold", "and", "quickly"])
    assert rb.best_rewrite(["the", "Dwelling"], ["the", "House"], offers) == (0, ["the", "House"])
    # part of a joined change: one word put back, the other left as it was
    assert rb.best_rewrite(["Division", "stated"], ["Department", "said"], offers) == (1, ["Division", "said"])
    # nothing offered: the spun words stay, with their word edits
    assert rb.best_rewrite(["big", "firms"], ["large", "companies"], offers) == (2, ["big", "firms"])


@needs_scorer
def test_regions_take_in_unchanged_neighbours_and_join_when_they_touch(rb, sc):
    spun = "w1 w2 w3 w4 X w6 w7 w8 w9 w10 w11 w12 Y"
    orig = "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13"
    assert rb.regions(sc, spun, orig) == [(1, 8, 1, 8), (9, 13, 9, 13)]
    assert rb.regions(sc, spun, orig, pad=4) == [(0, 13, 0, 13)]  # 4 unchanged words each side: they touch
    text, whole, n = rb.rewrite(sc, PAIR["spun"], PAIR["original"], offers)
    assert n == 1 and whole == 0  # one region; "Division" has no offer
    # the region's words are written with spaces (the scorer reads words); no source deletes the comma
    assert [w for w, _, _ in sc.words(text)] == [
        w for w, _, _ in sc.words("The Commerce Division said the house was sold, and quickly.")]


def test_a_kept_word_keeps_its_own_case(rb):
    # only an offered original is written in the original's case; a kept word is left as it is
    assert rb.best_rewrite(["house", "stated"], ["House", "said"], offers) == (1, ["house", "said"])
