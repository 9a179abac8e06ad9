"""The decisions of a review: which of a run's edits a person (or a script) accepts, and applying them.

A decisions file (``restore fix --review --decisions FILE``, or "Export decisions" on the review
page) is one JSON object::

    {"format": "restore-decisions", "version": 1, "run": "<16 hex>", "signature": "restore:0.1.0|...",
     "inputs": {"paths": [...], "glob": "*.txt", "recursive": true, "input_format": "auto",
                "field": "text", "id_field": null},
     "documents": [{"id": "pages/a.txt", "path": "pages/a.txt", "line": null, "sha256": "<of the input text>",
                    "edits": [{"id": 0, "kind": "edit", "start": 10, "end": 23, "original": "...",
                               "replacement": "...", "source": "dictionary", "confidence": 1.0,
                               "rule": "...", "applied": true, "proposed": "...",
                               "decision": "accept", "reviewed": false}, ...]}]}

Each entry with an ``id`` is one of the run's proposals: an edit it applied (starts accepted), an
edit it only reported (starts rejected), or a span that still looks spun with no wording
(``kind: "span"``, ``proposed`` None, starts rejected). A person may accept or reject each, and give
a wording of their own (``replacement`` changed, ``source: "user"``); ``proposed`` keeps what the
run said. A script may add entries of its own without an ``id`` (``source: "user"``).

``run`` is a digest of the signature, each document's id and hash and every proposal (offsets,
original, proposed wording, confidence, whether it was applied): decisions and wordings leave it as
it is, but proposals from another run (or changed by hand) do not match it, and such a file is
refused. No torch.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from restore.errors import InputError
from restore.types import Edit, Result, Span

FORMAT = "restore-decisions"
VERSION = 1
DECISIONS = ("accept", "reject")


class DecisionError(InputError):
    """A decisions file, or one document's decisions, that cannot be applied: names the file (and
    the document) and says why. Exit 2."""


def text_sha256(text: str) -> str:
    """The hex SHA-256 of a text (UTF-8): the input a document's decisions belong to."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------ building
def _entry(i: int, e: Edit) -> dict[str, Any]:
    return {"id": i, "kind": "edit", "start": e.start, "end": e.end, "original": e.original,
            "replacement": e.replacement, "source": e.source, "confidence": round(e.confidence, 4),
            "rule": e.rule, "applied": e.applied, "proposed": e.replacement,
            "decision": "accept" if e.applied else "reject", "reviewed": False}


def _span_entry(i: int, s: Span) -> dict[str, Any]:
    return {"id": i, "kind": "span", "start": s.start, "end": s.end, "original": s.text,
            "replacement": s.text, "source": s.source, "confidence": round(s.confidence, 4),
            "rule": "still looks spun; no wording found", "applied": False, "proposed": None,
            "decision": "reject", "reviewed": False}


def document_decisions(doc_id: str, result: Result, path: str | None = None, line: int | None = None) -> dict[str, Any]:
    """One document's starting decisions: every edit of ``result`` (applied ones accepted, reported
    ones rejected) and every span it left unrestored (rejected, no wording), in text order."""
    items: list[tuple[int, int, int, Any]] = [(e.start, e.end, 0, e) for e in result.edits]
    items += [(s.start, s.end, 1, s) for s in result.unrestored]
    items.sort(key=lambda t: (t[0], t[1], t[2]))
    entries = [(_entry if kind == 0 else _span_entry)(i, x) for i, (_a, _b, kind, x) in enumerate(items)]
    return {"id": doc_id, "path": path if path is not None else doc_id, "line": line,
            "sha256": text_sha256(result.input), "spun_score": round(result.spun_score, 4), "edits": entries}


def _proposal_key(e: Mapping[str, Any]) -> list[Any]:
    conf = e.get("confidence")
    conf = float(conf) if isinstance(conf, (int, float)) else conf  # 1 and 1.0 alike (JavaScript writes 1)
    return [e.get("id"), e.get("kind", "edit"), e.get("start"), e.get("end"), e.get("original"), e.get("proposed"),
            conf, bool(e.get("applied"))]


def run_digest(signature: str, documents: Iterable[Mapping[str, Any]]) -> str:
    """The ``run`` of a decisions file: 16 hex of a SHA-256 over the signature, each document's id and
    hash and its proposals (entries with an ``id``), never over the decisions themselves."""
    h = hashlib.sha256(json.dumps(["restore-decisions/1", signature], ensure_ascii=False).encode("utf-8"))
    for d in documents:
        props = [_proposal_key(e) for e in d.get("edits", ()) if isinstance(e, Mapping) and e.get("id") is not None]
        h.update(json.dumps([d.get("id"), d.get("sha256"), props], ensure_ascii=False,
                            sort_keys=True).encode("utf-8"))
    return h.hexdigest()[:16]


