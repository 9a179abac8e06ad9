#!/usr/bin/env python3
"""The real-page yardstick: restore's pipeline over ../shared/data/real/, scored by the shared scorer.

    python3 scripts/eval/real.py [--real DIR] [--models-dir DIR] [--no-model] [--passes N]
                                 [--clean-extra JSONL] [--json] [--out-dir DIR] [--scorer PATH]

Runs, in this process with the models loaded once, what the commands of docs/results.md ("Real
pages") run: ``restore fix`` on the spun side of pairs.jsonl and on clean_news.jsonl, ``restore
detect`` on pairs.jsonl, clean_news.jsonl and spun_pages.jsonl. The records are the ones those
commands write with ``-f jsonl`` (restore.io.records, the same windows of documents), kept under
--out-dir as fix_pairs.jsonl, det_pairs.jsonl, fix_clean.jsonl, det_clean.jsonl and
det_pages.jsonl beside the gold files scored (gold_CHANNEL.jsonl, gold_clean.jsonl,
gold_auc_CHANNEL.jsonl), so that ``score.py`` can score them again by hand.

Every figure comes from the shared scorer (``../shared/eval/score.py``, imported: ``score_restore``,
``score_detect``, its word split and its edit alignment); this script only picks the gold rows:

1. restoration per channel (spinner, mt, llm, all) and per spinner site of the spinner pairs: WER in
   -> out, error reduction, edit P/R/F0.5, damage per 1k original words, edits applied;
2. detection on the same rows: token P/R/F1, and how many are called spun (spun_score at or over the
   detector's calibrated gate, what ``restore detect`` exits 1 for);
3. document AUROC (from spun_score) of each channel's spun pages (pairs' spun side, spun_pages.jsonl)
   against clean_news.jsonl: pairs only, spun_pages only, both;
4. clean news: pages changed, damage per 1k, pages called spun (and the same for ``--clean-extra``'s
   pages, in a table of their own);
5. reliability of edit confidence on the spinner pairs: every edit with a confidence (applied, and
   reported but not applied), binned; an edit is right when the scorer's edits it contributes are
   all gold edits: the scorer's alignment (``edits(spun, output)``) with the edit against without
   it, the other applied edits in place (a reported edit put in place of any applied one it overlaps);
6. the spinner family ``restore detect`` names for each thesaurus-spun page (``spinner``).

Tables go to stdout (--json: one JSON object instead), progress to stderr. Exit 2 when the data or
the scorer is missing.
"""
from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
import time
from pathlib import Path

