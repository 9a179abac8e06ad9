"""Renderers: golden outputs (``pytest --update-goldens`` rewrites them) and invariants."""
from __future__ import annotations

import html as htmlmod
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from restore.edits.diff import diff, rebuild, segments_from_edits
from restore.edits.apply import apply_edits
from restore.io.records import detection_record, diff_record, dumps, edit_record, result_record
from restore.render import (FORMATS, render_edit_list, render_html, render_segments, render_terminal,
                            render_unified, use_color)
from restore.types import Detection, Edit, Result, Span

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "render"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
DEL = re.compile(r"\[-(.*?)-\]", re.S)
INS = re.compile(r"\{\+(.*?)\+\}", re.S)

SPUN = ("As Iran tries to stifle protests, human legal rights advocates spoke to NBC Information.\n\n"
        "Tiandy's cameras went to the Innovative Guards very last 7 days.\n")


def _edit(orig: str, rep: str, *args) -> Edit:
    start = SPUN.index(orig)
    return Edit(start, start + len(orig), orig, rep, *args)


SPUN_EDITS = (
    _edit("human legal rights", "human rights", "dictionary", 0.97, 'news: "human legal rights" -> "human rights"'),
    _edit("NBC Information", "NBC News", "dictionary", 0.97, 'news: "NBC Information" -> "NBC News"'),
    _edit("Innovative Guards", "Revolutionary Guards", "model", 0.55, "seq2seq", "R", False),
    _edit("very last 7 days", "last week", "model", 0.91, "seq2seq"),
)

# name -> (a, b): each is rendered from diff(a, b)
CASES = {
    "spun_paragraph": (SPUN, apply_edits(SPUN, SPUN_EDITS)),
    "deletion": ("The very last week was busy.", "The last week was busy."),
    "insertion": ("The rights advocates spoke.", "The human rights advocates spoke."),
    "replacement": ("He spoke to NBC Information on Monday.", "He spoke to NBC News on Monday."),
    "unicode": ("Café naïve — “Innovative Guards” in 日本 🎉.", "Café naïve — “Revolutionary Guards” in 日本 🎉."),
    "html_special": ('if a < b && c > d say "hi" & \'bye\'', 'if a <= b && c > d say "hello" & \'bye\''),
    "clean": ("Nothing here is spun.\nNot a word.\n", "Nothing here is spun.\nNot a word.\n"),
    "paragraphs": ("One line\nnext line.\n\nSecond paragraph ends", "One line\nnext line.\n\nSecond para ends\n"),
}


