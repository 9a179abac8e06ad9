"""``restore detect``: lint-style lines of the spans that look spun, a spun_score per document;
``--report paper``: per document, the tortured phrases, their density and a risk level."""
from __future__ import annotations

import functools
import sys
from typing import Any, List, Optional

import typer

from restore.cli._util import (EXIT_FINDINGS, EXIT_USAGE, Engine, InputFormat, Reporter, app, choices, engine_of,
                               error_record_in_place, guarded, isatty, make_config, o_actors, o_anylang, o_engine,
                               o_field, o_glob, o_id_field, o_infmt, o_jobs, o_lex, o_maxb, o_maxc, o_models,
                               o_nobuiltin, o_nodet, o_device, o_domain, Domain, domain_of, o_notriage, o_no_spinner_vocab, o_noprog, o_norec, o_quiet, o_reference,
                               paths_arg, progress_total, quoted, reporting, several, show_progress, sources_of,
                               stderr, value)

DetectFormat = choices("DetectFormat", ["auto", "text", "json", "jsonl", "html", "csv"])
Report = choices("Report", ["paper"])

o_format = typer.Option("auto", "--format", "-f",
                        help="auto: jsonl for JSONL input, else text (lint-style lines). html: one self-contained "
                             "page, the spans marked by confidence (a table of documents when there are several; "
                             "a PDF's paper report on top of it). csv: the paper reports' summary, one row per "
                             "document.")
o_report = typer.Option(None, "--report",
                        help="paper: per document, the tortured phrases found (listed in the built-in list, and "
                             "unlisted), each with its expected wording, confidence and page, the listed ones per "
                             "1,000 words and a risk level (torturedcheck's levels). With -f json or jsonl: the "
                             "reports as records; -f csv: one summary row per document.")
o_min_score = typer.Option(0.0, "--min-score", min=0.0, max=1.0,
                           help="List only documents whose spun_score is at least this.")
o_doc_threshold = typer.Option(None, "--doc-threshold", min=0.0, max=1.0,
                               help="A document at or over this spun_score is spun (exit 1); default: the "
                                    "detector's calibrated gate.")
o_span_threshold = typer.Option(None, "--span-threshold", min=0.0, max=1.0,
                                help="The detector reports spans at least this likely; default: its calibrated "
                                     "operating point.")
o_suggest = typer.Option(False, "--suggest",
                         help="Ask the restorer model for the original wording of the detector's spans: a span it "
                              "has a wording for narrows to the words that wording changes, with it as the "
                              "suggestion (~5x slower).")


