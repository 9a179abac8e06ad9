"""Where the trained models are: the one lookup every loader uses.

The models ship inside the package (``restore/models/detector``, ``restore/models/restorer``, about
100 MB), so a wheel or ``pip install .`` restores offline with nothing to download. Another set of
weights is chosen with ``Config.models_dir`` (``--models-dir``) or the ``RESTORE_MODELS``
environment variable, in that order; either may name the models root (holding ``detector/`` and
``restorer/``) or one model's own directory.
"""
from __future__ import annotations

import os
from pathlib import Path

from restore.errors import ModelError

PACKAGE_MODELS = Path(__file__).resolve().parent / "models"
WEIGHTS = "model.safetensors"


def models_root(models_dir: str | os.PathLike | None = None) -> Path:
    """``models_dir``, else ``$RESTORE_MODELS``, else the models shipped in the package.
    A directory that was named but does not exist is an error that says what to do."""
    if models_dir:
        root, named = Path(models_dir), "--models-dir"
    elif os.environ.get("RESTORE_MODELS"):
        root, named = Path(os.environ["RESTORE_MODELS"]), "RESTORE_MODELS"
    else:
        return PACKAGE_MODELS
    if not root.is_dir():
        raise ModelError(f"{named}={root}: no such directory (name a directory that holds detector/ and "
                         f"restorer/, or leave {named} unset to use the models shipped with restore)")
    return root


def model_dir(name: str, models_dir: str | os.PathLike | None = None) -> Path:
    """The directory of model ``name`` ("detector", "restorer"): ``<root>/<name>``, or the root
    itself when it is that model's directory (it holds the weights and a config.json)."""
    root = models_root(models_dir)
    if (root / WEIGHTS).is_file() and (root / "config.json").is_file():
        return root
    return root / name