@dataclass
class DecisionsBuilder:
    """Collects one run's documents (in output order) into a decisions object."""

    signature: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    documents: list[dict[str, Any]] = field(default_factory=list)

    def add(self, doc_id: str, result: Result, path: str | None = None, line: int | None = None) -> dict[str, Any]:
        if not self.signature:
            self.signature = result.signature
        d = document_decisions(doc_id, result, path, line)
        self.documents.append(d)
        return d

    def build(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": VERSION, "run": run_digest(self.signature, self.documents),
                "signature": self.signature, "inputs": self.inputs, "documents": self.documents}


# ------------------------------------------------------------------ reading and checking
def load_decisions(path: str | Path) -> dict[str, Any]:
    """Read and check a decisions file: DecisionError naming the file when it is not JSON, not a
    restore decisions file, of another version, malformed, or not the run it names."""
    p = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise DecisionError(f"cannot read: {exc.strerror or exc}", p) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise DecisionError("not UTF-8 text", p) from None
    except json.JSONDecodeError as exc:
        raise DecisionError(f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}", p) from None
    check_decisions(data, p)
    return data


def check_decisions(data: Any, where: str = "decisions") -> None:
    """Raise DecisionError unless ``data`` is a well-formed decisions object of the run it names."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DecisionError("not a restore decisions file (no \"format\": \"restore-decisions\")", where,
                            hint="make one with restore fix --review --decisions FILE, or the review page's "
                                 "Export decisions")
    if data.get("version") != VERSION:
        raise DecisionError(f"decisions version {data.get('version')!r}; this restore reads version {VERSION}", where)
    docs = data.get("documents")
    if not isinstance(docs, list) or not all(isinstance(d, dict) for d in docs):
        raise DecisionError("\"documents\" must be a list of objects", where)
    for d in docs:
        if not isinstance(d.get("id"), str) or not isinstance(d.get("sha256"), str) \
                or not isinstance(d.get("edits"), list):
            raise DecisionError(f"document {d.get('id')!r}: needs a string \"id\", \"sha256\" and a list \"edits\"",
                                where)
        for e in d["edits"]:
            _check_entry(e, d["id"], where)
    run = data.get("run")
    if not isinstance(run, str) or run != run_digest(str(data.get("signature", "")), docs):
        raise DecisionError(
            f"these decisions are not those of the run they name (run {run!r}): their proposed edits differ from "
            "what that run proposed, so they come from another run or were changed by hand", where,
            hint="decide on the decisions that restore fix --review wrote, changing only \"decision\", "
                 "\"replacement\" and \"source\"; add edits of your own without an \"id\"")


def _check_entry(e: Any, doc_id: str, where: str) -> None:
    what = f"document {doc_id!r}, edit {e.get('id') if isinstance(e, dict) else e!r}"
    if not isinstance(e, dict):
        raise DecisionError(f"{what}: an edit must be an object", where)
    for k in ("start", "end"):
        if not isinstance(e.get(k), int) or isinstance(e.get(k), bool):
            raise DecisionError(f"{what}: \"{k}\" must be an integer", where)
    for k in ("original", "replacement"):
        if not isinstance(e.get(k), str):
            raise DecisionError(f"{what}: \"{k}\" must be a string", where)
    if e.get("decision") not in DECISIONS:
        raise DecisionError(f"{what}: \"decision\" must be \"accept\" or \"reject\", not {e.get('decision')!r}", where)
    conf = e.get("confidence", 1.0)
    if not isinstance(conf, (int, float)) or isinstance(conf, bool) or not 0.0 <= conf <= 1.0:
        raise DecisionError(f"{what}: \"confidence\" must be a number in [0, 1]", where)


# ------------------------------------------------------------------ applying
def _document_of(text: str, decisions: Any) -> Mapping[str, Any]:
    """The document's decisions out of what ``apply_decisions`` was given."""
    if isinstance(decisions, Mapping) and "documents" in decisions:
        sha = text_sha256(text)
        for d in decisions["documents"]:
            if d.get("sha256") == sha:
                return d
        raise DecisionError("no document in these decisions has this text (sha256 %s…)" % sha[:12])
    if isinstance(decisions, Mapping):
        return decisions
    if isinstance(decisions, Sequence) and not isinstance(decisions, (str, bytes)):
        return {"edits": list(decisions)}
    raise DecisionError("decisions must be a decisions file's object, one document's, or a list of edits")


