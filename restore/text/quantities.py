"""Spans of time a spinner writes out as a number: "12 months" for "year", "7 days" for "week".

Real spinners' tables expand a unit of time into the next smaller one ("a year earlier" -> "a 12
months earlier", "last week" -> "Very last 7 days"; the shared real pages' README names both). No
model edit may change or drop a number (``restore.text.protect``), which kept the restorer's right
"12 months" -> "year" from ever being applied. Putting the unit back drops no information: the
number and its unit say exactly what the one word says. ``restates`` says when a wording does that
for a number of the span, so that the number is not lost but said another way.

    >>> restates("12 months", "12", "year")
    True
    >>> restates("final 12 months", "12", "last year")
    True
    >>> restates("12 months", "12", "month")   # not the same stretch of time
    False
    >>> restates("10 years", "10", "decade")   # not a spinner's expansion: left alone
    False
"""
from __future__ import annotations

import re

# the number and smaller unit that say one unit of time (a number written in words, "twelve months",
# is not protected: the veto never applies to it)
EXPANSIONS: dict[tuple[str, str], str] = {
    ("12", "months"): "year",
    ("7", "days"): "week",
    ("24", "hours"): "day",
    ("60", "minutes"): "hour",
}
_WORD_RE = re.compile(r"[\w-]+")


def unit_of(number: str, following: str) -> str | None:
    """The unit that ``number`` and the word after it (``following``) say in one word, or None."""
    return EXPANSIONS.get((number.lower(), following.lower()))


def restates(span_text: str, number: str, wording: str) -> bool:
    """Whether ``wording``, put in place of ``span_text``, says the stretch of time that the number
    ``number`` of the span and its unit say ("12 months" -> "year"): the unit stands in the wording
    as a word of its own, once, and the span says the number once, followed by its unit."""
    words = [w.lower() for w in _WORD_RE.findall(span_text)]
    places = [i for i, w in enumerate(words) if w == number.lower()]
    if len(places) != 1 or places[0] + 1 >= len(words):
        return False
    unit = unit_of(number, words[places[0] + 1])
    if unit is None:
        return False
    said = [w.lower() for w in _WORD_RE.findall(wording)]
    return said.count(unit) == 1
