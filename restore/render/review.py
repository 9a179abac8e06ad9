"""The review page (``restore fix --review``): one self-contained HTML5 page on which a person accepts
or rejects each of a run's edits, gives wordings of their own and exports the decisions as
``decisions.json`` for ``restore apply``.

Python draws the frame: header, the sticky toolbar, a table of contents when there are several
documents, one ``<section>`` per document with an empty ``<article data-doc="i">``. The data travel
as JSON, ``{"decisions": <decisions object>, "texts": [<each document's input text>]}``, in
``<script type="application/json" id="restore-review-data">`` with ``<``, ``>`` and ``&`` written
``\\u003c``, ``\\u003e``, ``\\u0026``, so that no text can close the tag. The page's script draws each
text from them with every entry in place (slicing by code points, as the offsets count), keeps the
person's decisions in ``localStorage`` under a key naming the run, and exports the embedded decisions
with only each entry's ``decision``, ``reviewed``, ``replacement`` and ``source`` changed, so that the
``run`` digest still matches. Inline CSS and JS, no URL. No torch, no rich.
"""
from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

from restore.render.html import _SHORT, CSS, DETECT_CSS, _esc, _legend, _page
from restore.review.decisions import text_sha256

REVIEW_CSS = """
:root { --sel: #1a5fb4; --alt: #8a8a8a; --btn: #f1f1ee; }
@media (prefers-color-scheme: dark) { :root { --sel: #8ab4f8; --alt: #8a8a8a; --btn: #26282b; } }
body { max-width: 50rem; }
#toolbar { position: sticky; top: 0; z-index: 2; background: var(--bg); border-bottom: 1px solid var(--rule);
  padding: .45rem 0 .35rem; font: .85rem/1.4 system-ui, "DejaVu Sans", sans-serif; }
section.doc:first-of-type { border-top: 0; margin-top: .6rem; }
#toolbar .row { display: flex; flex-wrap: wrap; align-items: center; gap: .3rem .5rem; margin: 0 0 .3rem; }
#toolbar .grow { flex: 1; }
#remaining b { font-size: 1.1rem; }
#decided, #status, #sel-info { color: var(--muted); }
/* two lines at most, always: the sticky toolbar keeps its height and the text does not jump */
#sel-info { flex: 1 1 18rem; overflow-wrap: anywhere; height: 2.8em; overflow: hidden; display: -webkit-box;
  -webkit-box-orient: vertical; -webkit-line-clamp: 2; }
#sel-info b { color: var(--fg); font-weight: 600; }
#status { min-height: 1.2em; }
button, select, input { font: inherit; color: var(--fg); background: var(--btn); border: 1px solid var(--rule);
  border-radius: 4px; padding: .12rem .45rem; }
button { cursor: pointer; }
button:disabled { opacity: .45; cursor: default; }
input[type=number] { width: 4.2rem; }
:focus-visible { outline: 2px solid var(--sel); outline-offset: 1px; }
kbd { font: .75rem/1 ui-monospace, "DejaVu Sans Mono", monospace; border: 1px solid var(--rule);
  border-radius: 3px; padding: .05rem .25rem; color: var(--muted); }
table.triage td[data-left] { color: var(--fg); }
.entry { cursor: pointer; border-radius: 3px; }
.entry.selected { outline: 2px solid var(--sel); outline-offset: 2px; }
.entry.selected:focus-visible { outline-width: 3px; }
.entry s.alt { color: var(--alt); text-decoration-thickness: 1px; margin-left: .15em; font-size: .92em; }
.entry.overlap { border: 1px dashed var(--muted); margin-left: .15em; }
.entry.reviewed sup.note::before { content: "\\2713\\00a0"; color: var(--ins-fg); }
#wording { font: inherit; margin: 0 .2em; padding: 0 .3em; border-color: var(--sel); }
dialog#help { color: var(--fg); background: var(--bg); border: 1px solid var(--rule); border-radius: 6px;
  font: .9rem/1.5 system-ui, "DejaVu Sans", sans-serif; max-width: 34rem; }
dialog#help table { border-collapse: collapse; }
dialog#help td { padding: .12rem .8rem .12rem 0; vertical-align: top; }
dialog#help td:first-child { white-space: nowrap; }
dialog#help h2 { font: 600 1rem/1.3 system-ui, "DejaVu Sans", sans-serif; margin: 0 0 .5rem; }
dialog::backdrop { background: rgba(0, 0, 0, .35); }
dialog#help form { text-align: right; margin: .6rem 0 0; }
""".strip()

