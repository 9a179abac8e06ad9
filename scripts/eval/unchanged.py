#!/usr/bin/env python3
"""Behaviour check: the JSONL that ``restore fix`` and ``restore detect`` write is the same as
a committed record of it.

    python scripts/eval/unchanged.py --record    # write tests/fixtures/unchanged/expected.json
    python scripts/eval/unchanged.py             # compare; exit 1 and name each record that differs
    python scripts/eval/unchanged.py --test-docs 40 --sets samples,real,test

The inputs come from ../shared (nothing of it is copied into the project): the shared samples, every
row of ../shared/data/real/*.jsonl and N spun documents of the test split (the corpus's test side
in its hash order, cut to 400 words, spun with the mixture preset, seed 5). Every input goes into
one JSONL file, run through the installed ``restore`` in a subprocess (one thread, as CI runs it);
each output line is kept, keyed by the command and the record's id, as the SHA-256 of its shape
(the line with its JSON floats taken out, and the confidences that an edit's rule writes out,
"p=0.93: model 0.90") and those numbers as written.

Two lines are the same output when their shapes are and each number is close to the recorded one: a
JSON float within 0.001, a number a rule writes out ("0.93") within one unit of its last written
digit. A number that moves more, a flag that flips or a word that changes is a difference. Arithmetic moves confidences in their last digits: with two
threads instead of one, 3 of the 548 lines differed byte for byte, all within that; on an AMD EPYC,
25 of the 548 lines differed byte for byte from a record made on an Intel Xeon (of whole lines'
hashes, which could not tell such noise from a change of behaviour).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from restore_dev.check_inputs import SETS, inputs

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "tests" / "fixtures" / "unchanged" / "expected.json"


def run(command: str, path: str, options: list[str]) -> list[str]:
    # float32 restorer: in bf16 a confidence can move by 1e-4 with the other inputs of its batch
    # (0.8799 against 0.8801), and a CPU without native bf16 runs float32 anyway
    env = dict(os.environ, OMP_NUM_THREADS="1", RESTORE_THREADS="1", RESTORE_BF16="0")
    p = subprocess.run([sys.executable, "-m", "restore", command, path, "--format", "jsonl", "--quiet",
                        "--no-progress", *options], capture_output=True, env=env)
    if p.returncode not in (0, 1):
        raise SystemExit(f"restore {command} exited {p.returncode}: {p.stderr.decode()[-2000:]}")
    return p.stdout.decode("utf-8").splitlines()


DECIMAL_RE = re.compile(r"\d+\.\d+")
WORDED = {"rule"}  # strings that write confidences out ("p=0.93: model 0.90, detector 1.00")


def shape(line: str) -> tuple[str, list]:
    """The SHA-256 of an output line with its decimal numbers taken out, and those numbers in order:
    JSON floats as floats, the numbers a rule writes out as the strings it writes."""
    numbers: list = []

    def take(m: re.Match) -> str:
        numbers.append(m.group())
        return "#"

    def walk(v, key: str = ""):
        if isinstance(v, float):
            numbers.append(v)
            return "#"
        if isinstance(v, str) and key in WORDED:
            return DECIMAL_RE.sub(take, v)
        if isinstance(v, list):
            return [walk(x, key) for x in v]
        if isinstance(v, dict):
            return {k: walk(x, k) for k, x in v.items()}
        return v

    shaped = json.dumps(walk(json.loads(line)), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(shaped.encode("utf-8")).hexdigest(), numbers


def _close(want, got) -> bool:
    """A JSON float within 0.001 of the recorded one; a number a rule writes out ("0.93") within one
    unit of its last written digit. (A float's written digits say nothing of its precision: 0.9 is
    written "0.9" however it was rounded.)"""
    if isinstance(want, str) != isinstance(got, str):
        return False
    if want == got:
        return True
    tolerance = 10.0 ** -len(want.partition(".")[2]) if isinstance(want, str) else 1e-3
    return abs(float(want) - float(got)) <= tolerance + 1e-9


def same(want, got) -> bool:
    """Whether a recorded output (``[sha256, numbers]``) and a new one are the same output."""
    return (want[0] == got[0] and len(want[1]) == len(got[1])
            and all(_close(a, b) for a, b in zip(want[1], got[1])))


def digests(recs: list[dict], options: list[str] = ()) -> dict[str, list]:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "inputs.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in recs)
        out: dict[str, str] = {}
        for command in ("fix", "detect"):
            lines = run(command, path, list(options))
            if len(lines) != len(recs):
                raise SystemExit(f"restore {command}: {len(lines)} output lines for {len(recs)} inputs")
            for r, line in zip(recs, lines):
                out[f"{command} {r['id']}"] = list(shape(line))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--record", action="store_true", help="write the expected digests instead of comparing")
    ap.add_argument("--sets", default=",".join(SETS), help="which inputs: samples, real, test")
    ap.add_argument("--test-docs", type=int, default=200, help="how many spun test documents")
    ap.add_argument("--option", action="append", default=[],
                    help="an option given to both commands (repeatable), e.g. --option=--no-spinner-vocab: "
                         "compare a change's off switch against the record made before it")
    args = ap.parse_args(argv)
    sets = tuple(s for s in args.sets.split(",") if s)
    got = digests(inputs(sets, args.test_docs), args.option)
    if args.record:
        EXPECTED.parent.mkdir(parents=True, exist_ok=True)
        EXPECTED.write_text("{\n" + ",\n".join(f"{json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}"
                                               for k, v in sorted(got.items())) + "\n}\n", encoding="utf-8")
        print(f"{EXPECTED}: {len(got)} digests", file=sys.stderr)
        return 0
    want = json.loads(EXPECTED.read_text(encoding="utf-8"))
    missing = [k for k in got if k not in want]
    differ = [k for k in got if k in want and not same(want[k], got[k])]
    for k in missing:
        print(f"no recorded output: {k}")
    for k in differ:
        print(f"differs: {k}")
    print(f"{len(got) - len(missing) - len(differ)} of {len(got)} outputs identical (numbers within 0.001 or their last digit)",
          file=sys.stderr)
    return 1 if missing or differ else 0


if __name__ == "__main__":
    sys.exit(main())
