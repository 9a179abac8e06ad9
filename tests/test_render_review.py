"""The review page as Python writes it (issue 35): self-contained, its data embedded exactly, its frame
for one and for several documents. What it does in a browser: test_review_browser.py."""
from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from restore.edits.apply import apply_edits
from restore.render.review import render_review
from restore.review import DecisionsBuilder
from restore.types import Edit, Result, Span

ROOT = Path(__file__).resolve().parent.parent
DATA = re.compile(r'<script type="application/json" id="restore-review-data">(.*?)</script>', re.S)
HOOKS = ("export", "undo", "reset", "remaining", "accept-source", "source", "accept-above", "min-confidence",
         "reject-all", "btn-accept", "btn-reject", "btn-wording")


def result(text: str) -> Result:
    """A run's result on ``text`` (which starts with "Human legal rights" and has "tranquil" after
    offset 10): one applied edit, one reported, one span with no wording."""
    t = text.index("tranquil", 10)
    edits = (Edit(0, 18, "Human legal rights", "Human rights", "dictionary", 0.97, "dict"),
             Edit(t - 4, t - 1, text[t - 4:t - 1], "a", "model", 0.5, "model: \"the\" -> \"a\"", applied=False))
    return Result(input=text, text=apply_edits(text, edits), edits=edits, spun_score=0.9, signature="sig|test",
                  spans=(Span(t, t + 8, "tranquil", 0.8),))


def decisions(texts: list[str], ids: list[str]) -> dict:
    b = DecisionsBuilder(inputs={"paths": ids})
    for doc_id, text in zip(ids, texts):
        b.add(doc_id, result(text))
    return b.build()


class Elements(HTMLParser):
    """Every start tag's (tag, attributes)."""

    def __init__(self, page: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def with_id(self, id_: str) -> list[tuple[str, dict]]:
        return [(t, a) for t, a in self.tags if a.get("id") == id_]


def headings(page: str) -> list[str]:
    """Each document's heading (its id)."""
    return [html.unescape(h) for h in re.findall(r'<section class="doc" id="doc\d+"><h2>(.*?)</h2>', page)]


TEXTS = ["Human legal rights advocates say the tranquil crowd left.\n",
         "Human legal rights </script><!-- <b>&amp;</b> \u2028 the tranquil \U0001F642 crowd.\n\nSecond paragraph.",
         "Human legal rights\r\nthe tranquil end"]


def test_the_page_is_self_contained():
    page = render_review(decisions(TEXTS, ["a.txt", "b.txt", "c.txt"]), TEXTS)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "http:" not in page and "https:" not in page and "url(" not in page and "@import" not in page
    els = Elements(page)
    assert not [t for t, _a in els.tags if t in ("link", "img", "iframe", "object", "embed", "base")]
    for tag, attrs in els.tags:
        assert "src" not in attrs, tag
        assert attrs.get("href", "#").startswith("#"), (tag, attrs)  # only links within the page
    assert not [a for t, a in els.tags if t == "script" and a.get("type") not in (None, "application/json")]


def test_the_data_come_back_exactly_and_cannot_close_their_tag():
    d = decisions(TEXTS, ["a.txt", "b.txt", "c.txt"])
    page = render_review(d, TEXTS)
    (raw,) = DATA.findall(page)
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert json.loads(raw) == {"decisions": d, "texts": TEXTS}


def test_one_document_has_no_table_of_contents():
    d = decisions(TEXTS[:1], ["pages/<one>.txt"])
    page = render_review(d, TEXTS[:1], title="review <1>")
    els = Elements(page)
    assert not els.with_id("contents")
    assert headings(page) == ["pages/<one>.txt"]
    assert [a["data-doc"] for t, a in els.tags if t == "article"] == ["0"]
    for hook in HOOKS:
        assert len(els.with_id(hook)) == 1, hook
    # only the sources with a wording to accept (the span's detector has none)
    options = re.findall(r'<select id="source">(.*?)</select>', page)
    assert options == ["<option>dictionary</option><option>model</option>"]
    assert "<title>review &lt;1&gt;</title>" in page


def test_three_documents_have_a_table_of_contents_with_counts():
    ids = ["a.txt", "b & c.txt", "d.txt"]
    page = render_review(decisions(TEXTS, ids), TEXTS)
    els = Elements(page)
    assert len(els.with_id("contents")) == 1
    assert [a["href"] for t, a in els.tags if t == "a"] == ["#doc1", "#doc2", "#doc3"]
    assert [a["id"] for t, a in els.tags if t == "section"] == ["doc1", "doc2", "doc3"]
    assert headings(page) == ids
    assert [a["data-doc"] for t, a in els.tags if t == "article"] == ["0", "1", "2"]
    assert [a["data-left"] for t, a in els.tags if "data-left" in a] == ["0", "1", "2"]
    # per document: 2 edits, 1 applied, 1 span
    rows = re.findall(r'<td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td>', page)
    assert rows == [("2", "1", "1")] * 3
    assert "3 documents, 6 edits (3 applied by the run, 3 only reported), 3 spans that still look spun." in page


def test_texts_that_are_not_the_documents_are_refused():
    d = decisions(TEXTS[:2], ["a.txt", "b.txt"])
    with pytest.raises(ValueError, match="1 texts for 2 documents"):
        render_review(d, TEXTS[:1])
    with pytest.raises(ValueError, match="'b.txt': the text given is not the one decided on"):
        render_review(d, [TEXTS[0], TEXTS[1] + " "])


def test_the_renderer_stays_light():
    code = "import sys, restore.render.review; print('rich' in sys.modules, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["False", "False"]
