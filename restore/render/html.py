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
from typing import Any, Mapping, Sequence

from ..align import Segment
from .common import Piece, pieces

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
footer dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0; }
footer dt { font-weight: 600; }
footer dd { margin: 0; overflow-wrap: anywhere; }
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
    counts = {"replace": 0, "delete": 0, "insert": 0}
    for s in segments:
        if s.op in counts:
            counts[s.op] += 1
    n = sum(counts.values())
    if not n:
        return "No changes."
    parts = [f"{counts[k]} {w}" for k, w in (("replace", "replaced"), ("delete", "deleted"), ("insert", "inserted")) if counts[k]]
    return f"{n} change{'s' if n != 1 else ''}: " + ", ".join(parts) + "."


def render_html(segments: Sequence[Segment], title: str = "restore", meta: Mapping[str, Any] | None = None) -> str:
    """A complete HTML5 document (str) showing ``segments``; ``meta`` items go in the footer."""
    segs = list(pieces(segments))
    body: list[str] = ["<p>"]
    for i, s in enumerate(segs):
        body.append(_equal(s.b_text, i == 0, i == len(segs) - 1) if s.op == "equal" else _change(s))
    body.append("</p>")
    article = "".join(body).replace("<p></p>", "")
    foot = ""
    if meta:
        items = "".join(f"<dt>{_esc(str(k))}</dt><dd>{_esc(_meta_value(v))}</dd>" for k, v in meta.items())
        foot = f"\n<footer><dl>{items}</dl></footer>"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="restore">\n'
        f"<title>{_esc(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n"
        f"<header><h1>{_esc(title)}</h1><p>{_esc(_summary(segs))}</p></header>\n"
        f"<article>\n{article}\n</article>{foot}\n</body>\n</html>\n"
    )