def check_golden(name: str, got: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8", newline="")
        return
    assert path.exists(), f"missing golden {path}; run pytest --update-goldens"
    with open(path, encoding="utf-8", newline="") as f:
        want = f.read()
    assert got == want, f"{name} differs from its golden file (pytest --update-goldens rewrites it)"


def spun_result() -> Result:
    out = apply_edits(SPUN, SPUN_EDITS)
    return Result(SPUN, out, SPUN_EDITS, 0.66, "restore:test")


# ------------------------------------------------------------------ goldens
@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_diff_renderings(name, update_goldens):
    a, b = CASES[name]
    segs = diff(a, b)
    assert rebuild(segs) == (a, b)
    check_golden(f"{name}.txt", render_terminal(segs, color=False), update_goldens)
    check_golden(f"{name}.ansi", render_terminal(segs, color=True), update_goldens)
    check_golden(f"{name}.html", render_html(segs, title=name, meta={"case": name}), update_goldens)
    check_golden(f"{name}.json", render_segments("json", segs, a, b), update_goldens)
    check_golden(f"{name}.diff", render_unified(a, b, f"{name}.a", f"{name}.b"), update_goldens)


def test_golden_from_edits(update_goldens):
    r = spun_result()
    segs = segments_from_edits(r.input, r.edits)
    assert rebuild(segs) == (r.input, r.text)
    check_golden("edits.txt", render_terminal(segs, color=False), update_goldens)
    check_golden("edits.ansi", render_terminal(segs, color=True), update_goldens)
    check_golden("edits.html", render_html(segs, title="spun paragraph",
                                           meta={"signature": r.signature, "edits": len(r.edits)}), update_goldens)
    check_golden("edits.list", render_edit_list(r), update_goldens)
    check_golden("result.json", dumps(result_record(r, include_input=True), indent=2) + "\n", update_goldens)


# ------------------------------------------------------------------ terminal
def test_markers_and_colour_for_a_replacement():
    segs = diff(*CASES["replacement"])
    assert render_terminal(segs, color=False) == "He spoke to NBC [-Information-]{+News+} on Monday."
    ansi = render_terminal(segs, color=True)
    assert "\x1b[" in ansi
    # deletion red + strike (SGR 9 and 31), then insertion green (32)
    assert re.search(r"\x1b\[(9;31|31;9)mInformation\x1b\[0m\x1b\[32mNews\x1b\[0m", ansi)
    assert ANSI.sub("", ansi) == "He spoke to NBC InformationNews on Monday."


def test_clean_text_has_no_markers():
    a, b = CASES["clean"]
    segs = diff(a, b)
    assert render_terminal(segs, color=False) == a
    assert ANSI.sub("", render_terminal(segs, color=True)) == a
    assert render_unified(a, b) == ""


class FakeStream:
    def __init__(self, tty: bool):
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("env,tty,want", [
    ({}, True, True), ({}, False, False),
    ({"NO_COLOR": "1"}, True, False), ({"FORCE_COLOR": "1"}, False, True),
    ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False), ({"FORCE_COLOR": "0"}, False, False),
    ({"NO_COLOR": ""}, True, True),
])
def test_use_color(monkeypatch, env, tty, want):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert use_color(FakeStream(tty)) is want


def test_no_color_disables_auto_colour(monkeypatch):
    segs = diff(*CASES["replacement"])
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    out = render_terminal(segs, stream=FakeStream(True))
    assert "\x1b" not in out and "[-Information-]" in out
    monkeypatch.delenv("NO_COLOR")
    assert "\x1b[" in render_terminal(segs, stream=FakeStream(True))
    assert "\x1b" not in render_terminal(segs, stream=FakeStream(False))


