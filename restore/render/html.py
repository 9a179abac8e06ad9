"""A self-contained HTML5 page showing a diff: inline CSS, no scripts, no external assets.

The text lives in ``<article>``: equal text as is, deletions in ``<del>``, insertions in ``<ins>``,
each change in ``<span class="edit">`` (with ``title``, ``data-*`` and a ``<sup class="note">``
naming source and confidence when the segment carries a pipeline edit). Blank lines become
paragraphs, single newlines ``<br>``. Every newline of the texts is kept in the markup, so the
article with tags stripped, ``<del>`` and ``<sup class="note">`` dropped and entities unescaped is
the new text exactly (dropping ``<ins>`` instead gives the old text).
"""
from __future__ import annotations

import html
import json
import re
from typing import Any, Callable, Mapping, Sequence

from restore.edits.diff import Segment
from restore.render.common import Piece, SpanIndex, pieces

_PARA = re.compile(r"\n[^\S\n]*\n\s*")  # a blank line (and the whitespace around it)
_LEAD = re.compile(r"\s*\n\s*")  # newlines that start the text
_TRAIL = re.compile(r"\s*\n\s*\Z")  # newlines that end it
_SHORT = {"dictionary": "dict"}

CSS = """
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #fdfdfb; --muted: #6b6b6b;
  --del-fg: #9b1c1c; --del-bg: #fde2e2; --ins-fg: #11631f; --ins-bg: #d8f5dc; --rule: #ddd; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e6e6; --bg: #17181a; --muted: #9a9a9a;
    --del-fg: #ffb4b4; --del-bg: #4a1f22; --ins-fg: #b6f2bf; --ins-bg: #1d3f24; --rule: #333; } }
html { background: var(--bg); color: var(--fg); }
body { max-width: 46rem; margin: 2rem auto; padding: 0 1.25rem;
  font: 1.05rem/1.65 Georgia, "DejaVu Serif", "Times New Roman", serif; }
header h1 { font: 600 1.35rem/1.3 system-ui, "DejaVu Sans", sans-serif; margin: 0 0 .3rem; }
header p, footer { font: .85rem/1.5 system-ui, "DejaVu Sans", sans-serif; color: var(--muted); }
header p { margin: 0 0 1.2rem; }
article p { margin: 0 0 1em; }
del, ins { text-decoration: none; border-radius: 3px; padding: 0 .12em; }
del { color: var(--del-fg); background: var(--del-bg); text-decoration: line-through;
  text-decoration-thickness: 1px; }
ins { color: var(--ins-fg); background: var(--ins-bg); }
del.ws::before, ins.ws::before { content: "\\00b7"; }
del .nl::before { content: "\\21b5"; }
.edit { white-space: normal; }
.edit[title] { cursor: help; }
sup.note { font: .62rem/0 system-ui, "DejaVu Sans", sans-serif; color: var(--muted);
  margin-left: .15em; white-space: nowrap; vertical-align: super; }
del + ins { margin-left: .12em; }
footer { border-top: 1px solid var(--rule); margin-top: 2rem; padding-top: .6rem; }
details.legend { font: .85rem/1.5 system-ui, "DejaVu Sans", sans-serif; color: var(--muted); margin: -.8rem 0 1.2rem; }
details.legend summary { cursor: pointer; }
details.legend ul { margin: .3rem 0 0; padding-left: 1.2rem; }
.key { border-radius: 3px; padding: 0 .12em; }
.key.ins { color: var(--ins-fg); background: var(--ins-bg); }
.key.del { color: var(--del-fg); background: var(--del-bg); text-decoration: line-through; }
.key.note { font-size: .75em; vertical-align: super; }
.key.mark { color: inherit; background: rgba(214, 120, 0, .45); }
footer dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0; }
footer dt { font-weight: 600; }
footer dd { margin: 0; overflow-wrap: anywhere; }
mark { color: inherit; border-radius: 3px; padding: 0 .1em; cursor: help;
  background: rgba(214, 120, 0, var(--a, .35)); }
mark[data-suggestion]::after { content: " \\2192 " attr(data-suggestion); font: .72rem/1 system-ui,
  "DejaVu Sans", sans-serif; color: var(--ins-fg); }
""".strip()


