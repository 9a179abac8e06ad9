"""Spinner families: a mixture of spinners, each with its own sparse substitution database.

Real content farms use different spinners, each with its own curated database (a few options per
head word, phrase entries, some with function-word and filler swaps). Training on one generic
thesaurus spinner taught the models that spinner's channel only; a `FamilySpinner` draws one
family per document, so the models see several channels. The tables are compiled by
scripts/data/build_families.py into restore_dev/data/families/ (and the first spinner's table,
restore_dev/data/spin_table.json.gz, is the family ``thesaurus``).

    spinner = FamilySpinner.from_spec("thesaurus=0.4,synset=0.35,function=0.25")
    r = spinner.spin(text, "medium", seed=7)       # a SpinResult; spinner.draw(7) names the family
"""
from __future__ import annotations

import os
import random

from restore_dev.spin import DEFAULT_TABLE, Spinner, SpinResult

__all__ = ["FAMILY_DIR", "FAMILIES", "DEFAULT_MIXTURE", "family_table", "FamilySpinner", "spinner_for"]

FAMILY_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "families")
FAMILIES = ("thesaurus", "synset", "function")
DEFAULT_MIXTURE = "thesaurus=0.4,synset=0.35,function=0.25"


def family_table(name: str) -> str:
    """The compiled table of a family (``thesaurus`` is the first spinner's table)."""
    if name == "thesaurus":
        return DEFAULT_TABLE
    path = os.path.join(FAMILY_DIR, f"{name}.json.gz")
    if not os.path.exists(path):
        raise FileNotFoundError(f"no table for spinner family {name!r} at {path}; "
                                "run scripts/data/build_families.py")
    return path


def parse_mixture(spec: str) -> list[tuple[str, float]]:
    """"a=0.5,b=0.5" -> [("a", 0.5), ("b", 0.5)]; a bare name weighs 1."""
    out = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        name, _, w = part.partition("=")
        weight = float(w) if w else 1.0
        if weight < 0:
            raise ValueError(f"negative weight in {spec!r}")
        out.append((name.strip(), weight))
    if not out or sum(w for _, w in out) <= 0:
        raise ValueError(f"empty spinner mixture {spec!r}")
    return out


class FamilySpinner:
    """Spins each document with one family drawn by weight (the draw uses the document's seed, so
    a (text, preset, seed) triple always gives the same result)."""

    def __init__(self, mixture: list[tuple[str, float]]):
        self.names = [n for n, _ in mixture]
        self.weights = [w for _, w in mixture]
        self.spinners = {n: Spinner(family_table(n)) for n in self.names}

    @classmethod
    def from_spec(cls, spec: str = DEFAULT_MIXTURE) -> "FamilySpinner":
        return cls(parse_mixture(spec))

    def draw(self, seed: int | random.Random) -> str:
        if isinstance(seed, random.Random):
            u = seed.random()
        else:
            u = random.Random(f"family:{seed}").random()
        acc, total = 0.0, sum(self.weights)
        for name, w in zip(self.names, self.weights):
            acc += w / total
            if u < acc:
                return name
        return self.names[-1]

    def spin(self, text: str, preset: str = "medium", seed: int | random.Random = 0) -> SpinResult:
        return self.spinners[self.draw(seed)].spin(text, preset, seed)


def spinner_for(mixture: str | None) -> "FamilySpinner | Spinner":
    """What the training and calibration scripts' ``--spinner MIXTURE`` asks for: a FamilySpinner,
    or the first spinner alone when no mixture is given."""
    return FamilySpinner.from_spec(mixture) if mixture else Spinner()