def test_explicit_colour_ignores_environment(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    assert "\x1b[" in render_terminal(diff(*CASES["replacement"]), color=True)


def test_width_wraps_colour_output():
    a = "word " * 40 + "NBC Information"
    b = "word " * 40 + "NBC News"
    out = ANSI.sub("", render_terminal(diff(a, b), color=True, width=30))
    assert max(len(line) for line in out.splitlines()) <= 30
    assert out.count("\n") >= 5
    assert "\n" not in render_terminal(diff(a, b), color=True)


def test_edit_list_lines():
    text = "First line.\nSecond line with legal rights here."
    edits = (Edit(29, 41, "legal rights", "rights", "dictionary", 0.97, "news: x"),
             Edit(42, 46, "here", "", "model", 0.4, "", "U", False))
    r = Result(text, apply_edits(text, edits), edits, 0.5)
    lines = render_edit_list(r).splitlines()
    assert lines == ['  2:18  "legal rights" -> "rights"  dictionary 0.97  news: x',
                     '  2:31  "here" -> ""  model 0.40  (reported, below threshold)']
    assert render_edit_list(Result("x", "x", (), 0.0)) == ""


def test_unrestored_spans_are_the_ones_no_edit_touches():
    text = "First line.\nSecond line with legal rights here and speech act notes."
    edits = (Edit(29, 41, "legal rights", "rights", "dictionary", 0.97, "news: x"),
             Edit(42, 46, "here", "", "model", 0.4, "", "U", False))
    i = text.index("speech act notes")
    spans = (Span(29, 41, "legal rights", 0.97, None, "dictionary"), Span(40, 46, "s here", 0.6),
             Span(i, i + 16, "speech act notes", 0.98), Span(0, 5, "First", 0.45))
    r = Result(text, apply_edits(text, edits), edits, 0.9, spans=spans)
    # an applied or a reported edit that overlaps a span resolves it; the others are still spun
    assert [s.text for s in r.unrestored] == ["First", "speech act notes"]
    assert render_edit_list(r).splitlines() == [
        '  1:1  "First"  unrestored: detector 0.45, no wording',
        '  2:18  "legal rights" -> "rights"  dictionary 0.97  news: x',
        '  2:31  "here" -> ""  model 0.40  (reported, below threshold)',
        '  2:40  "speech act notes"  unrestored: detector 0.98, no wording']
    rec = result_record(r)
    assert [(d["start"], d["end"], d["text"], d["confidence"]) for d in rec["unrestored_spans"]] == \
        [(0, 5, "First", 0.45), (i, i + 16, "speech act notes", 0.98)]
    assert all(text[d["start"]:d["end"]] == d["text"] for d in rec["unrestored_spans"])


# ------------------------------------------------------------------ html
def article_text(page: str, drop: str) -> str:
    """The article's text with ``drop`` elements (del or ins) and the notes removed."""
    body = page.split("<article>\n", 1)[1].rsplit("\n</article>", 1)[0]
    body = re.sub(rf"<{drop}\b[^>]*>.*?</{drop}>", "", body, flags=re.S)
    body = re.sub(r'<sup class="note">.*?</sup>', "", body, flags=re.S)
    return htmlmod.unescape(re.sub(r"<[^>]+>", "", body))


def assert_balanced(page: str) -> None:
    from html.parser import HTMLParser

    void = {"meta", "br", "link", "img", "hr", "input"}
    stack: list[str] = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in void:
                stack.append(tag)

        def handle_endtag(self, tag):
            assert stack and stack[-1] == tag, f"</{tag}> closes {stack[-1:]}"
            stack.pop()

    P().feed(page)
    assert stack == []


def test_html_page_is_self_contained_and_escaped():
    a, b = CASES["html_special"]
    page = render_html(diff(a, b), title='<t>&"', meta={"signature": "s<1>", "n": 2, "x": 0.123456})
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "<script" not in page and "http://" not in page and "https://" not in page and "<link" not in page
    assert "<title>&lt;t&gt;&amp;&quot;</title>" in page
    assert "&lt;<span class=\"edit\" data-op=\"insert\"><ins>=</ins></span>" in page
    assert "say &quot;<span class=\"edit\" data-op=\"replace\"><del>hi</del><ins>hello</ins></span>&quot;" in page
    assert "<dt>signature</dt><dd>s&lt;1&gt;</dd>" in page and "<dd>0.1235</dd>" in page
    assert_balanced(page)
    assert article_text(page, "del") == b and article_text(page, "ins") == a


def test_html_edit_notes_and_paragraphs():
    r = spun_result()
    page = render_html(segments_from_edits(r.input, r.edits))
    assert page.count('<span class="edit"') == 4  # 3 applied edits, one shown as two word changes; the reported one not at all
    assert 'title="dictionary 0.97: news: &quot;human legal rights&quot; -&gt; &quot;human rights&quot;"' in page
    assert '<sup class="note">dict 0.97</sup>' in page and '<sup class="note">model 0.91</sup>' in page
    art = page.split("<article>", 1)[1]
    assert art.count("<p>") == 2 and art.count("</p>") == 2 and "</p>\n\n<p>" in art
    assert "<footer>" not in page and "<br>\n</p>" not in page  # a final newline is no line break
    assert render_html(diff("\n\nA b\n", "\n\nA c\n")).count("<br>") == 0
    lines = render_html(diff("a\nb", "a\nc"))
    assert "a<br>\n<span" in lines
    assert "No changes." in render_html(diff("same", "same"))


# ------------------------------------------------------------------ json
def test_result_record_offsets_point_at_replacements():
    r = spun_result()
    rec = result_record(r)
    assert set(rec) == {"restored", "edits", "unrestored_spans", "spun_score", "signature", "changed"}
    assert rec["changed"] is True and rec["restored"] == r.text
    for e, d in zip(r.edits, rec["edits"]):
        assert {k: d[k] for k in e.to_dict()} == e.to_dict()
        if e.applied:
            assert rec["restored"][d["out_start"]:d["out_end"]] == e.replacement
        else:
            assert d["out_start"] is None and d["out_end"] is None
    assert "input" in result_record(r, include_input=True)
    assert json.loads(dumps(rec)) == rec


def test_pipeline_result_record_on_sample():
    path = ROOT / "samples" / "spun_news_tiandy.txt"
    if not path.exists():
        pytest.skip("sample not in checkout")
    import restore

    text = path.read_text(encoding="utf-8")
    r = restore.restore_and_explain(text, restore.Config(use_model=False, use_detector=False))
    rec = json.loads(dumps(result_record(r)))
    assert rec["edits"], "the spun sample should get at least one edit"
    for d in rec["edits"]:
        if d["applied"]:
            assert rec["restored"][d["out_start"]:d["out_end"]] == d["replacement"]
            assert text[d["start"]:d["end"]] == d["original"]
    segs = segments_from_edits(text, r.edits)
    assert render_terminal(segs, color=False).count("[-") == len(r.applied)
    assert article_text(render_html(segs), "del") == r.text


def test_detection_and_diff_records_and_dumps():
    det = Detection("x NBC Information", (Span(2, 17, "NBC Information", 0.9, "NBC News", "dictionary"),), 0.8, "sig")
    rec = detection_record(det)
    assert rec == {"spans": [{"start": 2, "end": 17, "text": "NBC Information", "confidence": 0.9,
                              "suggestion": "NBC News", "source": "dictionary"}], "spun_score": 0.8,
                   "spinner": None, "signature": "sig"}
    segs = diff("é a", "é b")
    d = diff_record(segs)
    assert [s["op"] for s in d["segments"]] == ["equal", "replace"]
    s = dumps({"b": "é", "a": [1]})
    assert s == '{"a": [1], "b": "é"}'
    assert edit_record(SPUN_EDITS[2], None)["out_start"] is None


# ------------------------------------------------------------------ unified and dispatcher
def test_unified_diff():
    out = render_unified("one\ntwo\nthree", "one\n2\nthree", "old.txt", "new.txt")
    assert out.splitlines()[:2] == ["--- old.txt", "+++ new.txt"]
    assert "-two\n+2\n" in out and out.endswith(" three\n\\ No newline at end of file\n")
    out = render_unified("x\n", "y", context=0)
    assert out.endswith("-x\n+y\n\\ No newline at end of file\n")


def test_render_segments_dispatches_every_format():
    a, b = CASES["replacement"]
    segs = diff(a, b)
    outs = {f: render_segments(f, segs, a, b, color=False, a_name="A", b_name="B") for f in FORMATS}
    assert outs["text"] == render_terminal(segs, color=False)
    assert json.loads(outs["json"]) == diff_record(segs)
    assert [json.loads(l) for l in outs["jsonl"].splitlines()] == diff_record(segs)["segments"]
    assert outs["html"].startswith("<!DOCTYPE html>")
    assert outs["diff"].startswith("--- A\n+++ B\n")
    with pytest.raises(ValueError):
        render_segments("yaml", segs, a, b)


def test_import_pulls_in_neither_rich_nor_torch():
    code = "import sys, restore, restore.render; print('rich' in sys.modules, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["False", "False"]


# ------------------------------------------------------------------ invariants (hypothesis)
WORDS = st.sampled_from(["the", "NBC", "News", "Information", "legal", "rights", "é", "日本", "<b>", "&amp;",
                         '"q"', "a,", "x.", "'", "🎉", "—"])
SEPS = st.sampled_from([" ", " ", " ", "\n", "\n\n", "  ", "\t", " \n \n"])


@st.composite
def texts(draw):
    n = draw(st.integers(0, 12))
    parts = [draw(st.sampled_from(["", " ", "\n"]))]
    for _ in range(n):
        parts += [draw(WORDS), draw(SEPS)]
    return "".join(parts)


@st.composite
def pairs(draw):
    a = draw(texts())
    if draw(st.booleans()):
        return a, draw(texts())
    toks = re.split(r"(\s+)", a)
    for _ in range(draw(st.integers(0, 4))):
        if not toks:
            break
        i = draw(st.integers(0, len(toks) - 1))
        toks[i] = draw(st.sampled_from(["", "legal rights", "X", "\n", "<&>", "é é"]))
    return a, "".join(toks)


def check_invariants(segs, a, b):
    plain = render_terminal(segs, color=False)
    assert INS.sub(r"\1", DEL.sub("", plain)) == b  # [-x-] removed, {+y+} unwrapped
    assert DEL.sub(r"\1", INS.sub("", plain)) == a
    colour = ANSI.sub("", render_terminal(segs, color=True))
    assert colour == DEL.sub(r"\1", INS.sub(r"\1", plain))
    page = render_html(segs)
    assert article_text(page, "del") == b
    assert article_text(page, "ins") == a
    assert_balanced(page)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs())