def _esc(s: str) -> str:
    return html.escape(s, quote=True)


def _breaks(s: str, first: bool, last: bool) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in _PARA.finditer(s)]
    if first and (m := _LEAD.match(s)):
        spans.append((0, m.end()))
    if last and (m := _TRAIL.search(s)):
        spans.append((m.start(), len(s)))
    merged: list[tuple[int, int]] = []
    for st, en in sorted(spans):
        if merged and st <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(en, merged[-1][1]))
        else:
            merged.append((st, en))
    return merged


def _equal(s: str, first: bool, last: bool) -> str:
    """Equal text: blank-line runs close and open a paragraph, single newlines become <br>;
    newlines that start or end the whole text (``first``/``last`` piece) only separate paragraphs."""
    out: list[str] = []
    pos = 0
    for st, en in _breaks(s, first, last):
        out.append(_esc(s[pos:st]).replace("\n", "<br>\n"))
        out.append("</p>" + s[st:en] + "<p>")
        pos = en
    out.append(_esc(s[pos:]).replace("\n", "<br>\n"))
    return "".join(out)


def _changed(tag: str, s: str) -> str:
    cls = ' class="ws"' if s.strip() == "" and "\n" not in s else ""
    body = _esc(s)
    body = body.replace("\n", '<span class="nl">\n</span>' if tag == "del" else "<br>\n")
    return f"<{tag}{cls}>{body}</{tag}>"


def _change(seg: Piece) -> str:
    inner = (_changed("del", seg.a_text) if seg.a_text else "") + (_changed("ins", seg.b_text) if seg.b_text else "")
    e = seg.edit
    if e is None:
        return f'<span class="edit" data-op="{seg.op}">{inner}</span>'
    conf = f"{e.confidence:.2f}"
    title = f"{e.source} {conf}" + (f": {e.rule}" if e.rule else "")
    note = f'<sup class="note">{_esc(_SHORT.get(e.source, e.source))} {conf}</sup>'
    return (f'<span class="edit" data-op="{seg.op}" data-source="{_esc(e.source)}" data-confidence="{conf}" '
            f'title="{_esc(title)}">{inner}{note}</span>')


