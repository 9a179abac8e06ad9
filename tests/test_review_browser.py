"""The review page in a real browser (issue 35): headless Chromium through Selenium.

End to end: ``restore fix --review`` writes the page and the starting decisions, a person decides in
the page (reject, accept, a wording of their own), the decisions survive a reload, the export goes
through ``restore apply`` and gives exactly the text decided. Then the page alone: offsets in code
points, keys, a bulk action and undo, reset.

Skipped where selenium, chromium or chromedriver is missing, unless RESTORE_BROWSER_TESTS=required
(CI), where that fails.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from restore.edits.apply import apply_edits
from restore.render.review import render_review
from restore.review import DecisionsBuilder, check_decisions
from restore.types import Edit, Result, Span
from restore_dev.browser import chromium, missing

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "spun_news_tiandy.txt"
WORDING = "quiet, unexpected wording"  # every key the page binds (a, e, j, n, p, r, u, w, x...) is typed in it


@pytest.fixture(scope="module")
def browser():
    why = missing()
    if why is not None:
        if os.environ.get("RESTORE_BROWSER_TESTS") == "required":
            pytest.fail(f"RESTORE_BROWSER_TESTS=required, but the browser tests cannot run: {why}")
        pytest.skip(why)
    driver = chromium((1280, 900))
    yield driver
    driver.quit()


def downloads_to(driver, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    return folder


def downloaded(folder: Path, name: str = "decisions.json", timeout: float = 10.0) -> Path:
    path = folder / name
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.is_file() and not list(folder.glob("*.crdownload")):
            return path
        time.sleep(0.05)
    raise AssertionError(f"{name} was not downloaded: {sorted(p.name for p in folder.iterdir())}")


def press(driver, keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(keys).perform()


def entry(driver, doc: int, edit: int | str):
    return driver.find_element("css selector", f'.entry[data-doc="{doc}"][data-edit="{edit}"]')


def pick(driver, doc: int, edit: int | str) -> None:
    """Click an entry, scrolled to the middle first (not under the sticky toolbar)."""
    el = entry(driver, doc, edit)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    el.click()


def states(driver) -> dict[str, str]:
    """Every entry's data-edit: "accepted" or "rejected", as its class says."""
    return dict(driver.execute_script(
        "return Array.from(document.querySelectorAll('.entry')).map(e => [e.dataset.edit,"
        " e.classList.contains('accepted') ? 'accepted' : e.classList.contains('rejected') ? 'rejected' : '?'])"))


def left(driver) -> int:
    return int(re.search(r"\d+", driver.find_element("id", "remaining").text).group())


def click(driver, id_: str) -> None:
    driver.find_element("id", id_).click()


def start_of_sample(chars: int = 1200) -> str:
    cut = SAMPLE.read_text(encoding="utf-8")[:chars]
    return cut[:cut.rindex("\n\n")] + "\n"


def spliced(text: str, entries: list[dict]) -> str:
    """``text`` with each entry's ``replacement`` put in, by plain slicing (right to left)."""
    for e in sorted(entries, key=lambda e: e["start"], reverse=True):
        assert text[e["start"]:e["end"]] == e["original"]
        text = text[:e["start"]] + e["replacement"] + text[e["end"]:]
    return text


def disjoint(e: dict, others: list[dict]) -> bool:
    return all(e["end"] <= o["start"] or o["end"] <= e["start"] for o in others)


