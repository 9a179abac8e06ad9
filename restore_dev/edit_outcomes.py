"""Gold edits sorted by what the pipeline did about them (scripts/eval/error_analysis.py): where the
restorer's recall goes.

Each gold edit (spun offsets -> original wording) falls in one row: span ``exact`` / ``wider`` /
``narrower`` / ``none`` / ``dictionary`` and outcome ``right applied`` / ``right reported`` /
``wrong applied`` / ``wrong reported`` / ``no edit``, from a run's explain record (its edits,
applied or only reported, and the detector's spans). "Right" is ``evidence_fit.is_right``.
"""
from __future__ import annotations

from restore_dev.evidence_fit import is_right

OUTCOMES = ("right applied", "right reported", "wrong applied", "wrong reported", "no edit")
SPANS = ("dictionary", "exact", "wider", "narrower", "none")


def gives_original(edit: dict, gold: dict) -> bool:
    """Does ``edit`` give the original wording of the spun words it covers (``evidence_fit.is_right``,
    the label the evidence is fitted on)?"""
    return is_right(gold, edit["start"], edit["end"], edit["replacement"])


def overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    """Do [a0, a1) and [b0, b1) share a character (an empty range: does it touch the other)?"""
    if a0 == a1:
        return b0 <= a0 <= b1
    if b0 == b1:
        return a0 <= b0 <= a1
    return a0 < b1 and b0 < a1


def classify(gold: dict, explain: dict) -> list[tuple[str, str]]:
    rows = []
    edits, spans = explain["edits"], explain["spans"]
    for ss, se, _, _ in gold["edits"]:
        mine = [e for e in edits if overlaps(e["start"], e["end"], ss, se)]
        if any(e["source"] == "dictionary" for e in mine):
            where = "dictionary"
        else:
            touching = [s for s in spans if overlaps(s["start"], s["end"], ss, se)]
            if not touching:
                where = "none"
            elif any(s["start"] == ss and s["end"] == se for s in touching):
                where = "exact"
            elif any(s["start"] <= ss and se <= s["end"] for s in touching):
                where = "wider"
            else:
                where = "narrower"
        applied = [e for e in mine if e["applied"]]
        reported = [e for e in mine if not e["applied"]]
        if any(gives_original(e, gold) for e in applied):
            outcome = "right applied"
        elif applied:
            outcome = "wrong applied"
        elif any(gives_original(e, gold) for e in reported):
            outcome = "right reported"
        elif reported:
            outcome = "wrong reported"
        else:
            outcome = "no edit"
        rows.append((where, outcome))
    return rows


def threshold_curve(golds: dict, explains: list[dict], thresholds) -> list[dict]:
    """Right and wrong model edits that a model threshold ``t`` would apply."""
    props = [(e["confidence"], gives_original(e, golds[x["id"]])) for x in explains for e in x["edits"]
             if e["source"] == "model"]
    out = []
    for t in thresholds:
        right = sum(ok for c, ok in props if c >= t)
        wrong = sum(not ok for c, ok in props if c >= t)
        out.append({"threshold": t, "right": right, "wrong": wrong,
                    "precision": round(right / (right + wrong), 3) if right + wrong else None})
    return out