def _meta_value(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, (dict, list, tuple)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return str(v)


def _summary(segments: Sequence[Piece]) -> str:
    """One count of changes: an edit is one change however many diff segments it makes (a kept
    line break splits one), and a change without an edit (``restore diff``) is one per segment."""
    ops: dict[int, set[str]] = {}
    for i, s in enumerate(segments):
        if s.op != "equal":
            ops.setdefault(id(s.edit) if s.edit is not None else -1 - i, set()).add(s.op)
    if not ops:
        return "No changes."
    counts = {"replace": 0, "delete": 0, "insert": 0}
    for kinds in ops.values():
        counts["replace" if "replace" in kinds or len(kinds) > 1 else kinds.pop()] += 1
    n = len(ops)
    parts = [f"{counts[k]} {w}" for k, w in (("replace", "replaced"), ("delete", "deleted"), ("insert", "inserted")) if counts[k]]
    return f"{n} change{'s' if n != 1 else ''}: " + ", ".join(parts) + "."


# the legend's samples are styled spans, not the page's own <ins>/<del>/<mark>/<sup> elements
LEGEND_CHANGES = ('<span class="key ins">green</span>: the wording put in; <span class="key del">red, struck</span>: '
                  'the wording taken out',
                  '<span class="key note">dict 1.00</span>: which stage made the change (dict, model, lm, user) and '
                  'how confident it is; hover a change for its reason')
LEGEND_MARKS = ('<span class="key mark">orange</span>: still looks spun and left as it is, the darker the surer; '
                'with an arrow, the wording found for it, below the threshold and so not applied (hover it for '
                'the source and the confidence)')
LEGEND_DETECT = ('<span class="key mark">orange</span>: looks spun, the darker the surer (hover it for the source '
                 'and the confidence); an arrow gives the likely original wording',)


def _legend(items: Sequence[str]) -> str:
    return ('<details class="legend" open><summary>How to read this page</summary><ul>'
            + "".join(f"<li>{x}</li>" for x in items) + "</ul></details>")


def _unchanged_note(s: Any) -> str:
    if s.suggestion is None:
        return ": still looks spun, no confident wording"
    return ": reported, below the threshold, not applied"


def render_html(segments: Sequence[Segment], title: str = "restore", meta: Mapping[str, Any] | None = None,
                spans: Sequence[Any] = ()) -> str:
    """A complete HTML5 document (str) showing ``segments``; ``meta`` items go in the footer.
    ``spans`` (offsets into the old text) are marked where they lie in unchanged text: what still
    looks spun but was not changed, such as ``Result.unrestored`` (no wording) and the reported
    edits as spans with their wording as suggestion (below the threshold)."""
    segs = list(pieces(segments))
    index = SpanIndex(spans)
    body: list[str] = ["<p>"]
    a_pos = 0
    for i, s in enumerate(segs):
        if s.op == "equal":
            body.append(_equal_marked(index.runs(s.b_text, a_pos), i == 0, i == len(segs) - 1, _unchanged_note))
        else:
            body.append(_change(s))
        a_pos += len(s.a_text)
    body.append("</p>")
    article = "".join(body).replace("<p></p>", "")
    has_notes = any(s.edit is not None for s in segs)
    legend = _legend(LEGEND_CHANGES[: 2 if has_notes else 1] + ((LEGEND_MARKS,) if spans else ()))
    return _page(title, _summary(segs), f"<article>\n{article}\n</article>", meta, legend=legend)


def _page(title: str, summary: str, body: str, meta: Mapping[str, Any] | None, css: str = CSS,
          legend: str = "") -> str:
    """The HTML5 document around ``body``: inline CSS, a header with ``summary`` and ``legend``,
    ``meta`` in the footer."""
    foot = ""
    if meta:
        items = "".join(f"<dt>{_esc(str(k))}</dt><dd>{_esc(_meta_value(v))}</dd>" for k, v in meta.items())
        foot = f"\n<footer><dl>{items}</dl></footer>"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="restore">\n'
        f"<title>{_esc(title)}</title>\n<style>\n{css}\n</style>\n</head>\n<body>\n"
        f"<header><h1>{_esc(title)}</h1><p>{_esc(summary)}</p>{legend}</header>\n"
        f"{body}{foot}\n</body>\n</html>\n"
    )


# ------------------------------------------------------------------ detection report
DETECT_CSS = """
section.doc { border-top: 1px solid var(--rule); padding-top: .8rem; margin-top: 1.6rem; }
section.doc h2 { font: 600 1.05rem/1.3 system-ui, "DejaVu Sans", sans-serif; margin: 0 0 .2rem;
  overflow-wrap: anywhere; }
p.meta, table.triage { font: .85rem/1.5 system-ui, "DejaVu Sans", sans-serif; color: var(--muted); }
p.meta { margin: 0 0 .8rem; }
table.triage { border-collapse: collapse; margin: 0 0 1rem; }
table.triage th, table.triage td { text-align: left; padding: .1rem .8rem .1rem 0; }
table.triage td.num { text-align: right; font-variant-numeric: tabular-nums; }
.spun { color: var(--del-fg); font-weight: 600; }
""".strip()


