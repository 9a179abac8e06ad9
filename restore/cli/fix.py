"""``restore fix``: print (or write) the texts with the spinner's substitutions undone."""
from __future__ import annotations

import os
import sys
from typing import List, Optional

import typer

from restore.cli._util import (EXIT_FINDINGS, EXIT_USAGE, Engine, InputFormat, Quality, Reporter, UsageFailure, app,
                               choices, engine_of, guarded, isatty, make_config, o_actors, o_anylang, o_engine,
                               o_field, o_glob, o_id_field, o_infmt, o_jobs, o_lex, o_maxb, o_maxc, o_models,
                               o_nobuiltin, o_nodet, o_nomodel, o_noprog, o_norec, o_notriage, o_quality, o_quiet,
                               o_device, o_domain, Domain, domain_of, o_no_spinner_vocab,
                               o_reference,
                               paths_arg, plural, progress_total, reporting, several, show_progress, sources_of,
                               stderr, use_color, value)
from restore.config import Config

FixFormat = choices("FixFormat", ["auto", "text", "json", "jsonl", "html", "diff"])
Show = choices("Show", ["diff", "text"])

o_format = typer.Option("auto", "--format", "-f",
                        help="auto: jsonl for JSONL input, else text. text: the restored text "
                             "(a coloured diff on a terminal, see --show); json; jsonl; html; diff (unified).")
o_show = typer.Option(None, "--show", help="For --format text: print the word diff or the restored text. "
                                           "Default: diff on a terminal, text otherwise (and for files).")
o_output_field = typer.Option("restored", "--output-field", help="JSONL: the field the restored text goes to.")
o_output = typer.Option(None, "--output", "-o", metavar="FILE|DIR/",
                        help="A file, or a directory (existing, or ending in /) that mirrors the input tree "
                             "(each file keeps its format unless --format is given).")
o_in_place = typer.Option(False, "--in-place", "-i", help="Rewrite the inputs (needs --backup).")
o_backup = typer.Option(None, "--backup", help="With --in-place: keep the original as PATH+SUFFIX.")
o_threshold = typer.Option(Config.threshold, "--threshold", min=0.0, max=1.0, help="Apply edits at least this confident.")
o_model_threshold = typer.Option(Config.model_threshold, "--model-threshold", min=0.0, max=1.0,
                                 help="Model edits must also clear this.")
o_terms_threshold = typer.Option(None, "--terms-threshold", min=0.0, max=1.0, show_default=False,
                                 help="--domain science: apply a scientific term the term model gives at least "
                                      "this [default: 0.5; 0.55 with --quality best].")
o_refine = typer.Option(None, "--refine-threshold", min=0.0, max=1.0, metavar="P",
                        help="Off by default. When the model has no confident wording for a detector span, ask it "
                             "again about the span's sub-runs of words the detector gives at least P (e.g. 0.75): "
                             "more spun words restored, lower edit precision (docs/usage.md).")
o_lm_spans = typer.Option(Config.lm_max_spans, "--lm-spans", min=1,
                          help="--quality best: spans per document the LM reconsiders.")
o_lm_candidates = typer.Option(Config.lm_max_candidates, "--lm-candidates", min=1,
                               help="--quality best: candidates per span.")
o_lm_margin = typer.Option(Config.lm_margin, "--lm-margin", help="--quality best: margin over the spun wording "
                                                                    "(science: a term under it is reported, not applied).")
o_lm_separation = typer.Option(Config.lm_separation, "--lm-separation",
                               help="--quality best: margin over the runner-up candidate.")
o_check = typer.Option(False, "--check", help="Write nothing; exit 1 if anything would change.")
o_explain = typer.Option(False, "--explain", help="Also show the diff and every edit on stderr.")
o_passes = typer.Option(Config.passes, "--passes", min=1, metavar="N",
                        help="Restore a text's output again, up to N passes in all, until a pass changes nothing, "
                             "so that restoring the result again changes nothing; 1: one pass (faster on spun text).")
o_review = typer.Option(False, "--review",
                        help="Write a review page instead of the texts (to -o FILE, or stdout): every document with "
                             "every edit in place, to accept or reject in a browser and export as decisions.json "
                             "for `restore apply` (docs/usage.md).")
o_decisions = typer.Option(None, "--decisions", metavar="FILE",
                           help="Also write the run's starting decisions (applied edits accepted, the others "
                                "rejected) to FILE, for a script to decide on and `restore apply`.")