from restore_dev import shared_scorer

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REAL = ROOT.parent / "shared" / "data" / "real"
FILES = ("pairs.jsonl", "spun_pages.jsonl", "clean_news.jsonl")
CHANNELS = ("spinner", "mt", "llm")
BINS = ((0.0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.0))


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def write_jsonl(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def dump(rec: dict) -> str:
    return json.dumps(rec)  # as the one-liners of docs/results.md write the gold files


# ------------------------------------------------------------------ running the pipeline as the CLI does
def run_file(path: Path, field: str, cfg, batch_fn, make_record) -> list[str]:
    """The JSONL lines that ``restore fix|detect PATH --field FIELD --id-field id -f jsonl`` writes:
    the same documents, windows and records, in this process (models loaded once)."""
    from restore.batch import processed
    from restore.io.read import iter_inputs, severity
    from restore.io.records import record_json

    problems: list = []

    def report(err) -> None:
        log(f"{path.name}: {'warning' if severity(err) == 'warning' else 'error'}: {err}")
        if severity(err) == "error":
            problems.append(err)

    items = iter_inputs([str(path)], field=field, id_field="id")
    lines = [record_json(make_record(doc, res)) for doc, res in processed(items, cfg, batch_fn, report, 1)]
    if problems:
        raise SystemExit(f"{path}: {len(problems)} record(s) could not be processed (see above)")
    return lines


# ------------------------------------------------------------------ figures
def restore_row(sc, gold: dict, system: dict) -> dict:
    fig = sc.score_restore(gold, system)
    recs = [system[k] for k in gold if k in system]
    fig["edits_applied"] = sum(1 for r in recs for e in r.get("edits", []) if e.get("applied"))
    fig["edits_reported"] = sum(1 for r in recs for e in r.get("edits", []) if not e.get("applied"))
    return fig


def detect_row(sc, gold: dict, system: dict, gate: float) -> dict:
    fig = sc.score_detect(gold, system)
    del fig["doc_auroc"]  # every gold row here is spun: no AUROC among them
    recs = [system.get(k, {}) for k in gold]
    fig["spans"] = sum(len(r.get("spans") or []) for r in recs)
    fig["called_spun"] = sum(float(r.get("spun_score", 0.0)) >= gate for r in recs)
    return fig


def subset(rows: dict, pred) -> dict:
    return {k: r for k, r in rows.items() if pred(r)}


def overlaps(a, b) -> bool:
    return (a.start < b.end and b.start < a.end) or a.start == b.start


def contributed(sc, spun: str, sp: list[str], applied: list, edit) -> set:
    """The scorer's edits (``edits(spun, output)``) that ``edit`` adds to the output of ``applied``."""
    from restore.edits.apply import apply_edits

    if edit.applied:
        others = [a for a in applied if a is not edit]
    else:  # a reported edit: in place of any applied edit it overlaps
        others = [a for a in applied if not overlaps(a, edit)]
    with_it = sorted(others + [edit], key=lambda e: (e.start, e.end))

    def scored(edits) -> set:
        return sc.edits(sp, [w for w, _, _ in sc.words(apply_edits(spun, edits, only_applied=False))])

    return scored(with_it) - scored(others)


def confidence_bins(sc, gold: dict, system: dict) -> dict:
    """Per source and for all: every edit with a confidence on the gold rows, binned, and how many
    are right (their contribution to the scorer's edits is non-empty and all gold edits)."""
    from restore.edits.apply import apply_edits
    from restore.types import Edit

    judged: list[tuple[str, float, bool, bool]] = []  # source, confidence, applied, right
    for key, g in gold.items():
        rec = system.get(key)
        if rec is None:
            continue
        spun = g["spun"]
        sp = [w for w, _, _ in sc.words(spun)]
        ge = sc.edits(sp, [w for w, _, _ in sc.words(g["original"])])
        edits = [Edit.from_dict(e) for e in rec.get("edits", [])]
        applied = [e for e in edits if e.applied]
        if apply_edits(spun, applied) != rec["restored"]:
            raise SystemExit(f"{key}: the applied edits do not rebuild the restored text")
        for e in edits:
            got = contributed(sc, spun, sp, applied, e)
            judged.append((e.source, e.confidence, e.applied, bool(got) and got <= ge))
    out: dict = {}
    for source in sorted({s for s, *_ in judged}) + ["all"]:
        rows = []
        for i, (lo, hi) in enumerate(BINS):
            last = i == len(BINS) - 1
            inbin = [j for j in judged if (source == "all" or j[0] == source)
                     and lo <= j[1] and (j[1] < hi or (last and j[1] <= hi))]
            n, right = len(inbin), sum(j[3] for j in inbin)
            rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "lo": lo, "hi": hi, "edits": n,
                         "applied": sum(j[2] for j in inbin),
                         "mean_confidence": round(sum(j[1] for j in inbin) / n, 4) if n else None,
                         "right": right, "share_right": round(right / n, 4) if n else None})
        out[source] = rows
    return {"edits": len(judged), "right": sum(j[3] for j in judged),
            "applied_right": sum(j[3] for j in judged if j[2]), "applied": sum(j[2] for j in judged),
            "bins": out}


def merged(*dicts: dict) -> dict:
    out: dict = {}
    for d in dicts:
        clash = set(out) & set(d)
        if clash:
            raise SystemExit(f"ids in more than one file: {', '.join(sorted(clash))}")
        out.update(d)
    return out