def decided_edits(text: str, decisions: Any, where: str | None = None) -> list[Edit]:
    """The document's entries as Edits on ``text``, sorted: accepted ones ``applied``, rejected ones
    with a wording reported (``applied=False``); rejected spans without one are left out.
    DecisionError when the text is not the one decided on (hash), or an accepted edit is out of range,
    does not match the text, or overlaps another."""
    doc = _document_of(text, decisions)
    name = doc.get("id", "text")
    sha = doc.get("sha256")
    if sha is not None and sha != text_sha256(text):
        raise DecisionError("the input has changed since the review (its sha256 differs): nothing applied",
                            where or name, hint="review it again")
    out: list[Edit] = []
    for e in doc.get("edits", ()):
        _check_entry(e, name, where or "decisions")
        accept = e["decision"] == "accept"
        start, end, original, rep = e["start"], e["end"], e["original"], e["replacement"]
        label = f"edit {e.get('id', '(added)')} [{start}, {end})"
        if not 0 <= start <= end <= len(text):
            if accept:
                raise DecisionError(f"{label} lies outside the text ({len(text)} characters): nothing applied",
                                    where or name)
            continue
        if text[start:end] != original:
            if accept:
                raise DecisionError(f"{label} says {original!r} but the text has {text[start:end]!r}: nothing applied",
                                    where or name)
            continue
        if rep == original:
            continue  # a span left as it was, or accepted without a change: nothing to put in
        out.append(Edit(start, end, original, rep, source=str(e.get("source") or "user"),
                        confidence=float(e.get("confidence", 1.0)), rule=str(e.get("rule") or ""),
                        type=_type(original, rep), applied=accept))
    out.sort(key=lambda x: (x.start, x.end))
    applied = [e for e in out if e.applied]
    for prev, x in zip(applied, applied[1:]):
        if _clash(prev, x):
            raise DecisionError(f"accepted edits overlap: [{prev.start}, {prev.end}) {prev.original!r} and "
                                f"[{x.start}, {x.end}) {x.original!r}: nothing applied", where or name)
    return _drop_clashing_reported(out, applied)


def _type(original: str, rep: str) -> str:
    if not original:
        return "M"
    return "U" if not rep else "R"


def _clash(a: Edit, b: Edit) -> bool:
    """Two edits that cannot both be put in: they overlap, or both insert at one place."""
    return a.start < b.end and b.start < a.end or a.start == a.end == b.start == b.end


def _drop_clashing_reported(edits: list[Edit], applied: list[Edit]) -> list[Edit]:
    """Reported edits that clash with an accepted one (a person's wording over the same words), or
    with the reported one before them, are dropped, so that the edits stay sorted and disjoint."""
    keep: list[Edit] = []
    for e in edits:
        if not e.applied and (any(_clash(a, e) for a in applied)
                              or keep and not keep[-1].applied and e.start < keep[-1].end):
            continue
        keep.append(e)
    return keep


def apply_decisions(text: str, decisions: Any) -> str:
    """``text`` with the accepted edits of its decisions put in, exactly as decided.

    ``decisions``: a decisions file's object (the document whose ``sha256`` is this text's is used),
    one document's decisions, or a list of edit entries. Raises DecisionError when the text has
    changed since (hash mismatch) or an accepted edit cannot be placed exactly (out of range, another
    original, overlapping): nothing is applied then.
    """
    from restore.edits.apply import apply_edits

    return apply_edits(text, decided_edits(text, decisions))


def decided_result(text: str, doc: Mapping[str, Any], signature: str, where: str | None = None) -> Result:
    """The Result that ``restore apply`` writes for one document: its text as decided, accepted edits
    applied, rejected ones reported, rejected spans as spans."""
    from restore.edits.apply import apply_edits

    edits = decided_edits(text, doc, where)
    spans = tuple(Span(e["start"], e["end"], e["original"], float(e.get("confidence", 0.0)), None,
                       str(e.get("source") or "detector"))
                  for e in doc.get("edits", ()) if e.get("kind") == "span" and e["decision"] == "reject"
                  and e["replacement"] == e["original"])
    score = doc.get("spun_score", 0.0)
    score = float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else 0.0
    return Result(input=text, text=apply_edits(text, edits), edits=tuple(edits), spun_score=score,
                  signature=signature, spans=spans)
