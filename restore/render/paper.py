"""The paper report (``restore.report.paper.PaperReport``) as text, as an HTML block, and the
summary of several reports as CSV. Pure functions; no torch, no rich."""
from __future__ import annotations

import csv
import html
import io
import json
from typing import Iterable, Sequence

from restore.report.paper import SUMMARY_FIELDS, PaperReport, Phrase

RISK_NOTE = "risk levels as torturedcheck's: listed phrases per 1,000 words and their count"


def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _where(p: Phrase) -> str:
    return f"p{p.page}" if p.page is not None else f"@{p.start}"


def _phrase_line(p: Phrase, extra: str = "") -> str:
    exp = "" if p.expected is None else " -> (delete)" if p.expected == "" else f" -> {_q(p.expected)}"
    return f"  {_where(p):>5}  {_q(p.text)}{exp} ({p.confidence:.2f}){extra}\n"


def render_report_text(r: PaperReport) -> str:
    """The report of one document, for a terminal or a text file."""
    pages = f"{r.pages} page{'s' if r.pages != 1 else ''}, " if r.pages is not None else ""
    out = [f"{r.id}: {pages}{r.words:,} words\n"]
    if r.skipped is not None:
        out.append(f"  risk: not checked ({r.skipped})\n")
        return "".join(out)
    out.append(f"  risk: {r.risk} ({len(r.listed)} listed tortured phrase{'s' if len(r.listed) != 1 else ''}, "
               f"{r.per_1000_words:.2f} per 1,000 words; {len(r.unlisted)} unlisted)\n")
    if r.listed:
        out.append(f"  listed ({len(r.listed)}), from the tortured-phrase list:\n")
        out.extend(_phrase_line(p) for p in r.listed)
    if r.unlisted:
        out.append(f"  unlisted ({len(r.unlisted)}), in no list:\n")
        out.extend(_phrase_line(p) for p in r.unlisted)
    if r.field_terms:
        out.append(f"  reported, not counted ({len(r.field_terms)}): listed, but ordinary English "
                   f"{'in a field' if any(p.field for p in r.field_terms) else 'too'}:\n")
        out.extend(_phrase_line(p, f" [{p.field}]" if p.field else "") for p in r.field_terms)
    if r.suspect:
        out.append(f"  {len(r.suspect)} more span{'s' if len(r.suspect) != 1 else ''} look spun with no wording "
                   "found (not counted; restore detect lists them)\n")
    return "".join(out)


def _csv(write) -> str:
    buf = io.StringIO()
    write(csv.DictWriter(buf, fieldnames=list(SUMMARY_FIELDS), lineterminator="\n"))
    return buf.getvalue()


def summary_csv_header() -> str:
    """The header row of the summary CSV (``SUMMARY_FIELDS``)."""
    return _csv(lambda w: w.writeheader())


def summary_csv_row(r: PaperReport) -> str:
    """One document's row of the summary CSV (an empty cell for no value: ``pages`` of a text file)."""
    return _csv(lambda w: w.writerow({k: ("" if v is None else v) for k, v in r.summary().items()}))


def render_summary_csv(reports: Iterable[PaperReport]) -> str:
    """One row per document (``SUMMARY_FIELDS``), with a header row."""
    return summary_csv_header() + "".join(summary_csv_row(r) for r in reports)


REPORT_CSS = """
section.report { font: .9rem/1.5 system-ui, "DejaVu Sans", sans-serif; border: 1px solid var(--rule);
  border-radius: 6px; padding: .5rem .8rem; margin: 0 0 1rem; }
section.report h3 { font-size: .95rem; margin: 0 0 .3rem; }
section.report table { border-collapse: collapse; margin: .2rem 0 .5rem; }
section.report th, section.report td { text-align: left; padding: .05rem .8rem .05rem 0; vertical-align: top; }
section.report td.num { text-align: right; font-variant-numeric: tabular-nums; }
.risk-high, .risk-suspicious { color: var(--del-fg); font-weight: 600; }
""".strip()


def _rows(title: str, phrases: Sequence[Phrase], field: bool = False) -> str:
    if not phrases:
        return ""
    head = "<tr><th>page</th><th>phrase</th><th>expected</th><th>confidence</th>" + \
        ("<th>field</th>" if field else "") + "</tr>"
    rows = "".join(
        f'<tr><td class="num">{p.page if p.page is not None else ""}</td><td>{html.escape(p.text)}</td>'
        f'<td>{html.escape(p.expected) if p.expected else ""}</td><td class="num">{p.confidence:.2f}</td>'
        + (f"<td>{html.escape(p.field or '')}</td>" if field else "") + "</tr>"
        for p in phrases)
    return f"<h3>{html.escape(title)} ({len(phrases)})</h3><table>{head}{rows}</table>"


def render_report_html(r: PaperReport) -> str:
    """The report of one document as an HTML block (``<section class="report">``) for the top of
    its section in ``restore detect -f html``."""
    pages = f"{r.pages} page{'s' if r.pages != 1 else ''}, " if r.pages is not None else ""
    if r.skipped is not None:
        risk = f"not checked ({html.escape(r.skipped)})"
    else:
        risk = (f'<span class="risk-{r.risk}">{r.risk}</span>: {len(r.listed)} listed tortured phrases, '
                f"{r.per_1000_words:.2f} per 1,000 words; {len(r.unlisted)} unlisted")
    return (f'<section class="report"><p>Paper report: {pages}{r.words:,} words. Risk {risk} '
            f'<small>({html.escape(RISK_NOTE)})</small></p>'
            + _rows("Listed tortured phrases", r.listed)
            + _rows("Unlisted (in no list)", r.unlisted)
            + _rows("Reported, not counted (ordinary English: in a field, or at large)", r.field_terms, field=True)
            + "</section>")