def test_review_in_the_browser_then_apply(browser, tmp_path):
    text = start_of_sample()
    (tmp_path / "tiandy.txt").write_text(text, encoding="utf-8")
    cmd = [sys.executable, "-m", "restore"]
    fix = subprocess.run(cmd + ["fix", "tiandy.txt", "--review", "-o", "review.html", "--decisions", "start.json"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert fix.returncode in (0, 1), fix.stderr
    start = json.loads((tmp_path / "start.json").read_text(encoding="utf-8"))
    entries = start["documents"][0]["edits"]
    applied = [e for e in entries if e["kind"] == "edit" and e["applied"]]
    reported = [e for e in entries if e["kind"] == "edit" and not e["applied"]]
    spans = [e for e in entries if e["kind"] == "span"]
    assert len(applied) >= 3 and reported and spans, entries
    assert all(e["decision"] == ("accept" if e in applied else "reject") and not e["reviewed"] for e in entries)

    # the person's decisions: two applied edits out, a reported one in, a wording for a span
    out_1, out_2 = applied[:2]
    kept = applied[2:]
    put_in = next(e for e in reported if disjoint(e, kept))
    worded = next(e for e in spans if disjoint(e, kept + [put_in]))
    browser.get((tmp_path / "review.html").as_uri())
    expected = {str(e["id"]): "accepted" if e in applied else "rejected" for e in entries}
    assert states(browser) == expected and left(browser) == len(entries)

    pick(browser, 0, out_1["id"])
    click(browser, "btn-reject")
    pick(browser, 0, out_2["id"])
    press(browser, "r")
    pick(browser, 0, put_in["id"])
    click(browser, "btn-accept")
    pick(browser, 0, worded["id"])
    press(browser, "e")
    box = browser.find_element("id", "wording")
    box.clear()
    box.send_keys(WORDING + "\n")
    expected.update({str(out_1["id"]): "rejected", str(out_2["id"]): "rejected", str(put_in["id"]): "accepted",
                     str(worded["id"]): "accepted"})
    assert states(browser) == expected
    assert left(browser) == len(entries) - 4
    assert entry(browser, 0, worded["id"]).find_element("tag name", "ins").text == WORDING

    browser.refresh()  # the decisions are kept in the browser
    assert states(browser) == expected and left(browser) == len(entries) - 4
    assert entry(browser, 0, worded["id"]).find_element("tag name", "ins").text == WORDING

    folder = downloads_to(browser, tmp_path / "downloads")
    click(browser, "export")
    exported = json.loads(downloaded(folder).read_text(encoding="utf-8"))
    check_decisions(exported)
    changed = {out_1["id"], out_2["id"], put_in["id"], worded["id"]}
    for before, after in zip(entries, exported["documents"][0]["edits"]):
        assert after["reviewed"] is (before["id"] in changed)
        same = {k: v for k, v in before.items() if k not in ("decision", "reviewed", "replacement", "source")}
        assert {k: after[k] for k in same} == same
    assert {k: v for k, v in exported.items() if k != "documents"} == \
        {k: v for k, v in start.items() if k != "documents"}

    applied_run = subprocess.run(cmd + ["apply", str(folder / "decisions.json"), "-o", "out.txt"], cwd=tmp_path,
                                 capture_output=True, text=True)
    assert applied_run.returncode == 0, applied_run.stderr
    want = spliced(text, kept + [put_in, {**worded, "replacement": WORDING}])
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == want


# ------------------------------------------------------------------ the page alone
# astral characters (two UTF-16 units, one code point) before the edits: offsets count code points
TEXT = ("\U0001F642 Human legal rights advocates spoke to NBC Information.\n\n"
        "The \U0001D51E tranquil crowd left very last 7 days, it said.\n")


def page_result() -> Result:
    def at(s: str) -> tuple[int, int]:
        i = TEXT.index(s)
        return i, i + len(s)

    edits = (Edit(*at("Human legal rights"), "Human legal rights", "Human rights", "dictionary", 1.0, "dict"),
             Edit(*at("NBC Information"), "NBC Information", "NBC News", "dictionary", 0.97, "dict"),
             Edit(*at("very last 7 days"), "very last 7 days", "last week", "model", 0.85, "model", applied=False),
             Edit(*at("said"), "said", "claimed", "model", 0.55, "model", applied=False))
    return Result(input=TEXT, text=apply_edits(TEXT, edits), edits=edits, spun_score=0.9, signature="sig|browser",
                  spans=(Span(*at("tranquil"), "tranquil", 0.8),))


def test_keys_bulk_undo_and_reset(browser, tmp_path):
    b = DecisionsBuilder(inputs={"paths": ["a.txt"]})
    b.add("a.txt", page_result())
    start = b.build()
    page = tmp_path / "review.html"
    page.write_text(render_review(start, [TEXT]), encoding="utf-8")
    browser.get(page.as_uri())

    # each entry in place: the text before it, as a code-point slice gives it, and two paragraphs
    gaps = json.loads(browser.execute_script(  # as JSON: a half of a surrogate pair comes back as one
        "return JSON.stringify(Array.from(document.querySelectorAll('.entry'), e => e.previousSibling.textContent))"))
    ends = [0] + [e["end"] for e in start["documents"][0]["edits"]][:-1]
    assert gaps == [TEXT[a:e["start"]].split("\n\n")[-1] for a, e in zip(ends, start["documents"][0]["edits"])]
    assert gaps[0] == "\U0001F642 " and len(browser.find_elements("css selector", "article p")) == 2
    initial = {"0": "accepted", "1": "accepted", "2": "rejected", "3": "rejected", "4": "rejected"}
    assert states(browser) == initial  # edit 2 is the span "tranquil"

    press(browser, "jjjk")  # next, next, next, previous: the second entry
    assert "selected" in entry(browser, 0, 1).get_attribute("class").split()
    box = browser.find_element("id", "min-confidence")
    box.clear()
    box.send_keys("0.8")  # typed in an input: no key acts
    assert "selected" in entry(browser, 0, 1).get_attribute("class").split()
    click(browser, "accept-above")
    after_bulk = {**initial, "3": "accepted"}  # 0.85; the span has no wording, 0.55 is below
    assert states(browser) == after_bulk and left(browser) == 2
    pick(browser, 0, 0)
    press(browser, "r")
    assert states(browser) == {**after_bulk, "0": "rejected"}
    press(browser, "u")
    assert states(browser) == after_bulk
    press(browser, "u")  # the bulk action, as one step
    assert states(browser) == initial and left(browser) == 5
    assert not browser.find_element("id", "undo").is_enabled()

    press(browser, "?")
    assert browser.find_element("id", "help").is_displayed()
    press(browser, "?")
    assert not browser.find_element("id", "help").is_displayed()

    folder = downloads_to(browser, tmp_path / "downloads")
    click(browser, "accept-above")
    press(browser, "x")
    exported = json.loads(downloaded(folder).read_text(encoding="utf-8"))
    check_decisions(exported)  # the run still matches (confidence 1.0 comes back as 1)
    assert [e["decision"] for e in exported["documents"][0]["edits"]] == \
        ["accept", "accept", "reject", "accept", "reject"]

    click(browser, "reset")
    assert states(browser) == initial and left(browser) == 5
    browser.refresh()
    assert states(browser) == initial and left(browser) == 5