def test_renderings_rebuild_both_texts(pair):
    a, b = pair
    check_invariants(diff(a, b), a, b)


@st.composite
def edited(draw):
    text = draw(texts())
    edits, pos = [], 0
    while pos < len(text) and len(edits) < 5:
        start = draw(st.integers(pos, len(text)))
        end = draw(st.integers(start, min(len(text), start + 12)))
        rep = draw(st.sampled_from(["", "rights", "NBC News", "<&>", "\n", "é"]))
        if text[start:end] == rep:
            break
        edits.append(Edit(start, end, text[start:end], rep, draw(st.sampled_from(["dictionary", "model"])),
                          draw(st.floats(0, 1)), "r<&>", "R", draw(st.booleans())))
        pos = end + 1
    return text, tuple(edits)


@settings(max_examples=60, deadline=None)
@given(edited())
def test_edit_renderings_and_offsets(case):
    text, edits = case
    out = apply_edits(text, edits)
    segs = segments_from_edits(text, edits)
    check_invariants(segs, text, out)
    rec = result_record(Result(text, out, edits, 0.0))
    for e, d in zip(edits, rec["edits"]):
        if e.applied:
            assert out[d["out_start"]:d["out_end"]] == e.replacement
        else:
            assert d["out_start"] is None


# ------------------------------------------------------------------ detection html
def _articles(page: str) -> list[str]:
    """Each document's article text: tags stripped, entities unescaped."""
    bodies = re.findall(r"<article>\n(.*?)\n</article>", page, flags=re.S)
    return [htmlmod.unescape(re.sub(r"<[^>]+>", "", b)) for b in bodies]