# (keys, what they do): the help dialog's table; the script's KEYS table binds them
KEYS = (("j n", "next edit"), ("k p", "previous edit"),
        ("a", "accept the selected edit (the wording shown in green goes in)"),
        ("r", "reject it (the text stays as it is)"),
        ("e w", "type your own wording for it: Enter saves (accepted), Escape cancels"),
        ("u", "undo the last action (a bulk one too)"), ("x", "export the decisions (decisions.json)"),
        ("?", "this help"))

LEGEND = ('<span class="key ins">green</span> put in, <span class="key del">red, struck</span> taken out: an edit '
          'accepted; <span class="key">plain</span> then <s>grey, struck</s>: an edit rejected (the text stays); '
          '<span class="key mark">orange</span>: still looks spun, no wording (give one with <kbd>e</kbd>)',
          '<span class="key note">dict 0.97</span>: which stage proposed it and how confident it is, '
          '\u2713 once you decided it; hover or select an edit for its reason',
          'Keys: <kbd>j</kbd> / <kbd>k</kbd> next / previous, <kbd>a</kbd> accept, <kbd>r</kbd> reject, '
          '<kbd>e</kbd> your wording, <kbd>u</kbd> undo, <kbd>x</kbd> export, <kbd>?</kbd> help. '
          'Your decisions are kept in this browser until you export them; then run '
          '<code>restore apply decisions.json -o restored/</code>')


