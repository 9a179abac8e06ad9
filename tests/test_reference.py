"""restore.reference: the index, matching, alignment rules and the commands over them.

Small made-up articles: a source, its spun copy, a page that drifts from it, a fuller later version,
a decoy on the same story from another outlet, and unrelated documents. The models are off
(``use_model``/``use_detector`` False): the source's edits do not depend on them, and the
tests stay fast. The real pages (../shared) get one check at the end.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from restore.cli import app
from restore.config import Config
from restore.edits.apply import apply_edits
from restore.errors import ReferenceIndexError
from restore.pipeline import restore_and_explain, restore_batch
from restore.reference import ReferenceIndex, align, find_source, index_terms
from restore.reference.align import APPLY

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "real"

SOURCE = (
    "Harbourview Council approved a plan on Tuesday to rebuild the Kestrel Bridge, which was closed "
    "last week after inspectors found cracks in two of its supports.\n\n"
    "The project will cost about $42 million and take 18 months, the council's chief engineer, "
    "Marta Olembe, told reporters. Work is expected to start in March.\n\n"
    "Residents have complained about long detours since the closure. Local businesses said their "
    "sales fell by a third in the first week.\n\n"
    "The council said it would ask the state for help with the cost."
)
SPUN = (
    "Harbourview Council authorised a strategy on Tuesday to reconstruct the Kestrel Bridge, which was "
    "shut very last 7 days after examiners discovered fractures in two of its helps.\n\n"
    "The task will certainly price about $42 million and take 18 months, the council's main designer, "
    "Marta Olembe, informed press reporters. Job is anticipated to begin in March.\n\n"
    "Locals have grumbled regarding lengthy detours considering that the closure. Regional companies "
    "stated their sales dropped by a third in the very first week.\n\n"
    "The council stated it would certainly ask the state for aid with the price."
)
# the same story, another outlet: the names and figures, other sentences
DECOY = (
    "Kestrel Bridge repairs: Harbourview to spend $42 million\n\n"
    "Drivers in Harbourview face another year and a half of detours. Marta Olembe, who leads the "
    "engineering team, said the 18-month job on the Kestrel Bridge was unavoidable once cracks appeared. "
    "Shops near the crossing say trade is down.\n\n"
    "Council members voted on Tuesday. The state may be asked to contribute, officials added."
)
# an earlier story of the same series: one background paragraph in common, the rest another story
EARLIER = (
    "Harbourview closed the Kestrel Bridge on Monday after a routine inspection, sending thousands of "
    "drivers on detours through the old town.\n\n"
    "Engineers will spend the week deciding whether the crossing can be repaired or must be rebuilt. "
    "Ferries will run every half hour until further notice.\n\n"
    "Residents have complained about long detours since the closure. Local businesses said their "
    "sales fell by a third in the first week."
)
UNRELATED = [
    ("u1", "The orchestra opened its season with a programme of Brahms and Dvorak. Critics praised the "
           "strings and the new conductor.\n\nTickets for the spring concerts go on sale next month."),
    ("u2", "Wheat prices rose for a third day as dry weather in the plains cut forecasts for the harvest. "
           "Traders expect the rally to slow.\n\nCorn and soybeans were little changed."),
    ("u3", "A new study of sleep in teenagers found that later school start times improved attendance. "
           "The researchers followed 2,000 students for two years."),
]
FAST = dict(use_model=False, use_detector=False)


def make_index(path: Path, docs, shards: int = 1, jobs: int = 1) -> ReferenceIndex:
    idx = ReferenceIndex.create(path, shards=shards)
    idx.add(docs, jobs=jobs)
    return idx


@pytest.fixture()
def refs(tmp_path):
    idx = make_index(tmp_path / "refs.idx", [("src", SOURCE), ("decoy", DECOY), *UNRELATED])
    yield tmp_path / "refs.idx"
    idx.close()


def ref_edits(result):
    return [e for e in result.edits if e.source == "reference"]


# ------------------------------------------------------------------ the index
def test_index_terms_keep_numbers_whole_and_drop_function_words():
    terms = index_terms("The bank earned $18.15 billion, up 25% on 1,200 loans in the U.S.")
    assert "n18d15" in terms and "n25" in terms and "n1200" in terms
    assert "the" not in terms and "in" not in terms and "bank" in terms


def test_index_add_get_duplicates_and_signature(tmp_path):
    idx = make_index(tmp_path / "i", [("a", SOURCE), ("b", DECOY)])
    sig = idx.signature
    assert len(idx) == 2 and idx.get("a") == SOURCE and idx.get("nope") is None
    rep = idx.add([("a", "another text under the same id"), ("c", UNRELATED[0][1])])
    assert (rep.added, rep.duplicates) == (1, 1)
    assert idx.get("a") == SOURCE  # an id already there is left as it was
    assert len(idx) == 3 and idx.signature != sig
    again = ReferenceIndex.open(tmp_path / "i")
    assert len(again) == 3 and again.signature == idx.signature and again.words == idx.words


def test_sharded_parallel_build_finds_the_same(tmp_path):
    docs = [("src", SOURCE), ("decoy", DECOY), *UNRELATED]
    one = make_index(tmp_path / "one", docs)
    four = make_index(tmp_path / "four", docs, shards=4, jobs=2)
    assert len(four) == len(one) == 5 and four.words == one.words
    assert {f.name for f in (tmp_path / "four").iterdir()} >= {f"shard-00{i}.sqlite" for i in range(4)}
    assert [c.id for c in four.candidates(SPUN)][:1] == [c.id for c in one.candidates(SPUN)][:1] == ["src"]
    assert find_source(SPUN, four).best.id == "src"


def test_accented_names_are_found_with_or_without_accents(tmp_path):
    idx = make_index(tmp_path / "i", [("p", "Señor Pérez met Zürich officials in Bogotá."), *UNRELATED])
    assert index_terms("Pérez") == ["perez"]
    assert [c.id for c in idx.candidates("Pérez in Zürich")][:1] == ["p"]
    assert [c.id for c in idx.candidates("Perez in Zurich")][:1] == ["p"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_bad_document_stops_the_add_and_names_it(tmp_path, jobs):
    docs = [(f"d{i}", f"text number {i} about {i % 7} things") for i in range(1200)]
    docs.insert(900, ("bad one", "broken \ud800 text"))
    idx = ReferenceIndex.create(tmp_path / "i", shards=2)
    with pytest.raises(ReferenceIndexError, match="bad one.*not valid Unicode"):
        idx.add(docs, jobs=jobs)
    again = ReferenceIndex.open(tmp_path / "i")  # index.json says what the shards hold
    present = sum(again.get(f"d{i}") is not None for i in range(1200))
    assert present == len(again) == len(idx) and present <= 900 and again.get("bad one") is None


def test_open_refuses_what_is_not_an_index(tmp_path):
    with pytest.raises(ReferenceIndexError, match="not a reference index"):
        ReferenceIndex.open(tmp_path)
    (tmp_path / "index.json").write_text('{"format": "something else"}')
    with pytest.raises(ReferenceIndexError, match="not a reference index of this version"):
        ReferenceIndex.open(tmp_path)
    make_index(tmp_path / "x", [("a", SOURCE)])
    with pytest.raises(ReferenceIndexError, match="already there"):
        ReferenceIndex.create(tmp_path / "x")


# ------------------------------------------------------------------ matching and restoring
def test_spun_copy_restored_to_its_source(refs):
    r = restore_and_explain(SPUN, Config(reference=str(refs), **FAST))
    assert r.reference["id"] == "src" and r.reference["sure"]
    assert r.text == SOURCE
    assert apply_edits(SPUN, r.edits) == r.text
    assert ref_edits(r) and all("src" in e.rule and 0.6 <= e.confidence <= 1 for e in ref_edits(r))
    assert not [e for e in r.edits if e.source != "reference"]  # the source covers the page
    # restoring the output again changes nothing
    assert restore_and_explain(r.text, Config(reference=str(refs), **FAST)).text == SOURCE


def test_decoy_on_the_same_story_is_not_a_source(tmp_path):
    idx = make_index(tmp_path / "d", [("decoy", DECOY), *UNRELATED])
    found = find_source(SPUN, idx)
    assert found.best is not None and found.best.id == "decoy"  # retrieval finds it ...
    assert not found.sure  # ... and the alignment says no
    r = restore_and_explain(SPUN, Config(reference=str(tmp_path / "d"), **FAST))
    assert r.reference is None and not ref_edits(r)


def test_earlier_story_of_the_series_is_not_a_source(tmp_path):
    idx = make_index(tmp_path / "e", [("earlier", EARLIER), *UNRELATED])
    found = find_source(SPUN, idx)
    assert found.best is not None and found.best.id == "earlier"
    assert not found.sure and found.best.coverage < 0.5
    r = restore_and_explain(SPUN, Config(reference=str(tmp_path / "e"), **FAST))
    assert r.reference is None and not ref_edits(r)


def test_absent_source_leaves_the_usual_pipeline(tmp_path):
    make_index(tmp_path / "u", UNRELATED).close()
    plain = restore_and_explain(SPUN, Config(**FAST))
    r = restore_and_explain(SPUN, Config(reference=str(tmp_path / "u"), **FAST))
    assert r.reference is None and r.referenced and not ref_edits(r)
    assert r.text == plain.text and r.edits == plain.edits


def test_drift_page_drops_and_adds_sentences(tmp_path):
    # the page leaves a source sentence out and adds one of its own: the source's sentence is not put
    # back, the page's own sentence is left to the usual pipeline
    own = "Subscribe to our newsletter for more local stories."
    page = SPUN.replace(" Job is anticipated to begin in March.", "") + "\n\n" + own
    make_index(tmp_path / "i", [("src", SOURCE), *UNRELATED]).close()
    r = restore_and_explain(page, Config(reference=str(tmp_path / "i"), **FAST))
    assert r.reference["id"] == "src"
    assert "Work is expected to start in March" not in r.text
    assert r.text.endswith(own)
    assert not any(e.start >= page.index(own) for e in ref_edits(r))
    assert "The project will cost about $42 million" in r.text and "rebuild the Kestrel Bridge" in r.text


def test_fuller_later_source_adds_nothing_and_reports_other_figures(tmp_path):
    # the source is a later version: two more paragraphs, an updated figure, a clause with a figure
    later = (SOURCE.replace("about $42 million", "about $45 million")
             .replace("Work is expected to start in March.", "Work is expected to start in March, with 60 crews.")
             + "\n\nThe bridge carried 30,000 vehicles a day before it closed.\n\n"
               "A public meeting on the plan will be held next month at the town hall.")
    make_index(tmp_path / "i", [("later", later), *UNRELATED]).close()
    r = restore_and_explain(SPUN, Config(reference=str(tmp_path / "i"), **FAST))
    assert r.reference["id"] == "later"
    assert "30,000 vehicles" not in r.text and "public meeting" not in r.text
    assert "$42 million" in r.text and "$45 million" not in r.text  # a figure the source changed: reported
    assert "60 crews" not in r.text  # a figure only the source has: reported
    held = [e for e in ref_edits(r) if not e.applied]
    assert any(e.replacement == "45" or "45" in e.replacement for e in held)
    assert any("60" in e.replacement for e in held)
    assert all(e.confidence < 0.6 for e in held)
    assert "rebuild the Kestrel Bridge" in r.text  # the rest is restored


def test_alignment_blocks_and_rewrite_of_reordered_paragraphs():
    # a rewrite that moves a paragraph: each moved sentence still finds its source sentence
    paras = SPUN.split("\n\n")
    page = "\n\n".join([paras[2], paras[0], paras[1], paras[3]])
    al = align(page, SOURCE, "src")
    assert al.coverage > 0.75
    for b in al.blocks:
        assert b.similarity >= 0.3
    out = apply_edits(page, [e for e in al.edits if e.applied])
    assert "Local businesses said their sales fell by a third in the first week." in out
    # out of its place, a sentence this heavily spun is not sure enough to be matched alone: left as it was
    assert out.startswith("Locals have grumbled regarding lengthy detours considering that the closure.")
    assert "rebuild the Kestrel Bridge" in out


def test_a_moved_clause_is_restored_an_added_one_reported():
    first = SOURCE.split("\n\n")[0]
    moved = ("The Kestrel Bridge, which was closed last week after inspectors found cracks in two of its "
             "supports, will be rebuilt under a plan that Harbourview Council approved on Tuesday.")
    al = align(SOURCE.replace(first, moved), SOURCE, "src")
    assert all(e.applied for e in al.edits) and len(al.edits) == 2  # the words are all in the source's sentence
    assert apply_edits(SOURCE.replace(first, moved), al.edits) == SOURCE
    added = first[:-1] + ", a decision that drew loud protests from several neighbouring towns."
    al = align(SOURCE.replace(first, added), SOURCE, "src")
    (held,) = [e for e in al.edits if not e.applied]
    assert "only the page has these words" in held.rule and "protests" in held.original


def test_below_apply_similarity_is_reported_not_applied():
    # one loosely similar sentence alone: aligned, but its differences are only reported
    page = "The council stated it may ask the province for a grant toward the bridge."
    al = align(page, "The council said it would ask the state for help with the cost.", "s")
    assert al.blocks and al.blocks[0].similarity < APPLY
    assert al.edits and not any(e.applied for e in al.edits)


# ------------------------------------------------------------------ the commands
@pytest.fixture()
def cli():
    runner = CliRunner()

    def _run(*args):
        return runner.invoke(app, [str(a) for a in args])

    return _run


def test_cli_index_build_add_info_match_fix_detect(tmp_path, cli):
    archive = tmp_path / "archive.jsonl"
    archive.write_text("\n".join(json.dumps({"url": u, "text": t}) for u, t in [("https://x/src", SOURCE),
                                                                               ("https://x/decoy", DECOY)])
                       + '\n{"url": "https://x/bad", "text": 7}\n')
    idx = tmp_path / "refs.idx"
    r = cli("index", "build", archive, "--id-field", "url", "-o", idx)
    assert r.exit_code == 2  # the bad record is named, the rest is indexed
    assert "archive.jsonl:3" in r.stderr and "2 documents" in r.stderr
    more = tmp_path / "more"
    more.mkdir()
    for u, t in UNRELATED:
        (more / f"{u}.txt").write_text(t)
    r = cli("index", "add", idx, more)
    assert r.exit_code == 0, r.stderr
    info = json.loads(cli("index", "info", idx).stdout)
    assert info["documents"] == 5 and info["signature"].startswith("refs@")
    assert cli("index", "build", archive, "-o", idx).exit_code == 2  # never over an existing index

    page = tmp_path / "page.txt"
    page.write_text(SPUN)
    r = cli("match", page, "-r", idx)
    assert r.exit_code == 1  # a copy was found
    rec = json.loads(r.stdout)
    assert rec["source"] == "https://x/src" and rec["matches"][0]["sure"] and rec["id"] == str(page)

    r = cli("fix", "--no-model", "--no-detector", page, "-r", idx, "-f", "json")
    assert r.exit_code == 0, r.stderr
    rec = json.loads(r.stdout)
    assert rec["restored"] == SOURCE and rec["reference"]["id"] == "https://x/src"
    assert "|ref:refs@" in rec["signature"]
    assert {e["source"] for e in rec["edits"]} == {"reference"}
    r = cli("fix", "--no-model", "--no-detector", page, "-r", idx, "-o", tmp_path / "out.txt")
    assert r.exit_code == 0 and (tmp_path / "out.txt").read_text() == SOURCE
    assert "1 restored from a source in the index" in r.stderr

    r = cli("detect", "--no-detector", page, "-r", idx)
    assert r.exit_code == 1
    assert "copy of https://x/src" in r.stdout


def test_cli_bad_reference_is_a_usage_error(tmp_path, cli):
    page = tmp_path / "page.txt"
    page.write_text(SPUN)
    for cmd in (["fix", "--no-model", "--no-detector"], ["match"]):
        r = cli(*cmd, page, "-r", tmp_path / "missing.idx")
        assert r.exit_code == 2
        assert "not a reference index" in r.stderr and "restore index build" in r.stderr


# ------------------------------------------------------------------ the real pages
@pytest.mark.skipif(not (REAL / "pairs.jsonl").is_file(), reason="../shared/data/real is not beside the checkout")
def test_real_pairs_restored_from_their_originals(tmp_path):
    pairs = [json.loads(x) for x in (REAL / "pairs.jsonl").read_text().splitlines() if x.strip()]
    clean = [json.loads(x) for x in (REAL / "clean_news.jsonl").read_text().splitlines() if x.strip()]
    make_index(tmp_path / "i", [(f"orig:{p['id']}", p["original"]) for p in pairs]).close()
    cfg = Config(reference=str(tmp_path / "i"), **FAST)
    got = restore_batch([p["spun"] for p in pairs] + [c["text"] for c in clean], cfg)
    for p, r in zip(pairs, got):
        assert r.reference is not None, p["id"]
        assert ReferenceIndex.open(tmp_path / "i").get(r.reference["id"]) == p["original"], p["id"]
    spinner = [(p, r) for p, r in zip(pairs, got) if p["channel"] == "spinner"]
    assert sum(r.text == p["original"] for p, r in spinner) >= 6  # most spinner pages come back whole
    for c, r in zip(clean, got[len(pairs):]):
        assert r.reference is None and not ref_edits(r), c["id"]