o_consistent = typer.Option(False, "--consistent",
                            help="Also apply a model edit held under the threshold where the model restored the same "
                                 "wording the same way, with confidence, elsewhere in the text (a spinner writes one "
                                 "substitute for a word throughout).")


@app.command()
@guarded
def fix(
    paths: Optional[List[str]] = paths_arg, fmt: FixFormat = o_format, show: Optional[Show] = o_show,
    field: str = o_field, id_field: Optional[str] = o_id_field, output_field: str = o_output_field,
    output: Optional[str] = o_output, in_place: bool = o_in_place, backup: Optional[str] = o_backup,
    threshold: float = o_threshold, model_threshold: float = o_model_threshold,
    terms_threshold: Optional[float] = o_terms_threshold,
    refine_threshold: Optional[float] = o_refine, lexicon: Optional[List[str]] = o_lex,
    no_builtin: bool = o_nobuiltin, no_model: bool = o_nomodel, no_detector: bool = o_nodet,
    no_triage: bool = o_notriage, device: str = o_device, domain: Domain = o_domain,
    quality: Quality = o_quality, lm_spans: int = o_lm_spans, lm_candidates: int = o_lm_candidates,
    lm_margin: float = o_lm_margin, lm_separation: float = o_lm_separation, models_dir: Optional[str] = o_models,
    check: bool = o_check, explain: bool = o_explain, passes: int = o_passes,
    consistent: bool = o_consistent, no_spinner_vocab: bool = o_no_spinner_vocab,
    reference: Optional[str] = o_reference, quiet: bool = o_quiet,
    no_progress: bool = o_noprog, max_bytes: int = o_maxb, max_chars: int = o_maxc, glob: str = o_glob,
    no_recursive: bool = o_norec,
    input_format: InputFormat = o_infmt, any_language: bool = o_anylang, jobs: int = o_jobs,
    engine: Engine = o_engine, actors: Optional[int] = o_actors,
    review: bool = o_review, decisions: Optional[str] = o_decisions,
) -> None:
    """Restore spun text: print (or write) it with the spinner's substitutions undone."""
    from restore.batch import processed, resolve_jobs
    from restore.cli.progress import progress_bar
    from restore.io.outputs import FixOutput
    from restore.io.read import iter_inputs
    from restore.pipeline import restore_batch

    fmt, show = value(fmt), value(show)
    _check_options(fmt, show, in_place, backup, output)
    _check_review(review, decisions, fmt, show, in_place, check, output)
    engine, actors = engine_of(engine, actors, jobs)
    rep = Reporter(quiet)
    cfg = make_config(threshold=threshold, model_threshold=model_threshold, terms_threshold=terms_threshold, lexicons=tuple(lexicon or ()),
                      builtin=not no_builtin, use_model=not no_model, use_detector=not no_detector, triage=not no_triage,
                      device=device,
                      refine_threshold=refine_threshold, quality=value(quality), models_dir=models_dir,
                      lm_max_spans=lm_spans, lm_max_candidates=lm_candidates, lm_margin=lm_margin,
                      lm_separation=lm_separation, check_language=not any_language, max_chars=max_chars,
                      passes=passes, consistent=consistent, spinner_vocab=not no_spinner_vocab, reference=reference)
    sources = sources_of(paths, glob, not no_recursive, value(input_format))
    cfg = cfg.replace(domain=domain_of(domain, sources))
    reviewed = None
    if review or decisions is not None:
        from restore.review.outputs import ReviewOutput

        reviewed = ReviewOutput(review, output if review else None, decisions, inputs={
            "paths": list(paths) if paths else ["-"], "glob": glob, "recursive": not no_recursive,
            "input_format": value(input_format), "field": field, "id_field": id_field, "max_bytes": max_bytes})
    out = _NoOutput() if review else \
        FixOutput(sources, fmt=fmt, show=show, output=output, in_place=in_place, backup=backup, check=check,
                  output_field=output_field, stdout_tty=isatty(sys.stdout), color=lambda: use_color(sys.stdout),
                  bad_paths=rep.bad_paths, info=rep.info, report=rep.output_problem)
    problem = reporting(rep, out.error)  # on stderr, and an error record in its place in json and jsonl
    n_docs = n_changed = n_edits = 0
    n_sourced = 0  # --reference: documents restored from their source
    busy = show_progress(sources, quiet, no_progress, stdout_free=check or in_place or output is not None)
    try:
        with progress_bar(progress_total(sources), busy) as prog:
            items = iter_inputs(field=field, id_field=id_field, max_bytes=max_bytes, sources=sources)
            for doc, result in processed(items, cfg, restore_batch, problem, resolve_jobs(jobs), engine, actors):
                n_docs, n_edits, n_changed = n_docs + 1, n_edits + len(result.applied), n_changed + result.changed
                n_sourced += result.reference is not None
                if check and result.changed:
                    rep.info(f"would change: {doc.id} ({plural(len(result.applied), 'edit')})")
                out.write(doc, result)
                if reviewed is not None:
                    reviewed.add(doc, result)
                if explain:
                    _explain(doc, result, several(sources) and not out.diff_on_stdout, out.diff_on_stdout)
                prog.advance(doc.id)
        written = out.finish()
        if reviewed is not None:
            written += reviewed.finish()
    except BaseException:
        out.abort()
        raise
    _summary(rep, check, quiet, n_docs, n_changed, n_edits, written, n_sourced if reference else None)
    if rep.errors:
        raise typer.Exit(EXIT_USAGE)
    if check and n_changed:
        raise typer.Exit(EXIT_FINDINGS)