@app.command()
@guarded
def detect(
    paths: Optional[List[str]] = paths_arg, fmt: DetectFormat = o_format, field: str = o_field,
    id_field: Optional[str] = o_id_field, min_score: float = o_min_score,
    doc_threshold: Optional[float] = o_doc_threshold, span_threshold: Optional[float] = o_span_threshold,
    suggest: bool = o_suggest, report: Optional[Report] = o_report, lexicon: Optional[List[str]] = o_lex,
    no_builtin: bool = o_nobuiltin,
    no_detector: bool = o_nodet, no_triage: bool = o_notriage, no_spinner_vocab: bool = o_no_spinner_vocab,
    device: str = o_device, domain: Domain = o_domain,
    models_dir: Optional[str] = o_models,
    reference: Optional[str] = o_reference, quiet: bool = o_quiet,
    no_progress: bool = o_noprog, max_bytes: int = o_maxb, max_chars: int = o_maxc, glob: str = o_glob,
    no_recursive: bool = o_norec, input_format: InputFormat = o_infmt, any_language: bool = o_anylang,
    jobs: int = o_jobs, engine: Engine = o_engine, actors: Optional[int] = o_actors,
) -> None:
    """Find spun phrases: lint-style lines, a spun_score per document; exit 1 if any is spun
    (or, with --reference, a copy of an archive document). --report paper: the tortured phrases
    of each paper, their density and a risk level."""
    from restore.batch import processed, resolve_jobs
    from restore.cli.progress import progress_bar
    from restore.io.read import iter_inputs
    from restore.io.records import detect_record, record_json
    from restore.io.write import write_stdout
    from restore.fix.dictionary import load_lexicon
    from restore.pipeline import detect_batch, doc_threshold_of

    fmt, report = value(fmt), value(report)
    if fmt == "csv":
        report = report or "paper"  # the csv is the reports' summary
    engine, actors = engine_of(engine, actors, jobs)
    rep = Reporter(quiet)
    cfg = make_config(lexicons=tuple(lexicon or ()), builtin=not no_builtin, use_detector=not no_detector,
                      triage=not no_triage, device=device, spinner_vocab=not no_spinner_vocab,
                      use_model=suggest, detect_suggest=suggest, detect_threshold=span_threshold,
                      doc_threshold=doc_threshold, models_dir=models_dir, check_language=not any_language,
                      max_chars=max_chars, reference=reference)
    doc_thr = doc_threshold_of(cfg)
    lex = load_lexicon(cfg.lexicons, cfg.builtin)
    reported = functools.partial(_paper_report, lex=lex, threshold=cfg.threshold)
    sources = sources_of(paths, glob, not no_recursive, value(input_format))
    cfg = cfg.replace(domain=domain_of(domain, sources))
    if fmt == "auto":
        fmt = "jsonl" if any(s.kind == "jsonl" for s in sources) else "text"
    kept: list = []  # json and html: (document, detection, spun), or an InputError in its place
    scores: list[float] = []
    copies = 0  # --reference: pages that are copies of an archive document
    problem = reporting(rep, functools.partial(error_record_in_place, fmt, kept))
    if fmt == "csv":
        from restore.render.paper import summary_csv_header

        write_stdout(summary_csv_header())
    with progress_bar(progress_total(sources), show_progress(sources, quiet, no_progress)) as prog:
        items = iter_inputs(field=field, id_field=id_field, max_bytes=max_bytes, sources=sources)
        for doc, det in processed(items, cfg, detect_batch, problem, resolve_jobs(jobs), engine, actors):
            prog.advance(doc.id)
            scores.append(det.spun_score)
            copies += det.reference is not None
            if det.spun_score < min_score and det.reference is None:
                continue
            if fmt == "text" and report:
                from restore.render.paper import render_report_text

                write_stdout(render_report_text(reported(doc, det)))
            elif fmt == "text":
                write_stdout(lint_lines(doc, det, det.spun_score >= doc_thr, lex, paper=cfg.domain == "science"))
            elif fmt == "csv":
                from restore.render.paper import summary_csv_row

                write_stdout(summary_csv_row(reported(doc, det)))
            elif fmt == "jsonl":
                write_stdout(record_json(reported(doc, det).to_dict() if report else detect_record(doc, det)) + "\n")
            else:
                kept.append((doc, det, det.spun_score >= doc_thr))
    write_stdout(_whole(fmt, kept, several(sources), doc_thr, min_score, reported, bool(report)))
    n_spun = sum(s >= doc_thr for s in scores)
    if len(scores) > 1 and not quiet:
        _summary_table(len(scores), n_spun, sum(scores) / len(scores))
    if rep.errors:
        raise typer.Exit(EXIT_USAGE)
    if n_spun or copies:
        raise typer.Exit(EXIT_FINDINGS)


def _paper_report(doc, det, lex, threshold: float):
    """The paper report of one document (``restore.report.paper``)."""
    from restore.report.paper import paper_report

    return paper_report(det, doc.path if doc.kind != "jsonl" else doc.id, doc.pages, lex, threshold)


