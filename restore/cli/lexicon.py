"""``restore lexicon [PHRASE]``: look a phrase up in the merged dictionaries, or show what they hold."""
from __future__ import annotations

from typing import List, Optional

import typer

from restore.cli._util import EXIT_FINDINGS, LexFormat, app, guarded, o_lex, o_nobuiltin, quoted, stderr, value


@app.command()
@guarded
def lexicon(
    phrase: Optional[str] = typer.Argument(None, help="A spun phrase to look up; without it: statistics."),
    lexicons: Optional[List[str]] = o_lex,
    no_builtin: bool = o_nobuiltin,
    fmt: LexFormat = typer.Option("text", "--format", "-f"),
) -> None:
    """Look a phrase up in the merged dictionaries, or show what they hold."""
    from restore.fix.dictionary import load_lexicon
    from restore.io.records import record_json
    from restore.io.write import write_stdout

    fmt = value(fmt)
    lex = load_lexicon(tuple(lexicons or ()), not no_builtin)
    if phrase is None:
        write_stdout(_statistics(lex, fmt))
        return
    entry = lex.lookup(phrase)
    if entry is None:
        if fmt == "json":
            write_stdout(record_json({"phrase": phrase, "found": False}) + "\n")
        stderr(f"restore: {quoted(phrase)} is in none of the dictionaries")
        raise typer.Exit(EXIT_FINDINGS)
    rec = {"phrase": phrase, "found": True, "entry": entry.spun, "canonical": entry.canonical,
           "dictionary": entry.dictionary, "confidence": entry.confidence}
    if entry.note:
        rec["note"] = entry.note
    if fmt == "json":
        write_stdout(record_json(rec) + "\n")
        return
    keys = ["entry", "canonical", "dictionary", "confidence"] + (["note"] if entry.note else [])
    write_stdout("".join(f"{k + ':':<12}{rec[k]}\n" for k in keys))


def _statistics(lex, fmt: str) -> str:
    from restore.io.records import record_json

    per = [{"dictionary": name, "hash": h, "entries": n} for name, h, n in lex.sources]
    if fmt == "json":
        return record_json({"dictionaries": per, "merged_entries": len(lex), "signature": lex.signature},
                           indent=2) + "\n"
    if not per:
        return "no dictionaries loaded\n"
    w = max(len("dictionary"), *(len(p["dictionary"]) for p in per))
    rows = [f"{'dictionary':<{w}}  {'entries':>8}  hash"]
    rows += [f"{p['dictionary']:<{w}}  {p['entries']:>8}  {p['hash']}" for p in per]
    rows.append(f"{'merged':<{w}}  {len(lex):>8}  {lex.signature}")
    return "\n".join(rows) + "\n"