def _check_options(fmt: str, show: str | None, in_place: bool, backup: str | None, output: str | None) -> None:
    if backup is not None and not in_place:
        raise UsageFailure("--backup works only with --in-place")
    if in_place and not backup:
        raise UsageFailure("--in-place needs --backup SUFFIX (e.g. --in-place --backup .orig), "
                           "so the original is kept")
    if in_place and output is not None:
        raise UsageFailure("use either --in-place or --output, not both")
    if show is not None and fmt not in ("auto", "text"):
        raise UsageFailure("--show works only with --format text")


def _check_review(review: bool, decisions: str | None, fmt: str, show: str | None, in_place: bool, check: bool,
                  output: str | None) -> None:
    if not review and decisions is None:
        return
    what = "--review" if review else "--decisions"
    if check:
        raise UsageFailure(f"{what} writes files; --check writes nothing: use one of them")
    if review and in_place:
        raise UsageFailure("--review writes a review page, not the restored texts: leave out --in-place")
    if review and (fmt not in ("auto", "html") or show is not None):
        raise UsageFailure("--review writes one HTML page: leave out --format and --show")
    if review and output is not None and (output.endswith(("/", os.sep)) or os.path.isdir(output)):
        raise UsageFailure("--review writes one page for every document: give -o a file (review.html), "
                           "not a directory")


class _NoOutput:
    """--review: the page takes the place of the texts."""

    diff_on_stdout = False

    def write(self, doc, result) -> None:
        pass

    def error(self, err) -> None:
        pass

    def finish(self) -> list[str]:
        return []

    def abort(self) -> None:
        pass


def _explain(doc, result, several: bool, diff_on_stdout: bool) -> None:
    """--explain: the word diff (unless it already went to stdout) and every edit, on stderr."""
    from restore.edits.diff import segments_from_edits
    from restore.render.terminal import render_edit_list, render_terminal

    parts = []
    if several:
        parts.append(f"==> {doc.id} <==\n")
    if not diff_on_stdout and result.edits:
        body = render_terminal(segments_from_edits(doc.text, result.edits), color=use_color(sys.stderr),
                               spans=result.unrestored)
        parts.append(body if body.endswith("\n") else body + "\n")
    parts.append(render_edit_list(result))
    parts.append(f"{plural(len(result.applied), 'edit')} applied, {len(result.reported)} reported, "
                 f"{plural(len(result.unrestored), 'span')} unrestored; spun_score {result.spun_score:.2f}\n")
    sys.stderr.write("".join(parts))
    sys.stderr.flush()


def _summary(rep: Reporter, check: bool, quiet: bool, n_docs: int, n_changed: int, n_edits: int,
             written: list[str], n_sourced: int | None = None) -> None:
    """The closing line on stderr."""
    if check:
        rep.info(f"restore: {n_changed} of {plural(n_docs, 'document')} would change")
    elif not quiet and (isatty(sys.stderr) or written) and (n_docs or written):
        bits = [plural(n_docs, "document"), f"{n_changed} changed", f"{n_edits} edits applied"]
        if n_sourced is not None:  # --reference: the others went through the usual pipeline alone
            bits.append(f"{n_sourced} restored from a source in the index")
        if written:
            bits.append(plural(len(written), "file") + " written")
        stderr("restore: " + ", ".join(bits))