# ------------------------------------------------------------------ the run
def evaluate(args) -> dict:
    real = Path(args.real)
    for p in [real] + [real / f for f in FILES]:
        if not p.exists():
            print(f"real.py: {p} is missing (the real pages are expected in ../shared/data/real/; "
                  f"pass --real DIR)", file=sys.stderr)
            raise SystemExit(2)
    if not shared_scorer.available(args.scorer):
        print(f"real.py: the shared scorer {args.scorer} is missing (pass --scorer PATH)", file=sys.stderr)
        raise SystemExit(2)
    sc = shared_scorer.module(args.scorer)

    from restore import Config, detect_batch, restore_batch, signature_of
    from restore.io.records import detect_record, fix_record
    from restore.pipeline import doc_threshold_of

    base = {"models_dir": args.models_dir} if args.models_dir else {}
    fix_cfg = Config(use_model=not args.no_model, consistent=args.consistent, quality=args.quality,
                     spinner_vocab=not args.no_spinner_vocab,
                     **({"passes": args.passes} if args.passes else {}), **base)
    det_cfg = Config(use_model=False, spinner_vocab=not args.no_spinner_vocab, **base)  # restore detect without --suggest
    t0 = time.time()
    gate = doc_threshold_of(det_cfg)

    tmp = None
    if args.out_dir:
        out = Path(args.out_dir)
        out.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="real_eval_")
        out = Path(tmp.name)
    extra = Path(args.clean_extra) if args.clean_extra else None
    runs = [("fix_pairs", real / "pairs.jsonl", "spun", fix_cfg, restore_batch, fix_record),
            ("det_pairs", real / "pairs.jsonl", "spun", det_cfg, detect_batch, detect_record),
            ("fix_clean", real / "clean_news.jsonl", "text", fix_cfg, restore_batch, fix_record),
            ("det_clean", real / "clean_news.jsonl", "text", det_cfg, detect_batch, detect_record),
            ("det_pages", real / "spun_pages.jsonl", "text", det_cfg, detect_batch, detect_record)]
    if extra is not None:
        runs += [("fix_extra", extra, "text", fix_cfg, restore_batch, fix_record),
                 ("det_extra", extra, "text", det_cfg, detect_batch, detect_record)]
    for name, src, field, cfg, fn, rec in runs:
        t = time.time()
        lines = run_file(src, field, cfg, fn, rec)
        write_jsonl(out / f"{name}.jsonl", lines)
        log(f"{name.replace('_', ' ')} ({src.name}): {len(lines)} documents, {time.time() - t:.1f} s")

    # gold files, as in docs/results.md, then read back with the scorer's own loader
    pairs_lines = [x for x in (real / "pairs.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    pages_lines = [x for x in (real / "spun_pages.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    clean_lines = [x for x in (real / "clean_news.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    write_jsonl(out / "gold_clean.jsonl", unchanged_gold(clean_lines))
    for ch in CHANNELS:
        mine = [x for x in pairs_lines if json.loads(x).get("channel") == ch]
        write_jsonl(out / f"gold_{ch}.jsonl", mine)
        pages = [dump({"id": r["id"], "spun": r["text"], "original": ""})
                 for r in map(json.loads, pages_lines) if r.get("channel") == ch]
        write_jsonl(out / f"gold_auc_{ch}.jsonl", mine + pages + (out / "gold_clean.jsonl").read_text(
            encoding="utf-8").splitlines())
    load = lambda name: sc.load(str(out / f"{name}.jsonl"))  # noqa: E731
    pairs = sc.load(str(real / "pairs.jsonl"))
    pages = {k: {"id": r["id"], "spun": r["text"], "original": "", "channel": r.get("channel"),
                 "spinner_site": r.get("spinner_site")}
             for k, r in sc.load(str(real / "spun_pages.jsonl")).items()}
    clean = load("gold_clean")
    fix_pairs, det_pairs, fix_clean, det_clean, det_pages = (
        load(n) for n in ("fix_pairs", "det_pairs", "fix_clean", "det_clean", "det_pages"))
    det_all = merged(det_pairs, det_pages, det_clean)

    # 1-2: restoration and detection on the pairs, per channel and per spinner site
    groups = [("channel", ch, subset(pairs, lambda r, ch=ch: r.get("channel") == ch)) for ch in CHANNELS]
    groups.append(("channel", "all", pairs))
    spinner = groups[0][2]
    for site in sorted({r.get("spinner_site") for r in spinner.values()}):
        groups.append(("site", site, subset(spinner, lambda r, s=site: r.get("spinner_site") == s)))
    rows = [{"kind": kind, "rows": name, "pages": len(gold), "ids": sorted(gold),
             "restore": restore_row(sc, gold, fix_pairs), "detect": detect_row(sc, gold, det_pairs, gate)}
            for kind, name, gold in groups]

    # 3: document AUROC against the clean news
    def auc(spun_rows: dict) -> float | None:
        return sc.score_detect(merged(spun_rows, clean), det_all)["doc_auroc"]

    aurocs = []
    for ch in CHANNELS + ("all",):
        pick = (lambda r: True) if ch == "all" else (lambda r, ch=ch: r.get("channel") == ch)
        p, q = subset(pairs, pick), subset(pages, pick)
        both = merged(p, q)
        aurocs.append({"channel": ch, "pairs": auc(p), "spun_pages": auc(q), "both": auc(both),
                       "pages": len(both), "pairs_pages": len(p), "spun_pages_pages": len(q),
                       "called_spun": sum(float(det_all[k].get("spun_score", 0.0)) >= gate for k in both)})

    # 4: clean news (and the --clean-extra pages)
    clean_row = clean_figures(sc, clean, fix_clean, det_clean, gate)
    extra_row = None
    if extra is not None:
        write_jsonl(out / "gold_extra.jsonl",
                    unchanged_gold([x for x in extra.read_text(encoding="utf-8").splitlines() if x.strip()]))
        extra_row = {"file": str(extra), **clean_figures(sc, load("gold_extra"), load("fix_extra"), load("det_extra"),
                                                         gate)}

    # 5: reliability of edit confidence on the spinner pairs
    bins = confidence_bins(sc, spinner, fix_pairs)

    # 6: the spinner family restore detect names for each thesaurus-spun page
    families = []
    for src, gold, det in (("pairs", spinner, det_pairs),
                           ("spun_pages", subset(pages, lambda r: r.get("channel") == "spinner"), det_pages)):
        for k in sorted(gold):
            g = det[k].get("spinner") or {}
            site = gold[k].get("spinner_site")
            best = next(iter(g.get("probabilities") or {}), None)  # best first
            families.append({"id": k, "source": src, "site": site, "family": g.get("family", "-"), "best": best,
                             "probability": g.get("probability"), "spans": g.get("spans")})
    seconds = round(time.time() - t0, 1)
    if tmp is not None:
        tmp.cleanup()
    return {"date": datetime.date.today().isoformat(), "real": str(real),
            "signature": {"fix": signature_of(fix_cfg), "detect": signature_of(det_cfg)},
            "passes": fix_cfg.passes, "model": fix_cfg.use_model, "gate": gate,
            "files": {"pairs": len(pairs_lines), "spun_pages": len(pages_lines), "clean_news": len(clean_lines)},
            "out_dir": str(out) if args.out_dir else None, "seconds": seconds,
            "pairs": rows, "auroc": aurocs, "clean_news": clean_row, "clean_extra": extra_row, "confidence": bins,
            "spinner_families": families}


def unchanged_gold(lines: list[str]) -> list[str]:
    """Gold lines for clean pages ({id, text}): the right output is the text itself."""
    return [dump({"id": r["id"], "spun": r["text"], "original": r["text"]}) for r in map(json.loads, lines)]


def clean_figures(sc, clean: dict, fix: dict, det: dict, gate: float) -> dict:
    """Clean pages restored and detected: pages changed, the scorer's damage, edits, pages called spun."""
    cfig = sc.score_restore(clean, fix)
    cscores = [float(det[k].get("spun_score", 0.0)) for k in clean]
    return {"pages": len(clean), "clean_changed": cfig["clean_changed"],
            "changed": sum(fix[k]["restored"] != clean[k]["spun"] for k in clean),
            "changed_ids": sorted(k for k in clean if fix[k]["restored"] != clean[k]["spun"]),
            "damage_per_1k": cfig["damage_per_1k"], "wer_out": cfig["wer_out"],
            "edits_applied": sum(1 for k in clean for e in fix[k]["edits"] if e["applied"]),
            "edits_reported": sum(1 for k in clean for e in fix[k]["edits"] if not e["applied"]),
            "called_spun": sum(s >= gate for s in cscores),
            "called_spun_ids": sorted(k for k in clean if float(det[k]["spun_score"]) >= gate),
            "mean_spun_score": round(sum(cscores) / len(cscores), 4) if cscores else None,
            "spans": sum(len(det[k].get("spans") or []) for k in clean)}


# ------------------------------------------------------------------ tables
def f3(v) -> str:
    return "-" if v is None else f"{v:.3f}"


def table(head: list[str], body: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [head] + body) for i in range(len(head))]
    fmt = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)  # noqa: E731
                              for i, (c, w) in enumerate(zip(r, widths))).rstrip()
    return "\n".join([fmt(head), fmt(["-" * w for w in widths])] + [fmt(r) for r in body])


def render(res: dict) -> str:
    out = [f"restore on the real pages ({res['real']}), {res['date']}",
           f"fix:    {res['signature']['fix']}", f"detect: {res['signature']['detect']}",
           f"passes {res['passes']}; called spun: spun_score >= {res['gate']:g} (the detector's gate); "
           f"{res['files']['pairs']} pairs, {res['files']['spun_pages']} spun pages, "
           f"{res['files']['clean_news']} clean news pages; {res['seconds']} s", ""]
    body = []
    for r in res["pairs"]:
        rs, dt = r["restore"], r["detect"]
        edits = (f"{f3(rs['edit_p'])} / {f3(rs['edit_r'])} / {f3(rs['edit_f05'])}" if rs["edits_applied"]
                 else "no edits")
        tokens = f"{f3(dt['token_p'])} / {f3(dt['token_r'])} / {f3(dt['token_f1'])}" if dt["spans"] else "no spans"
        name = r["rows"] if r["kind"] == "channel" else "  " + r["rows"]
        body.append([name, r["pages"], f"{f3(rs['wer_in'])} -> {f3(rs['wer_out'])}", f3(rs["error_reduction"]),
                     edits, f"{rs['damage_per_1k']:.2f}", rs["edits_applied"], tokens,
                     f"{dt['called_spun']} of {r['pages']}"])
    out += ["Restoration and detection on pairs.jsonl, per channel and per spinner site (spinner pairs)",
            table(["rows", "pages", "WER in -> out", "err. red.", "edit P / R / F0.5", "damage/1k", "applied",
                   "token P / R / F1", "called spun"], body), ""]
    body = [[a["channel"], f3(a["pairs"]), f3(a["spun_pages"]), f"{f3(a['both'])} ({a['pages']})",
             f"{a['called_spun']} of {a['pages']}"] for a in res["auroc"]]
    out += [f"Document AUROC (spun_score) of spun pages against the {res['clean_news']['pages']} clean news pages",
            table(["channel", "pairs only", "spun_pages only", "both (pages)", "called spun"], body), ""]
    for title, c in (("Clean news (clean_news.jsonl)", res["clean_news"]),
                     (f"Clean news, --clean-extra ({(res.get('clean_extra') or {}).get('file')})", res.get("clean_extra"))):
        if c is None:
            continue
        out += [title,
                table(["pages", "changed", "clean_changed", "damage/1k", "applied", "reported", "called spun",
                       "spans", "mean spun_score"],
                      [[c["pages"], f"{c['changed']} of {c['pages']}", f3(c["clean_changed"]), f"{c['damage_per_1k']:.2f}",
                        c["edits_applied"], c["edits_reported"], f"{c['called_spun']} of {c['pages']}", c["spans"],
                        f3(c["mean_spun_score"])]]),
                f"changed: {', '.join(c['changed_ids']) or 'none'}; called spun: {', '.join(c['called_spun_ids']) or 'none'}",
                ""]
    b = res["confidence"]
    body = []
    for source, rows in b["bins"].items():
        for row in rows:
            body.append([source if row is rows[0] else "", row["bin"], row["edits"], row["applied"],
                         f3(row["mean_confidence"]), row["right"], f3(row["share_right"])])
    out += [f"Edit confidence on the spinner pairs: {b['edits']} edits ({b['applied']} applied, the rest reported), "
            f"right = matches a gold edit (the scorer's alignment)",
            table(["source", "confidence", "edits", "applied", "mean conf.", "right", "share right"], body),
            f"right: {b['right']} of {b['edits']}; of the applied {b['applied_right']} of {b['applied']}", ""]
    body = [[f["site"], f["id"], f["source"],
             f["family"] + (f" (best: {f['best']})" if f["family"] == "unknown" else ""), f3(f["probability"]) if f["probability"] is not None else "-",
             f["spans"] if f["spans"] is not None else "-"] for f in res["spinner_families"]]
    out += ["The spinner family restore detect names for each thesaurus-spun page (- : not called spun)",
            table(["site", "page", "file", "family", "probability", "spans"], body)]
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--real", default=str(DEFAULT_REAL), help=f"the real pages (default {DEFAULT_REAL})")
    ap.add_argument("--models-dir", default=None, help="the models (default: restore's, or $RESTORE_MODELS)")
    ap.add_argument("--no-model", action="store_true", help="restore without the restorer model (as restore fix --no-model)")
    ap.add_argument("--passes", type=int, default=None, help="restore fix --passes (default: Config's)")
    ap.add_argument("--consistent", action="store_true", help="restore fix --consistent (Config.consistent)")
    ap.add_argument("--no-spinner-vocab", action="store_true",
                    help="restore fix --no-spinner-vocab (Config.spinner_vocab off)")
    ap.add_argument("--quality", default="fast", choices=("fast", "best"),
                    help="restore fix --quality (best: the language model reranks; needs the [lm] extra)")
    ap.add_argument("--clean-extra", default=None, metavar="JSONL",
                    help="more clean pages ({id, text} lines, e.g. data/real_more/clean_varieties.jsonl): fixed and "
                         "detected like clean_news.jsonl, in a table of their own (not in the AUROC)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    ap.add_argument("--out-dir", default=None, help="keep the system outputs and gold files here")
    shared_scorer.add_argument(ap)
    args = ap.parse_args(argv)
    if args.passes is not None and args.passes < 1:
        ap.error("--passes must be at least 1")
    res = evaluate(args)
    sys.stdout.write(json.dumps(res, indent=1) + "\n" if args.json else render(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