def _script_json(obj: Any) -> str:
    """``obj`` as JSON that is safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` (only ever
    inside JSON strings) escaped, so ``</script>`` or ``<!--`` in a text cannot end or change it."""
    return (json.dumps(obj, ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _counts(edits: Sequence[Mapping[str, Any]]) -> tuple[int, int, int]:
    """(edits, of them applied by the run, spans) of one document's entries."""
    spans = sum(1 for e in edits if e.get("kind") == "span")
    applied = sum(1 for e in edits if e.get("kind") != "span" and e.get("applied") is True)
    return len(edits) - spans, applied, spans


def _n(k: int, word: str) -> str:
    return f"{k} {word}{'' if k == 1 else 's'}"


def _toolbar(sources: Sequence[str]) -> str:
    options = "".join(f'<option>{_esc(s)}</option>' for s in sources)
    return (
        '<div id="toolbar" role="toolbar" aria-label="review">\n'
        '<div class="row"><span id="remaining" aria-live="polite"><b id="left"></b> left to decide</span>'
        '<span id="decided"></span><span class="grow"></span>'
        '<button type="button" id="undo" title="Undo the last action (u)" disabled>Undo <kbd>u</kbd></button>'
        '<button type="button" id="reset" title="Back to the run\'s decisions">Reset</button>'
        '<button type="button" id="export" title="Download decisions.json (x)">Export decisions <kbd>x</kbd></button>'
        '<button type="button" id="help-button" title="Keys (?)" aria-label="Keys">?</button></div>\n'
        '<div class="row"><label>Accept all from <select id="source">' + options + '</select></label>'
        '<button type="button" id="accept-source" aria-label="Accept all from this source">Accept</button>'
        '<span aria-hidden="true">\u00b7</span><label>Accept all with confidence \u2265 <input id="min-confidence" '
        'type="number" min="0" max="1" step="0.05" value="0.9"></label>'
        '<button type="button" id="accept-above" aria-label="Accept all with this confidence or more">Accept</button>'
        '<span aria-hidden="true">\u00b7</span><button type="button" id="reject-all">Reject all</button></div>\n'
        '<div class="row" id="selection"><span id="sel-info">Select an edit: click it, or <kbd>j</kbd> / <kbd>k</kbd>'
        '</span><button type="button" id="btn-accept" disabled>Accept <kbd>a</kbd></button>'
        '<button type="button" id="btn-reject" disabled>Reject <kbd>r</kbd></button>'
        '<button type="button" id="btn-wording" disabled>Your wording\u2026 <kbd>e</kbd></button></div>\n'
        '<div id="status" role="status"></div>\n</div>')


def _toc(docs: Sequence[Mapping[str, Any]], counts: Sequence[tuple[int, int, int]]) -> str:
    rows = []
    for i, (d, (n_edits, applied, spans)) in enumerate(zip(docs, counts)):
        rows.append(f'<tr><td><a href="#doc{i + 1}">{_esc(d["id"])}</a></td><td class="num">{n_edits}</td>'
                    f'<td class="num">{applied}</td><td class="num">{spans}</td>'
                    f'<td class="num" data-left="{i}"></td></tr>')
    return ('<table class="triage" id="contents"><thead><tr><th>document</th><th>edits</th><th>applied</th>'
            f'<th>spans</th><th>left</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _help() -> str:
    rows = "".join("<tr><td>" + " ".join(f"<kbd>{_esc(k)}</kbd>" for k in keys.split())
                   + f"</td><td>{_esc(what)}</td></tr>" for keys, what in KEYS)
    return ('<dialog id="help" aria-labelledby="help-title"><h2 id="help-title">Keys</h2><table>' + rows
            + '</table><p>Click an edit to select it; the toolbar\'s buttons do the same as the keys. Bulk actions '
            'are undone in one step.</p>'
            '<form method="dialog"><button>Close</button></form></dialog>')


def render_review(decisions: Mapping[str, Any], texts: Sequence[str], title: str = "restore review") -> str:
    """The review page (str, a complete HTML5 document) for ``decisions`` (a decisions object, as
    ``DecisionsBuilder.build`` returns it), ``texts[i]`` being the input text of its document ``i``.
    ValueError when the texts are not the documents' (their number or a hash differs)."""
    docs = decisions["documents"]
    if len(texts) != len(docs):
        raise ValueError(f"{len(texts)} texts for {len(docs)} documents")
    for d, t in zip(docs, texts):
        if d.get("sha256") != text_sha256(t):
            raise ValueError(f"document {d.get('id')!r}: the text given is not the one decided on (sha256)")
    counts = [_counts(d["edits"]) for d in docs]
    n_edits, applied, spans = (sum(c[k] for c in counts) for k in range(3))
    summary = (f"{_n(len(docs), 'document')}, {_n(n_edits, 'edit')} ({applied} applied by the run, "
               f"{n_edits - applied} only reported), {_n(spans, 'span')} that still look spun.")
    sources = sorted({str(e["source"]) for d in docs for e in d["edits"]  # those with a wording to accept
                      if e.get("source") and e.get("replacement") != e.get("original")})
    sections = "\n".join(
        f'<section class="doc" id="doc{i + 1}"><h2>{_esc(d["id"])}</h2><p class="meta">{_n(c[0], "edit")}, '
        f'{c[1]} applied, {_n(c[2], "span")}</p>\n<article data-doc="{i}"></article></section>'
        for i, (d, c) in enumerate(zip(docs, counts)))
    body = "\n".join((
        _toolbar(sources),
        _toc(docs, counts) if len(docs) > 1 else "",
        '<noscript><p>This page needs JavaScript to show the texts and record decisions.</p></noscript>',
        sections,
        _help(),
        '<script type="application/json" id="restore-review-data">'
        + _script_json({"decisions": decisions, "texts": list(texts)}) + "</script>",
        "<script>\n" + JS.replace("__SHORT__", json.dumps(_SHORT)) + "</script>",
    ))
    meta = {"run": decisions.get("run", ""), "signature": decisions.get("signature", "")}
    return _page(title, summary, body, meta, css=CSS + "\n" + DETECT_CSS + "\n" + REVIEW_CSS, legend=_legend(LEGEND))


JS = r"""
"use strict";
(() => {
const SHORT = __SHORT__;
const data = JSON.parse(document.getElementById("restore-review-data").textContent);
const docs = data.decisions.documents;
const KEY = "restore-review:" + data.decisions.run;  // another run's page never reads this state
const $ = (id) => document.getElementById(id);
const entries = [];   // every entry in the data's order: {d, i, e, conf, start, cur, el, pos, overlap}
const order = [];     // the entries in page order (j / k)
const byDoc = docs.map(() => []);
const undoSteps = []; // each: [[entry, its state before], ...]
let sel = null, editor = null;

const state = (s) => ({decision: s.decision, reviewed: s.reviewed === true, replacement: s.replacement,
  source: s.source});  // what a person decides; the rest of an entry stays as the run wrote it
const same = (a, b) => a.decision === b.decision && a.reviewed === b.reviewed &&
  a.replacement === b.replacement && a.source === b.source;
const worded = (x, s = x.cur) => s.replacement !== x.e.original;  // accepting it changes the text
const overlaps = (a, b) => (a.start < b.end && b.start < a.end) || (a.start === b.start && a.end === b.end);

docs.forEach((d, di) => d.edits.forEach((e, i) => {
  const conf = typeof e.confidence === "number" ? e.confidence : 1;  // an added entry may have none
  const x = {d: di, i, e, conf, start: state(e), cur: state(e), el: null, pos: 0};
  entries.push(x); byDoc[di].push(x);
}));

// ---------------------------------------------------------------- drawing
const PARA = /\n[^\S\n]*\n\s*/;  // a blank line: a new paragraph
function addText(parent, s) {    // single newlines as <br>
  s.split("\n").forEach((line, k) => {
    if (k) parent.append(document.createElement("br"));
    if (line) parent.append(line);
  });
}
function node(tag, s, cls) {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  addText(n, s);
  return n;
}

function draw(di) {
  // offsets count code points (Python str indices), JS strings UTF-16 units: slice an array of code points
  const cps = Array.from(data.texts[di]);
  const slice = (a, b) => cps.slice(a, b).join("");
  let p = document.createElement("p");
  const paras = [p];
  const plain = (s) => s.split(PARA).forEach((part, k) => {
    if (k) paras.push(p = document.createElement("p"));
    addText(p, part);
  });
  let pos = 0;
  const mine = byDoc[di].slice().sort((x, y) => x.e.start - y.e.start || x.e.end - y.e.end);
  for (const x of mine) {
    x.el = document.createElement("span");
    x.el.dataset.doc = di;
    x.el.dataset.edit = x.e.id ?? "+" + x.i;  // entries a script added have no id
    x.el.tabIndex = -1;
    x.overlap = x.e.start < pos;  // overlaps the one before: drawn beside it
    if (!x.overlap) { plain(slice(pos, x.e.start)); pos = x.e.end; }
    p.append(x.el);
    x.pos = order.push(x) - 1;
    paint(x);
  }
  plain(slice(pos));
  document.querySelector(`article[data-doc="${di}"]`).replaceChildren(...paras.filter((q) => q.hasChildNodes()));
}

function describe(x) {  // source and confidence, e.g. "dict 0.97"
  return x.cur.source === "user" ? "user" : `${SHORT[x.cur.source] || x.cur.source} ${x.conf.toFixed(2)}`;
}

function paint(x) {  // an entry as its current state shows it
  const {e, cur, el} = x, accept = cur.decision === "accept";
  el.className = ["entry", accept ? "accepted" : "rejected", e.kind === "span" && "span", cur.reviewed && "reviewed",
    x.overlap && "overlap", x === sel && "selected"].filter(Boolean).join(" ");
  const parts = [];
  if (accept && worded(x)) {
    if (e.original) parts.push(node("del", e.original));
    if (cur.replacement) parts.push(node("ins", cur.replacement));
  } else if (worded(x)) {
    parts.push(node("span", e.original, "orig"), node("s", cur.replacement || "(delete)", "alt"));
  } else if (!accept && e.kind === "span") {
    const m = node("mark", e.original);
    m.style.setProperty("--a", (0.15 + 0.55 * Math.max(0, Math.min(1, x.conf))).toFixed(2));
    parts.push(m);
  } else {
    parts.push(node("span", e.original, "orig"));
  }
  parts.push(node("sup", describe(x), "note"));
  el.replaceChildren(...parts);
  const run = `${e.source} ${x.conf.toFixed(2)}`;
  el.title = e.id == null ? `added to the decisions (${run})${e.rule ? ": " + e.rule : ""}`
    : cur.source !== "user" ? `${run}: ${e.rule}`
    : `your wording; the run: ${run}, ${e.proposed == null ? "no wording" : `\u201c${e.proposed}\u201d`}`;
}

// ---------------------------------------------------------------- counts, messages, storage
function refresh() {
  const left = (xs) => xs.filter((x) => !x.cur.reviewed).length;
  const n = entries.length - left(entries);
  $("left").textContent = entries.length - n;
  $("decided").textContent = `${n} of ${entries.length} decided`;
  document.querySelectorAll("[data-left]").forEach((td) => { td.textContent = left(byDoc[+td.dataset.left]); });
  $("undo").disabled = !undoSteps.length;
  ["btn-accept", "btn-reject", "btn-wording"].forEach((id) => { $(id).disabled = !sel; });
  if (sel) info(sel);
}

function info(x) {  // the selected entry: where, its source and confidence, its state, its reason
  const {e, cur} = x, where = docs.length > 1 ? docs[x.d].id + " \u00b7 " : "";
  const now = !worded(x) ? "left as it is" : cur.decision === "accept" ? "accepted" : "rejected";
  const run = e.kind === "span" ? "" : e.applied ? " (the run applied it)" : " (the run only reported it)";
  $("sel-info").replaceChildren(where, node("b", describe(x)),
    ` ${now}${cur.reviewed ? "" : ", not yet decided"}${run}: `, e.rule || "");
  $("sel-info").title = $("sel-info").textContent;  // whole, where two lines cut it
}

function say(msg) { $("status").textContent = msg; }

function save() {
  try {
    if (entries.every((x) => same(x.cur, x.start))) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, JSON.stringify(entries.map((x) => x.cur)));
  } catch (err) {
    say("This browser does not keep decisions across a reload here: export them before you close the page.");
  }
}

function load() {
  let saved = null;
  try { saved = JSON.parse(localStorage.getItem(KEY)); } catch (err) { return; }
  if (!Array.isArray(saved) || saved.length !== entries.length) return;
  saved.forEach((s, k) => {
    if (s && (s.decision === "accept" || s.decision === "reject") && typeof s.replacement === "string" &&
        typeof s.source === "string" && typeof s.reviewed === "boolean") entries[k].cur = state(s);
  });
}

// ---------------------------------------------------------------- deciding
// The new states of deciding `targets` (with `extra` fields), as a Map entry -> state. Accepting an
// edit rejects the accepted edits it overlaps, as restore apply refuses overlapping ones.
function plan(targets, decision, extra = {}) {
  const next = new Map();
  const now = (y) => next.get(y) || y.cur;
  for (const x of targets) {
    const s = {...now(x), ...extra, decision, reviewed: true};
    next.set(x, s);
    if (decision !== "accept" || !worded(x, s)) continue;
    for (const y of byDoc[x.d]) {
      if (y !== x && now(y).decision === "accept" && worded(y, now(y)) && overlaps(x.e, y.e)) {
        next.set(y, {...now(y), decision: "reject", reviewed: true});
      }
    }
  }
  return next;
}

function commit(next, msg) {  // one undoable step
  const step = [];
  next.forEach((s, x) => {
    if (same(s, x.cur)) return;
    step.push([x, x.cur]);
    x.cur = s;
    paint(x);
  });
  if (step.length) undoSteps.push(step);
  refresh();
  save();
  say(step.length ? msg : "Nothing to change.");
}

function undo() {
  const step = undoSteps.pop();
  if (!step) return say("Nothing to undo.");
  step.forEach(([x, s]) => { x.cur = s; paint(x); });
  refresh();
  save();
  say(`Undone (${step.length} ${step.length === 1 ? "edit" : "edits"}).`);
}

function need() {
  if (!sel) say("Select an edit first: click it, or press j.");
  return sel;
}
function accept() {
  if (!need()) return;
  if (!worded(sel)) return openEditor(sel);  // nothing to put in yet: ask for the wording
  commit(plan([sel], "accept"), "Accepted.");
}
function reject() { if (need()) commit(plan([sel], "reject"), "Rejected."); }

function bulk(targets, decision, what) {
  commit(plan(targets, decision), `${decision === "accept" ? "Accepted" : "Rejected"} ${targets.length} ${what}.`);
}
function acceptSource() {
  const src = $("source").value;
  bulk(entries.filter((x) => x.cur.source === src && worded(x)), "accept", `from ${src}`);
}
function acceptAbove() {
  const v = $("min-confidence").value, t = Number(v);
  if (v === "" || !(t >= 0 && t <= 1)) return say("Give a confidence between 0 and 1.");
  bulk(entries.filter((x) => x.conf >= t && worded(x)), "accept", `with confidence \u2265 ${t}`);
}
function rejectAll() { bulk(entries, "reject", "edits (all)"); }
function reset() { commit(new Map(entries.map((x) => [x, x.start])), "Back to the run's decisions (u undoes it)."); }

// ---------------------------------------------------------------- selection and your wording
function select(x) {
  if (editor && editor.x === x) return editor.input.focus();  // a click beside the open wording
  closeEditor(false);
  const prev = sel;
  sel = x;
  if (prev && prev !== x) { prev.el.tabIndex = -1; paint(prev); }
  x.el.tabIndex = 0;  // the one entry in the Tab order
  paint(x);
  x.el.focus({preventScroll: true});
  x.el.scrollIntoView({block: "nearest"});
  refresh();
}

function move(step) {
  if (!order.length) return;
  const k = sel ? sel.pos + step : (step > 0 ? 0 : order.length - 1);
  select(order[Math.max(0, Math.min(order.length - 1, k))]);
}

function openEditor(x) {
  if (x !== sel) select(x);
  closeEditor(false);
  const input = document.createElement("input");
  input.id = "wording";
  input.type = "text";
  input.value = worded(x) ? x.cur.replacement : (x.e.proposed ?? x.e.original);
  input.size = Math.max(12, Array.from(input.value).length + 2);
  input.placeholder = "your wording";
  input.setAttribute("aria-label", `Your wording for \u201c${x.e.original}\u201d: Enter saves, Escape cancels`);
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      const v = input.value;
      closeEditor(true);
      commit(plan([x], "accept", {replacement: v, source: "user"}), "Your wording is in.");
    } else if (ev.key === "Escape") {
      ev.preventDefault();
      closeEditor(true);
      say("Cancelled.");
    }
  });
  x.el.after(input);
  editor = {x, input};
  input.focus();
  input.select();
  say("Type your wording: Enter saves it, Escape cancels.");
}

function closeEditor(refocus) {
  if (!editor) return;
  const {x, input} = editor;
  editor = null;
  input.remove();
  if (refocus) x.el.focus({preventScroll: true});
}

// ---------------------------------------------------------------- export
function exportDecisions() {
  const out = JSON.parse(JSON.stringify(data.decisions));
  // only these four fields change: the run's digest covers the others
  entries.forEach((x) => Object.assign(out.documents[x.d].edits[x.i], x.cur));
  const url = URL.createObjectURL(new Blob([JSON.stringify(out, null, 1) + "\n"], {type: "application/json"}));
  const a = document.createElement("a");
  a.href = url;
  a.download = "decisions.json";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  say("Exported decisions.json: restore apply decisions.json -o restored/ writes the texts as decided.");
}

// ---------------------------------------------------------------- wiring
const help = () => ($("help").open ? $("help").close() : $("help").showModal());
const KEYS = {j: () => move(1), n: () => move(1), k: () => move(-1), p: () => move(-1), a: accept, r: reject,
  e: () => need() && openEditor(sel), w: () => need() && openEditor(sel), u: undo, x: exportDecisions, "?": help};
document.addEventListener("keydown", (ev) => {
  if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
  if (ev.target.closest && ev.target.closest("input, select, textarea, [contenteditable]")) return;  // typing
  if ($("help").open && ev.key !== "?") return;
  const act = KEYS[ev.key];
  if (!act) return;
  ev.preventDefault();
  act();
});
document.querySelectorAll("article").forEach((a) => a.addEventListener("click", (ev) => {
  const el = ev.target.closest(".entry");
  if (el) select(order.find((x) => x.el === el));
}));
const buttons = {"btn-accept": accept, "btn-reject": reject, "btn-wording": () => need() && openEditor(sel),
  undo, reset, export: exportDecisions, "accept-source": acceptSource, "accept-above": acceptAbove,
  "reject-all": rejectAll, "help-button": help};
Object.entries(buttons).forEach(([id, f]) => $(id).addEventListener("click", () => f()));
// anchors and scrollIntoView keep clear of the sticky toolbar
const pad = () => { document.documentElement.style.scrollPaddingTop = $("toolbar").offsetHeight + 12 + "px"; };
window.addEventListener("resize", pad);

load();
docs.forEach((d, di) => draw(di));
pad();
refresh();
})();
"""