def _mark(t: str, s: Any, hint: str = "") -> str:
    """``t`` (the text of span ``s``) in a ``<mark>`` shaded by the span's confidence; its title names
    source, confidence and suggestion (the suggestion only in attributes, never in the text)."""
    conf = f"{s.confidence:.2f}"
    title = f"{s.source} {conf}"
    sug = ""
    if s.suggestion is not None:
        shown = "(delete)" if s.suggestion == "" else s.suggestion
        title += f" \u2192 {shown}"
        sug = f' data-suggestion="{_esc(shown)}"'
    alpha = f"{0.15 + 0.55 * max(0.0, min(1.0, s.confidence)):.2f}"
    return (f'<mark style="--a: {alpha}" data-confidence="{conf}" data-source="{_esc(s.source)}"{sug} '
            f'title="{_esc(title + hint)}">{_esc(t).replace(chr(10), "<br>" + chr(10))}</mark>')


def _equal_marked(runs: list[tuple[str, Any]], first: bool, last: bool,
                  hint: Callable[[Any], str] = lambda s: "") -> str:
    """Unchanged text as ``SpanIndex.runs`` cut it: plain runs as ``_equal``, spans in a ``<mark>``.
    Tags stripped, it is the text exactly."""
    return "".join(_mark(x, s, hint(s)) if s is not None else _equal(x, first and k == 0, last and k == len(runs) - 1)
                   for k, (x, s) in enumerate(runs))


def _marked(text: str, spans: Sequence[Any]) -> str:
    """``text`` as paragraphs with each span in a ``<mark>``: tags stripped and entities
    unescaped, it is ``text`` exactly."""
    return ("<p>" + _equal_marked(SpanIndex(spans).runs(text, 0), True, True) + "</p>").replace("<p></p>", "")


def render_detection_html(docs: Sequence[tuple[str, Any, bool]], title: str = "restore detect",
                          meta: Mapping[str, Any] | None = None, reports: Sequence[Any] | None = None) -> str:
    """A triage page for detections: ``docs`` are ``(name, Detection, spun)``; a table of the
    documents (score, spans, verdict) when there are several, then each text with its spans marked.
    ``reports``: for each document, its paper report (``restore.report.paper.PaperReport``, shown on
    top of its section) or None."""
    n_spun = sum(1 for _n, _d, spun in docs if spun)
    summary = (f"{len(docs)} document{'s' if len(docs) != 1 else ''}, {n_spun} spun, "
               f"{sum(len(d.spans) for _n, d, _s in docs)} spans.")
    parts: list[str] = []
    if len(docs) > 1:
        verdicts = {True: '<td class="spun">spun</td>', False: "<td>clean</td>"}
        rows = "".join(
            f'<tr><td><a href="#doc{i}">{_esc(name)}</a></td><td class="num">{d.spun_score:.2f}</td>'
            f'<td class="num">{len(d.spans)}</td>{verdicts[bool(spun)]}</tr>'
            for i, (name, d, spun) in enumerate(docs, 1))
        parts.append('<table class="triage"><thead><tr><th>document</th><th>spun_score</th><th>spans</th>'
                     f"<th></th></tr></thead><tbody>{rows}</tbody></table>")
    css = CSS + "\n" + DETECT_CSS
    if reports is not None and any(r is not None for r in reports):
        from restore.render.paper import REPORT_CSS

        css += "\n" + REPORT_CSS
    for i, (name, d, spun) in enumerate(docs, 1):
        report = reports[i - 1] if reports is not None else None
        if report is not None:
            from restore.render.paper import render_report_html

            report = render_report_html(report) + "\n"
        verdict = '<span class="spun">spun</span>' if spun else "clean"
        if d.skipped is not None:
            verdict = _esc("not checked: " + d.skipped)
        n_unchecked = len(d.unchecked)
        if n_unchecked:
            verdict += f"; {n_unchecked} paragraph{'s' if n_unchecked != 1 else ''} not English, not checked"
        parts.append(f'<section class="doc" id="doc{i}"><h2>{_esc(name)}</h2>'
                     f'<p class="meta">spun_score {d.spun_score:.2f} ({verdict}), {len(d.spans)} '
                     f'span{"s" if len(d.spans) != 1 else ""}</p>\n{report or ""}'
                     f"<article>\n{_marked(d.text, d.spans)}\n</article></section>")
    return _page(title, summary, "\n".join(parts), meta, css=css, legend=_legend(LEGEND_DETECT))