def test_detection_html_marks_spans_and_keeps_the_text():
    from restore.render import render_detection_html

    text = 'Human legal rights & "NBC Information" <said>.\n\nA second\nparagraph, very last 7 days.\n'

    def span(word, conf, sug=None, source="detector"):
        i = text.index(word)
        return Span(i, i + len(word), word, conf, sug, source)

    spans = (span("legal", 0.97, "", "dictionary"), span("Information", 0.97, "News", "dictionary"),
             span("very", 0.42), span("7 days", 0.81, "week", "model"))
    det = Detection(text, spans, 0.99, "sig<1>")
    page = render_detection_html([("a.txt", det, True)], meta={"signature": det.signature})
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "http" not in page
    assert_balanced(page)
    assert _articles(page) == [text]  # the marks add attributes only: the text is the input exactly
    assert page.count("<mark") == 4
    assert 'data-suggestion="(delete)" title="dictionary 0.97 → (delete)">legal</mark>' in page
    assert 'data-suggestion="News"' in page and 'data-confidence="0.42" data-source="detector" title="detector 0.42">very' in page
    assert "&lt;said&gt;" in page and "<dd>sig&lt;1&gt;</dd>" in page
    assert "<table" not in page  # one document: no triage table
    alphas = [float(a) for a in re.findall(r'--a: ([0-9.]+)"', page)]
    assert alphas[2] < alphas[3] < alphas[0]  # darker for surer spans


