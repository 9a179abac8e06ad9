"""Issue 35: the decisions of a review, and applying them exactly (``apply_decisions``,
``restore fix --review --decisions``, ``restore apply``). The browser itself: test_review_browser.py."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from restore import apply_decisions
from restore.cli import app
from restore.review import DecisionError, DecisionsBuilder, check_decisions, load_decisions, text_sha256
from restore.types import Edit, Result, Span

TEXT = "Human legal rights advocates spoke to NBC Information very last 7 days. The tranquil crowd left."
E_HUMAN = Edit(0, 18, "Human legal rights", "Human rights", "dictionary", 0.97, "dict")
E_NBC = Edit(38, 53, "NBC Information", "NBC News", "dictionary", 0.97, "dict")
E_WEEK = Edit(54, 70, "very last 7 days", "last week", "model", 0.55, "model", applied=False)
S_TRANQUIL = Span(76, 84, "tranquil", 0.8)


def result(text: str = TEXT) -> Result:
    from restore.edits.apply import apply_edits

    edits = (E_HUMAN, E_NBC, E_WEEK)
    return Result(input=text, text=apply_edits(text, edits), edits=edits, spun_score=0.9, signature="sig|test",
                  spans=(S_TRANQUIL,))


def decisions(text: str = TEXT) -> dict:
    b = DecisionsBuilder(inputs={"paths": ["a.txt"]})
    b.add("a.txt", result(text))
    return json.loads(json.dumps(b.build()))  # as a file gives it back


def entries(d: dict, doc: int = 0) -> list[dict]:
    return d["documents"][doc]["edits"]


# ------------------------------------------------------------------ the format and the library
def test_starting_decisions_are_the_runs_output():
    d = decisions()
    check_decisions(d)
    es = entries(d)
    assert [(e["original"], e["kind"], e["decision"]) for e in es] == [
        ("Human legal rights", "edit", "accept"), ("NBC Information", "edit", "accept"),
        ("very last 7 days", "edit", "reject"), ("tranquil", "span", "reject")]
    assert es[3]["proposed"] is None and es[3]["replacement"] == "tranquil"
    assert d["documents"][0]["sha256"] == text_sha256(TEXT)
    assert apply_decisions(TEXT, d) == result().text  # as the run left it


def test_person_decides_and_the_text_follows_exactly():
    d = decisions()
    es = entries(d)
    es[0]["decision"] = "reject"  # keep "Human legal rights"
    es[2]["decision"] = "accept"  # the reported one
    es[3].update(decision="accept", replacement="calm", source="user")  # a wording of one's own for the span
    check_decisions(d)  # decisions and wordings leave the run as it is
    assert apply_decisions(TEXT, d) == ("Human legal rights advocates spoke to NBC News last week. "
                                        "The calm crowd left.")
    # the same from one document's decisions, or from the bare list of entries
    assert apply_decisions(TEXT, d["documents"][0]) == apply_decisions(TEXT, es)


def test_a_script_may_add_its_own_edit():
    d = decisions()
    entries(d).append({"start": 91, "end": 95, "original": "left", "replacement": "went home", "source": "user",
                       "decision": "accept"})
    check_decisions(d)
    assert apply_decisions(TEXT, d).endswith("The tranquil crowd went home.")


def test_stale_input_is_refused():
    d = decisions()
    changed = TEXT.replace("crowd", "crowds")
    with pytest.raises(DecisionError, match="no document in these decisions has this text"):
        apply_decisions(changed, d)
    with pytest.raises(DecisionError, match="changed since the review"):
        apply_decisions(changed, d["documents"][0])


@pytest.mark.parametrize("start,end,original,why", [
    (91, 120, "left.", "outside the text"),
    (-1, 3, "Hum", "outside the text"),
    (6, 12, "rights", "says 'rights' but the text has 'legal '"),
    (6, 24, "legal rights advoc", "overlap"),
])
def test_an_accepted_edit_that_cannot_be_placed_exactly_applies_nothing(start, end, original, why):
    d = decisions()
    entries(d).append({"start": start, "end": end, "original": original, "replacement": "x", "source": "user",
                       "decision": "accept"})
    with pytest.raises(DecisionError, match=why):
        apply_decisions(TEXT, d)
    entries(d)[-1]["decision"] = "reject"  # rejected, it changes nothing and needs no place
    assert apply_decisions(TEXT, d) == result().text


def test_two_insertions_at_one_place_overlap():
    es = [{"start": 5, "end": 5, "original": "", "replacement": w, "decision": "accept"} for w in ("a", "b")]
    with pytest.raises(DecisionError, match="overlap"):
        apply_decisions(TEXT, es)


def test_a_file_from_another_run_is_refused():
    d = decisions()
    other = copy.deepcopy(d)
    entries(other)[2]["proposed"] = entries(other)[2]["replacement"] = "last month"  # another run proposed it
    with pytest.raises(DecisionError, match="not those of the run they name"):
        check_decisions(other)
    other = copy.deepcopy(d)
    other["signature"] = "sig|another"
    with pytest.raises(DecisionError, match="another run"):
        check_decisions(other)
    other = copy.deepcopy(d)
    del entries(other)[1]  # a proposal left out
    with pytest.raises(DecisionError, match="another run"):
        check_decisions(other)


@pytest.mark.parametrize("change,why", [
    (lambda d: d.pop("format"), "not a restore decisions file"),
    (lambda d: d.update(version=2), "version 2"),
    (lambda d: d.update(documents={}), "must be a list"),
    (lambda d: d["documents"][0]["edits"][0].update(decision="maybe"), "\"accept\" or \"reject\""),
    (lambda d: d["documents"][0]["edits"][0].update(start="0"), "\"start\" must be an integer"),
    (lambda d: d["documents"][0]["edits"][0].update(confidence=2), "confidence"),
])
def test_malformed_decisions_are_named(change, why):
    d = decisions()
    change(d)
    with pytest.raises(DecisionError, match=why):
        check_decisions(d)


def test_load_decisions_names_the_file(tmp_path):
    p = tmp_path / "d.json"
    p.write_text("{not json", encoding="utf-8")
    with pytest.raises(DecisionError, match=r"d\.json: not JSON"):
        load_decisions(p)
    p.write_text(json.dumps(decisions()), encoding="utf-8")
    assert load_decisions(p)["run"] == decisions()["run"]


def test_astral_characters_count_as_one_offset():
    text = "\U0001F600 " + TEXT  # offsets are code points, as everywhere in restore
    shifted = [Edit(e.start + 2, e.end + 2, e.original, e.replacement, e.source, e.confidence, e.rule,
                    applied=e.applied) for e in (E_HUMAN, E_NBC, E_WEEK)]
    from restore.edits.apply import apply_edits

    r = Result(input=text, text=apply_edits(text, shifted), edits=tuple(shifted), spun_score=0.9)
    b = DecisionsBuilder()
    b.add("x", r)
    assert apply_decisions(text, b.build()) == "\U0001F600 Human rights advocates spoke to NBC News very last 7 days." \
        " The tranquil crowd left."


# ------------------------------------------------------------------ the commands
@pytest.fixture()
def cli(monkeypatch):
    monkeypatch.delenv("RESTORE_DEBUG", raising=False)
    runner = CliRunner()

    def run(*args, input=None):
        return runner.invoke(app, [str(a) for a in args], input=input)

    return run


SPUN = "Human legal rights advocates spoke to NBC Information.\n"
SPUN2 = "The imagine tank spoke to NBC Information very last 7 days.\n"
DICT_ONLY = ("--no-model", "--no-detector")


@pytest.fixture()
def pages(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pages" / "sub").mkdir(parents=True)
    (tmp_path / "pages" / "a.txt").write_text(SPUN, encoding="utf-8")
    (tmp_path / "pages" / "sub" / "b.txt").write_text(SPUN2, encoding="utf-8")
    return tmp_path


def test_fix_decisions_then_apply_gives_what_fix_gave(cli, pages):
    r = cli("fix", *DICT_ONLY, "pages", "-o", "fixed/", "--decisions", "start.json")
    assert r.exit_code == 0, r.stderr
    d = load_decisions("start.json")
    assert [x["id"] for x in d["documents"]] == ["pages/a.txt", "pages/sub/b.txt"]
    assert d["inputs"]["paths"] == ["pages"] and d["signature"].startswith("restore:")
    r = cli("apply", "start.json", "-o", "applied/")
    assert r.exit_code == 0, r.stderr
    for rel in ("a.txt", "sub/b.txt"):
        assert (pages / "applied" / rel).read_text(encoding="utf-8") == \
            (pages / "fixed" / rel).read_text(encoding="utf-8")


def test_a_script_decides_and_apply_follows(cli, pages):
    assert cli("fix", *DICT_ONLY, "pages", "--threshold", "0.99", "--decisions", "start.json",
               "-o", "fixed/").exit_code == 0
    d = json.loads(Path("start.json").read_text(encoding="utf-8"))
    assert all(e["decision"] == "reject" for doc in d["documents"] for e in doc["edits"])  # all under 0.99
    for doc in d["documents"]:  # accept every dictionary edit except NBC's
        for e in doc["edits"]:
            e["decision"] = "reject" if e["original"] == "NBC Information" else "accept"
    Path("decided.json").write_text(json.dumps(d), encoding="utf-8")
    r = cli("apply", "decided.json", "-f", "json")
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert [o["restored"] for o in out] == ["Human rights advocates spoke to NBC Information.\n",
                                           "The think tank spoke to NBC Information last week.\n"]
    assert all(o["signature"].endswith("|review:" + d["run"][:8]) for o in out)
    rejected = [e for o in out for e in o["edits"] if not e["applied"]]
    assert [e["original"] for e in rejected] == ["NBC Information", "NBC Information"]


def test_apply_refuses_a_changed_input_and_writes_the_rest(cli, pages):
    assert cli("fix", *DICT_ONLY, "pages", "--decisions", "start.json", "-o", "fixed/").exit_code == 0
    (pages / "pages" / "a.txt").write_text(SPUN.replace("spoke", "talked"), encoding="utf-8")
    r = cli("apply", "start.json", "-o", "applied/")
    assert r.exit_code == 2
    assert "restore: error: pages/a.txt: the input has changed since the review" in r.stderr
    assert not (pages / "applied" / "a.txt").exists()
    assert (pages / "applied" / "sub" / "b.txt").read_text(encoding="utf-8") == \
        "The think tank spoke to NBC News last week.\n"


def test_apply_names_unknown_and_unreviewed_documents(cli, pages):
    assert cli("fix", *DICT_ONLY, "pages", "--decisions", "start.json", "-o", "fixed/").exit_code == 0
    (pages / "pages" / "sub" / "b.txt").unlink()
    (pages / "pages" / "c.txt").write_text("New text.\n", encoding="utf-8")
    r = cli("apply", "start.json", "-o", "applied/")
    assert r.exit_code == 2
    assert "pages/sub/b.txt: unknown document" in r.stderr
    assert "pages/c.txt: not in the decisions" in r.stderr
    assert (pages / "applied" / "a.txt").read_text(encoding="utf-8") == "Human rights advocates spoke to NBC News.\n"
    assert not (pages / "applied" / "c.txt").exists()


def test_apply_refuses_overlapping_edits_naming_the_document(cli, pages):
    assert cli("fix", *DICT_ONLY, "pages", "--decisions", "start.json", "-o", "fixed/").exit_code == 0
    d = json.loads(Path("start.json").read_text(encoding="utf-8"))
    d["documents"][0]["edits"].append({"start": 6, "end": 12, "original": "legal ", "replacement": "",
                                       "source": "user", "decision": "accept"})
    Path("decided.json").write_text(json.dumps(d), encoding="utf-8")
    r = cli("apply", "decided.json", "-o", "applied/")
    assert r.exit_code == 2 and "pages/a.txt: accepted edits overlap" in r.stderr
    assert not (pages / "applied" / "a.txt").exists() and (pages / "applied" / "sub" / "b.txt").exists()


def test_apply_refuses_a_file_from_another_run(cli, pages):
    assert cli("fix", *DICT_ONLY, "pages", "--decisions", "one.json", "-o", "fixed/").exit_code == 0
    assert cli("fix", *DICT_ONLY, "pages", "--decisions", "two.json", "--threshold", "0.99",
               "-o", "fixed2/").exit_code == 0
    one, two = (json.loads(Path(f).read_text(encoding="utf-8")) for f in ("one.json", "two.json"))
    one["documents"][1] = two["documents"][1]  # a document's proposals pasted from another run
    Path("mixed.json").write_text(json.dumps(one), encoding="utf-8")
    r = cli("apply", "mixed.json", "-o", "applied/")
    assert r.exit_code == 2 and "mixed.json: these decisions are not those of the run they name" in r.stderr
    assert not (pages / "applied").exists()


def test_jsonl_and_stdin_round_trip(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("docs.jsonl").write_text(json.dumps({"id": "n1", "text": SPUN}) + "\n" +
                                  json.dumps({"id": "n2", "text": SPUN2}) + "\n", encoding="utf-8")
    assert cli("fix", *DICT_ONLY, "docs.jsonl", "--id-field", "id", "--decisions", "d.json",
               "-o", "fixed.jsonl").exit_code == 0
    assert [x["id"] for x in load_decisions("d.json")["documents"]] == ["n1", "n2"]
    r = cli("apply", "d.json", "-o", "applied.jsonl")
    assert r.exit_code == 0, r.stderr
    fixed = [json.loads(x) for x in Path("fixed.jsonl").read_text(encoding="utf-8").splitlines()]
    applied = [json.loads(x) for x in Path("applied.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [a["restored"] for a in applied] == [f["restored"] for f in fixed]
    assert [a["id"] for a in applied] == ["n1", "n2"]
    assert cli("fix", *DICT_ONLY, "--decisions", "s.json", input=SPUN).exit_code == 0
    r = cli("apply", "s.json", input=SPUN)
    assert r.exit_code == 0 and r.stdout == "Human rights advocates spoke to NBC News.\n"
    r = cli("apply", "s.json", input=SPUN2)
    assert r.exit_code == 2 and "<stdin>: the input has changed since the review" in r.stderr


def test_review_writes_one_page_and_the_decisions(cli, pages):
    r = cli("fix", *DICT_ONLY, "pages", "--review", "-o", "review.html", "--decisions", "start.json")
    assert r.exit_code == 0, r.stderr
    page = (pages / "review.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and load_decisions("start.json")["run"] in page
    assert "pages/sub/b.txt" in page and not (pages / "fixed").exists()


@pytest.mark.parametrize("args,why", [
    (("--review", "--check"), "--check writes nothing"),
    (("--review", "--in-place", "--backup", ".orig"), "leave out --in-place"),
    (("--review", "-f", "json"), "leave out --format"),
    (("--review", "-o", "out/"), "not a directory"),
    (("--decisions", "d.json", "--check"), "--check writes nothing"),
])
def test_review_options_that_make_no_sense(cli, pages, args, why):
    r = cli("fix", *DICT_ONLY, "pages", *args)
    assert r.exit_code == 2 and why in r.stderr
    assert not (pages / "d.json").exists()
