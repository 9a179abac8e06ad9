"""Raw HTML and other text that is not prose: nothing in it is edited, and the detector does not read it."""
from __future__ import annotations

import pytest

from restore import Config, detect, restore_and_explain
from restore.text.protect import not_prose_ranges, protected_ranges

PAGE = """<!DOCTYPE html>
<html><head><title>Human legal rights groups say the enterprise stated too much</title>
<meta name="description" content="Rights groups said the enterprise stated it very last 7 days.">
</head><body><div class="article-body main-content" data-section="world news" data-author="staff writer">
<p>Human legal rights groups said very last 7 days that the White Dwelling stated nothing.</p>
<img src="photo.jpg" alt="A lady stands beneath a motor vehicle in the metropolis">
<script>var section = "world"; function stated(x) { return x; } // White Dwelling</script>
</div></body></html>
"""


def _inside(ranges, a, b):
    return any(x <= a and b <= y for x, y in ranges)


def test_not_prose_ranges_are_protected_and_leave_tickers_and_numbers_to_the_detector():
    text = 'See <IBM> and 7 days at <a href="x">the site</a>, @user, /usr/share/x and `code`.'
    got = [text[a:b] for a, b in not_prose_ranges(text)]
    assert got == ['<a href="x">', "</a>", "@user", "/usr/share/x", "`code`"]
    prot = protected_ranges(text)
    assert all(_inside(prot, a, b) for a, b in not_prose_ranges(text))
    assert [text[a:b] for a, b in prot if text[a:b] in ("<IBM>", "7")] == ["<IBM>", "7"]


@pytest.mark.parametrize("cfg", [Config(), Config(use_model=False)], ids=["model", "dictionary+detector"])
def test_a_scraped_page_has_its_text_restored_and_its_markup_left_alone(cfg):
    markup = not_prose_ranges(PAGE)
    r = restore_and_explain(PAGE, cfg)
    assert r.edits and all(not _inside(markup, e.start, e.end) for e in r.edits)
    assert "function stated(x)" in r.text and 'alt="A lady stands beneath' in r.text
    assert "<p>Human rights groups said last week that the White House" in r.text
    d = detect(PAGE, cfg)
    assert d.spans and not [s for s in d.spans if _inside(markup, s.start, s.end)]