def test_detection_html_for_several_documents_has_a_triage_table():
    from restore.render import render_detection_html

    docs = [("spun.txt", Detection("NBC Information", (Span(4, 15, "Information", 0.97, "News"),), 0.98), True),
            ("clean.txt", Detection("Plain text.", (), 0.02), False)]
    page = render_detection_html(docs)
    assert_balanced(page)
    assert '<a href="#doc1">spun.txt</a>' in page and 'id="doc2"' in page
    assert '<td class="spun">spun</td>' in page and "<td>clean</td>" in page
    assert "2 documents, 1 spun, 1 spans." in page
    assert _articles(page) == ["NBC Information", "Plain text."]


def test_html_marks_unrestored_spans_in_unchanged_text():
    text = "The firm paid the speech act notes holders.\n\nThe enterprise said so."
    e1 = Edit(4, 8, "firm", "company", "model", 0.9, "")
    i = text.index("speech act notes")
    j = text.index("enterprise")
    spans = (Span(4, 8, "firm", 0.9), Span(i, i + 16, "speech act notes", 0.98), Span(j, j + 10, "enterprise", 0.7))
    r = Result(text, apply_edits(text, (e1,)), (e1,), 0.95, spans=spans)
    page = render_html(segments_from_edits(r.input, r.edits), spans=r.unrestored)
    assert_balanced(page)
    assert page.count("<mark") == 2 and ">speech act notes</mark>" in page and ">enterprise</mark>" in page
    assert "still looks spun, no confident wording" in page
    assert "</p>\n\n<p>" in page  # paragraphs survive around the marks
    assert article_text(page, "del") == r.text and article_text(page, "ins") == r.input
    assert render_html(segments_from_edits(r.input, r.edits)).count("<mark") == 0  # no spans given, none marked
    # a reported edit, passed as a span with its wording as suggestion, is marked with it
    rep = Span(j, j + 10, "enterprise", 0.62, "company", "model")
    page = render_html(segments_from_edits(r.input, r.edits), spans=[rep])
    assert 'data-suggestion="company" title="model 0.62 → company: reported, below the threshold, not applied">enterprise</mark>' in page
    assert article_text(page, "del") == r.text


def test_terminal_underlines_unrestored_spans_in_colour_only():
    text = "The firm paid the speech act notes holders."
    e1 = Edit(4, 8, "firm", "company", "model", 0.9, "")
    i = text.index("speech act notes")
    out = apply_edits(text, (e1,))
    segs = segments_from_edits(text, (e1,))
    spans = [Span(i, i + 16, "speech act notes", 0.98)]
    assert render_terminal(segs, color=False, spans=spans) == render_terminal(segs, color=False)
    for width in (None, 20):
        col = render_terminal(segs, color=True, width=width, spans=spans)
        assert "\x1b[4;33mspeech act notes" in col or "\x1b[33;4mspeech act notes" in col  # yellow underline
        plain = re.sub(r"\x1b\[[0-9;]*m", "", col)
        if width is None:
            assert plain.replace("firm", "", 1) == out  # deletions are kept (struck through), the rest is the output



def test_unrestored_agrees_with_the_plain_overlap_rule_even_for_overlapping_edits():
    import random

    rng = random.Random(2)
    for _ in range(500):
        edits = []
        for _e in range(rng.randint(0, 6)):
            a = rng.randint(0, 60)
            b = min(60, a + rng.randint(0, 8))
            edits.append(Edit(a, b, "x" * (b - a), "y"))
        spans = []
        for _s in range(rng.randint(0, 6)):
            a = rng.randint(0, 59)
            spans.append(Span(a, min(60, a + rng.randint(1, 8)), "z", 0.5))
        r = Result("t" * 60, "t" * 60, tuple(edits), 0.5, spans=tuple(spans))
        plain = [s for s in spans if not any(e.start < s.end and s.start < e.end for e in edits)]
        assert r.unrestored == tuple(sorted(plain, key=lambda s: (s.start, s.end)))
