"""A number may go when the wording says it as a unit: "12 months" -> "year" (restore.text.quantities)."""
import pytest

from restore.text.quantities import restates, unit_of


@pytest.mark.parametrize("span, number, wording, ok", [
    ("12 months", "12", "year", True),
    ("final 12 months", "12", "last year", True),
    ("a 12 months", "12", "a year", True),
    ("12 MONTHS", "12", "Year", True),
    ("7 days", "7", "week", True),
    ("Very last 7 days", "7", "last week", True),
    ("24 hours", "24", "day", True),
    ("12 months", "12", "month", False),            # another stretch of time
    ("12 months", "12", "years", False),            # not the unit itself
    ("12 months", "12", "year after year", False),  # the unit twice
    ("13 months", "13", "year", False),
    ("10 years", "10", "decade", False),            # not a spinner's expansion
    ("12 weeks", "12", "year", False),
    ("12 months and 12 months", "12", "year", False),  # which of the two?
    ("12", "12", "year", False),                    # no unit after the number
    ("months 12", "12", "year", False),
    ("8", "8", "eight", False),                     # a number said in words is not a unit
])
def test_restates(span, number, wording, ok):
    assert restates(span, number, wording) is ok


def test_unit_of():
    assert unit_of("12", "MONTHS") == "year" and unit_of("7", "days") == "week"
    assert unit_of("12", "days") is None and unit_of("twelve", "months") is None  # words are not protected


def _result(restorer, text: str, span: str, wording: str) -> dict:
    """The restorer's reading of ``span`` in ``text``, with ``wording`` as its best candidate."""
    from restore.fix.encoding import context_of

    a = text.index(span)
    left, right = context_of(text, a, a + len(span))
    (r,) = restorer.infill([(left, span, right)], extra=[[wording]], generate=False)
    j = r["candidates"].index(wording)
    r["lps"][j] = max(r["lps"]) + 5.0  # make it the best, whatever the model thinks
    r["best"], r["best_text"] = j, wording
    return r


@pytest.mark.parametrize("wording, kept", [("year", True), ("month", False), ("annual", False)])
def test_a_model_edit_may_say_a_number_of_the_span_as_its_unit(restorer, wording, kept):
    """The restorer's veto on dropping a number is lifted only for a wording that restates it."""
    from restore.fix.restorer import _untouchable
    from restore.types import Span

    text = "Sales fell 8% from a 12 months earlier, the company said."
    a = text.index("12 months")
    span = Span(a, a + 9, "12 months", 0.95)
    r = _result(restorer, text, "12 months", wording)
    e = restorer._edit(text, span, "12 months", r, _untouchable(text), None, 0.8)
    if kept:
        assert (e.start, e.end, e.original, e.replacement, e.source) == (a, a + 9, "12 months", "year", "model")
    else:
        assert e is None


def test_the_pipeline_restores_a_year_a_spinner_wrote_as_12_months(restorer):
    """End to end, with the shipped models: a spun page's "a 12 months earlier" comes back as "a
    year earlier" and the number elsewhere stays."""
    from restore import Config, restore_and_explain

    text = ("Enterprise funding in the USA fell 8% from a 12 months earlier, to $71 billion, the "
            "agency mentioned. Layoffs at tech corporations rose for the third month in a row, "
            "in contrast with 25 this time final 12 months, based on the tracker.")
    r = restore_and_explain(text, Config())
    years = [e for e in r.edits if "12" in e.original and e.applied]
    assert years, r.edits
    assert all("year" in e.replacement.lower() and "12" not in e.replacement for e in years)
    assert "8%" in r.text and "$71 billion" in r.text and "25 this time" in r.text