def _whole(fmt: str, kept: list[tuple], several_docs: bool, doc_thr: float, min_score: float,
           reported, report: bool = False) -> str:
    """The json document or the html page of the documents kept ("" for the streamed formats);
    ``reported(doc, det)``: a document's paper report, which json gives with ``report`` (--report
    paper) and html shows on top of a PDF (of every document with ``report``)."""
    from restore.io.records import detect_record, error_record, record_json

    if fmt == "json":
        def record(k):
            if isinstance(k, Exception):
                return error_record(k)
            return reported(k[0], k[1]).to_dict() if report else detect_record(k[0], k[1])

        records = [record(k) for k in kept]
        obj: Any = records if several_docs else (records[0] if records else None)
        return record_json(obj, indent=2) + "\n" if obj is not None else ""
    if fmt == "html" and kept:
        from restore.render.html import render_detection_html

        marked = [(doc.path if doc.kind != "jsonl" else doc.id, det, spun) for doc, det, spun in kept]
        title = f"restore detect: {marked[0][0]}" if len(marked) == 1 else f"restore detect: {len(marked)} documents"
        meta = {"signature": marked[0][1].signature, "doc_threshold": doc_thr, "min_score": min_score}
        # a paper (a PDF, or every document with --report paper) gets its report on top
        reports = [reported(doc, det) if report or doc.kind == "pdf" else None for doc, det, _s in kept]
        return render_detection_html(marked, title=title, meta=meta, reports=reports)
    return ""


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


def lint_lines(doc, det, spun: bool, lexicon=None, paper: bool = False) -> str:
    """``path:line:col: spun(0.91) "Information" -> "News"`` per span (``-> (delete)`` for a word
    the suggestion drops: "legal" of "human legal rights"), then the score line.
    For a JSONL record the location is its id and line:col count inside its text field; for a PDF,
    the page: ``paper.pdf:p4:``. The label is ``tortured`` for a span from the tortured-phrase list
    and for every span of a paper (a PDF, or ``paper``: ``--domain science``), else ``spun``
    (``lexicon``: the run's dictionaries, by default the built-ins)."""
    from restore.fix.dictionary import load_lexicon
    from restore.report.paper import page_of, span_labels

    where = doc.path if doc.kind != "jsonl" else doc.id
    labels = span_labels(det, lexicon if lexicon is not None else load_lexicon(), paper=paper or doc.kind == "pdf")
    lines = []
    for s, label in zip(det.spans, labels):
        if doc.kind == "pdf":
            loc = f"p{page_of(doc.pages, s.start) or 1}"
        else:
            loc = "{}:{}".format(*_line_col(doc.text, s.start))
        if s.suggestion is None:
            sug = ""
        elif s.suggestion == "":
            sug = " -> (delete)"
        else:
            sug = f" -> {quoted(s.suggestion)}"
        lines.append(f"{where}:{loc}: {label}({s.confidence:.2f}) {quoted(s.text)}{sug}\n")
    verdict = "not checked: " + det.skipped if det.skipped is not None else "spun" if spun else "clean"
    if spun and det.spinner is not None:  # the spinner family its spans point to (restore.detect.fingerprint)
        g = det.spinner
        verdict += f", spinner: {g.family}" + (f" {g.probability:.2f}" if g.family != "unknown" else "")
    if det.reference is not None:  # --reference: whatever its wording, it is a copy of an archive document
        verdict += f", copy of {det.reference['id']} ({det.reference['score']:.2f})"
    lines.append(f"{where}: spun_score {det.spun_score:.2f} ({verdict})\n")
    return "".join(lines)


def _summary_table(n: int, n_spun: int, mean: float) -> None:
    if isatty(sys.stderr):
        from rich.console import Console
        from rich.table import Table

        t = Table(title="restore detect", title_justify="left")
        for c in ("documents", "spun", "mean score"):
            t.add_column(c, justify="right")
        t.add_row(str(n), str(n_spun), f"{mean:.2f}")
        Console(stderr=True).print(t)
        return
    stderr(f"{'documents':>9}  {'spun':>5}  {'mean score':>10}\n{n:>9}  {n_spun:>5}  {mean:>10.2f}")
