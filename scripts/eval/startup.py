#!/usr/bin/env python3
"""How long a whole ``restore`` process takes to start and finish on tiny input (median of N runs).

    python3 scripts/eval/startup.py [--runs 5] [--json FILE]

The light commands (``--version``, ``--help``, ``diff``, ``lexicon``) load no model; ``fix`` and
``detect`` on one spun line load the models they need (that is their start-up cost); on one clean
line the triage clears it and they load none (``--no-triage``: they do).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LINE = "Human legal rights advocates spoke to NBC Information.\n"
CLEAN = "The council met on Tuesday to discuss the budget for next year.\n"


def commands(a: str, b: str, c: str) -> dict[str, list[str]]:
    return {"--version": ["--version"], "--help": ["--help"], "diff": ["diff", a, b],
            "lexicon PHRASE": ["lexicon", "white dwelling"], "lexicon": ["lexicon"],
            "fix --no-model --no-detector (one line)": ["fix", "--no-model", "--no-detector", a],
            "detect (one line)": ["detect", a], "fix (one line)": ["fix", a],
            "fix (one clean line)": ["fix", c], "fix --no-triage (one clean line)": ["fix", "--no-triage", c],
            "detect (one clean line)": ["detect", c]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp, "a.txt"), Path(tmp, "b.txt")
        a.write_text(LINE, encoding="utf-8")
        b.write_text("Human rights advocates spoke to NBC News.\n", encoding="utf-8")
        c = Path(tmp, "c.txt")
        c.write_text(CLEAN, encoding="utf-8")
        figures = {}
        for name, cmd in commands(str(a), str(b), str(c)).items():
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                subprocess.run([sys.executable, "-m", "restore", *cmd], capture_output=True)
                times.append(time.perf_counter() - t)
            figures[name] = round(statistics.median(times), 3)
            print(f"{name:42} {figures[name]:6.2f} s", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
