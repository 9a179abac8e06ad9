"""Invariants of the core: offsets, apply_edits, case transfer, idempotence, golden cases."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.paths import PACKAGE_MODELS
from restore import Config, Edit, apply_edits, restore_and_explain, restore_text
from restore.edits.diff import changed_parts, diff, edits_from_diff, rebuild, segments_from_edits
from restore.text.casing import transfer_case
from restore.edits.apply import keep_layout, output_offsets, with_layout
from restore.fix.dictionary import Lexicon, load_lexicon
from restore.text.protect import protected_ranges
from restore.text.tokenize import sentences, tokenize

DICT_ONLY = Config(use_model=False, use_detector=False)
CASES = [json.loads(l) for l in (Path(__file__).parent / "cases" / "golden.jsonl").read_text().splitlines() if l.strip()]
SPUNISH = ["human legal rights", "White Dwelling", "NBC Information", "very last 7 days", "in accordance to",
           "Innovative Guards", "the", "said", "on", "profound learning", "a", "counterfeit brain organization", "7",
           "Human Legal rights Observe", "news", "\n\n", ",", ".", "’s", "INNOVATIVE GUARDS", "an"]
texts = st.lists(st.one_of(st.sampled_from(SPUNISH), st.text(max_size=8)), max_size=25).map(" ".join)


def check_result(text: str, r) -> None:
    assert r.input == text
    assert apply_edits(text, r.edits) == r.text
    prev = -1
    for e in r.edits:
        assert text[e.start:e.end] == e.original
        assert e.start >= prev
        prev = e.end
        assert 0.0 <= e.confidence <= 1.0
        assert e.source in ("dictionary", "model", "lm", "user")
    for e, span in zip([e for e in r.edits if e.applied], [o for o in output_offsets(r.edits) if o]):
        assert r.text[span[0]:span[1]] == e.replacement


@settings(max_examples=150, deadline=None)
@given(texts)
def test_invariants_dictionary(text):
    r = restore_and_explain(text, DICT_ONLY)
    check_result(text, r)
    assert restore_text(r.text, DICT_ONLY) == r.text  # restoring twice changes nothing more
    assert rebuild(segments_from_edits(text, r.edits)) == (text, r.text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60), st.text(max_size=60))
def test_diff_rebuilds_both_texts(a, b):
    assert rebuild(diff(a, b)) == (a, b)
    assert apply_edits(a, edits_from_diff(a, b)) == b


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60), st.text(max_size=60))
def test_changed_parts_are_stripped_words_of_a_that_b_lacks(a, b):
    parts = changed_parts(a, b)
    for start, end, rep in parts:
        assert a[start:end] == a[start:end].strip() != ""
        assert rep == rep.strip()
    assert all(x[1] <= y[0] for x, y in zip(parts, parts[1:]))
    if a == b:
        assert parts == []


@pytest.mark.parametrize("a, b, want", [
    ("human legal rights", "human rights", [("legal", "")]),
    ("very last 7 days", "last week", [("very", ""), ("7 days", "week")]),
    ("NBC Information", "NBC News", [("Information", "News")]),
    ("rights", "human rights", []),
])
def test_changed_parts_examples(a, b, want):
    assert [(a[x:y], r) for x, y, r in changed_parts(a, b)] == want


@given(st.text(max_size=200))
def test_tokens_and_sentences_point_into_text(text):
    for t in tokenize(text):
        assert text[t.start:t.end] == t.text and t.text.strip() == t.text
    spans = sentences(text)
    assert all(a < b for a, b in spans) and all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(text.split())


def test_empty_edits_give_text_back():
    assert apply_edits("abc", []) == "abc"


def test_apply_edits_rejects_bad_edits():
    with pytest.raises(ValueError):
        apply_edits("abc", [Edit(0, 1, "x", "y")])
    with pytest.raises(ValueError):
        apply_edits("abcd", [Edit(0, 2, "ab", "y"), Edit(1, 3, "bc", "z")])


@pytest.mark.parametrize("src,rep,want", [
    ("Innovative Guards", "revolutionary guards", "Revolutionary Guards"),
    ("INNOVATIVE", "revolutionary", "REVOLUTIONARY"),
    ("innovative", "revolutionary", "revolutionary"),
    ("Very last 7 days", "last week", "Last week"),
    ("Human Legal rights Observe", "human rights watch", "Human Rights Watch"),
    ("NBC Information", "NBC News", "NBC News"),
    ("nbc information", "NBC News", "NBC news"),  # NBC spells itself; "news" follows the source
    ("unfamiliar ministry", "Foreign Ministry", "foreign ministry"),  # the spinner kept the case
    ("Unfamiliar Ministry", "Foreign Ministry", "Foreign Ministry"),
    ("Exchequer secretary", "Treasury Secretary", "Treasury secretary"),
    ("associate prof", "Associate Professor", "associate professor"),
    ("deputy chancellor", "Deputy Prime Minister", "deputy prime minister"),
    ("Deputy chancellor", "Deputy Prime Minister", "Deputy Prime Minister"),  # not all lower: as spelled
    ("the iphone", "the iPhone", "the iPhone"),
    ("British Telecoms PLC", "British Telecommunications Plc", "British Telecommunications PLC"),
])
def test_transfer_case(src, rep, want):
    assert transfer_case(src, rep) == want


@pytest.mark.parametrize("original, replacement, want", [
    ("human legal rights", "human rights", "human rights"),          # single-spaced: as it is
    ("human legal\nrights", "human rights", "human\nrights"),        # the line break is kept
    ("very\nlast 7 days", "last week", "last\nweek"),                # line break before plain spaces
    ("very last\r\n7 days", "last week", "last\r\nweek"),
    ("enterprise\tstated", "company said", "company\tsaid"),         # as many gaps: in order
    ("a\nb", "one two three", "one\ntwo three"),                    # more gaps: then one space
    ("very\nlast", "last", "last"),                                  # no gap to keep it in
    ("in  accordance to", "according to", "according  to"),
    ("lender\nbank", "", ""),                                        # a deletion
])
def test_keep_layout(original, replacement, want):
    assert keep_layout(original, replacement) == want


def test_segments_show_only_the_space_that_changed():
    text = "a letter very\nlast 7 days by"
    r = restore_and_explain(text, DICT_ONLY)
    segs = segments_from_edits(text, r.edits)
    assert rebuild(segs) == (text, r.text) == (text, "a letter last\nweek by")
    assert [(s.a_text, s.b_text) for s in segs if s.op != "equal"] == [("very\n", ""), (" ", "\n"), ("7 days", "week")]


def test_with_layout_drops_an_edit_that_only_respaces():
    text = "human\nrights and a\nvery last"
    same = Edit(0, 12, "human\nrights", "human rights", source="model", confidence=0.9)
    real = Edit(19, 28, "very last", "last", source="model", confidence=0.9)
    assert with_layout([same, real]) == [real]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["human legal rights", "very last 7 days", "White Dwelling", "said", "the", "x"]),
                max_size=12).map(lambda ps: ["very last 7 days"] + ps),
       st.lists(st.sampled_from([" ", "\n", "\t", "\r\n", "  "]), min_size=12, max_size=12))
def test_dictionary_restoration_keeps_the_line_breaks(phrases, seps):
    words = " ".join(phrases).split(" ")
    text = words[0] + "".join(s + w for s, w in zip(seps, words[1:]))
    r = restore_and_explain(text, DICT_ONLY)
    check_result(text, r)
    assert r.edits
    for e in r.edits:
        breaks = e.original.count("\n")
        if e.replacement.count(" ") + e.replacement.count("\n") + e.replacement.count("\t") >= breaks:
            assert e.replacement.count("\n") == breaks, e  # a line break in the span is kept


@pytest.mark.parametrize("text, want", [
    ("see @NBCInformation now", ["@NBCInformation"]),
    ("tag #HumanLegalRights now", ["#HumanLegalRights"]),
    ("open C:\\docs\\report now", ["C:\\docs\\report"]),
    ("in /usr/share/mythes and ~/notes", ["/usr/share/mythes", "~/notes"]),
    ("the file human-legal-rights.pdf now", ["human-legal-rights.pdf"]),
    ("run `NBC Information` now", ["`NBC Information`"]),
    ("and/or, km/h, e.g. the U.S. and a C# or F# program", []),  # ordinary words stay open
    ("24/7 at 5%", ["24/7", "5"]),
    ("a <p class=\"human legal\"> b </p> <IBM> <Stet - Societa Finanziaria Telfonica P.A.>",
     ["<p class=\"human legal\">", "</p>", "<IBM>", "<Stet - Societa Finanziaria Telfonica P.A.>"]),
    ("x <SCRIPT>f(\"a > b\")\n</script> <!-- very\nlast --> y", ["<SCRIPT>f(\"a > b\")\n</script>", "<!-- very\nlast -->"]),
])
def test_protected_ranges(text, want):
    assert [text[a:b] for a, b in protected_ranges(text)] == want


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case):
    cfg = Config(**case["config"])
    r = restore_and_explain(case["input"], cfg)
    check_result(case["input"], r)
    if case.get("xfail"):
        if r.text == case["expected"]:
            pytest.fail(f"known failure now passes, remove its xfail: {case['id']}")
        pytest.xfail(case["xfail"])
    assert r.text == case["expected"]


def test_low_confidence_entries_are_reported_not_applied(tmp_path):
    p = tmp_path / "mine.tsv"
    p.write_text("spun\tcanonical\tsource\tconfidence\nbig fish\tkey player\tmine\t0.4\ngreen rocket\tred car\tmine\t0.9\n")
    r = restore_and_explain("A big fish drove a green rocket.", Config(lexicons=(str(p),), use_model=False, use_detector=False))
    assert r.text == "A big fish drove a red car."
    assert [e.applied for e in r.edits] == [False, True]
    assert r.reported[0].replacement == "key player"


def test_user_lexicon_takes_precedence_and_builtin_can_be_off(tmp_path):
    p = tmp_path / "mine.tsv"
    p.write_text("white dwelling\tWhite Cottage\n")
    cfg = Config(lexicons=(str(p),), use_model=False, use_detector=False)
    assert restore_text("The White Dwelling.", cfg) == "The White Cottage."
    off = Config(lexicons=(str(p),), builtin=False, use_model=False, use_detector=False)
    assert restore_text("NBC Information", off) == "NBC Information"


def test_longest_match_first():
    lex = Lexicon()
    lex.add_tsv("a b\tX\na b c\tY\n", "t")
    m = lex.match("a b c d a b")
    assert [x.entry.canonical for x in m] == ["Y", "X"]


def test_builtin_dictionaries_load_and_have_confidences():
    lex = load_lexicon((), True)
    names = [n for n, _, _ in lex.sources]
    assert names[:1] == ["news"] and "tortured" in names
    assert len(lex) > 5000
    assert lex.lookup("counterfeit brain organization").canonical == "artificial neural network"
    assert any(e.confidence < 0.6 for e in lex.entries())


def test_signature_names_dictionaries_and_settings():
    r = restore_and_explain("x", DICT_ONLY.replace(threshold=0.7))
    assert r.signature.startswith("restore:") and "news@" in r.signature and "thr:0.70" in r.signature


def test_config_validates():
    from restore import ConfigError

    with pytest.raises(ConfigError):
        Config(threshold=1.5)
    with pytest.raises(ConfigError):
        Config(quality="turbo")


def test_batch_gives_each_text_its_own_result_in_order():
    from restore import InputError, restore_batch

    cfg = Config(use_model=False, use_detector=False)
    texts = ["The Innovative Guards said so.", 42, "", "A clean sentence stays as it is."]
    got = restore_batch(texts, cfg)
    assert len(got) == 4
    assert isinstance(got[1], InputError)  # a bad item takes its place; the batch goes on
    for t, r in zip([texts[0], texts[2], texts[3]], [got[0], got[2], got[3]]):
        assert r == restore_and_explain(t, cfg)
        assert apply_edits(t, r.edits) == r.text
    with pytest.raises(InputError):
        restore_and_explain(42, cfg)  # type: ignore[arg-type]


@pytest.mark.skipif(not (PACKAGE_MODELS / "restorer" / "model.safetensors").is_file(),
                    reason="models/restorer not shipped")
def test_batch_with_the_model_matches_one_text_at_a_time():
    from restore import restore_batch

    texts = ["The firm claimed on Tuesday that its quarterly profits rose 12 pct on higher sales.",
             "In a letter despatched Wednesday, the senator claimed the company's business raises severe thoughts.",
             "The Prime Minister said on Tuesday that the government would cut taxes."]
    one = [restore_and_explain(t) for t in texts]
    many = restore_batch(texts)
    assert [r.text for r in many] == [r.text for r in one]
    assert [[(e.start, e.end, e.replacement, e.source) for e in r.edits] for r in many] == \
        [[(e.start, e.end, e.replacement, e.source) for e in r.edits] for r in one]
