"""restore: find and undo spun English text.

>>> from restore import restore_text
>>> restore_text("Human legal rights advocates spoke to NBC Information.")
'Human rights advocates spoke to NBC News.'
"""
from __future__ import annotations

__version__ = "0.1.0"

from restore.edits.diff import Segment, diff, segments_from_edits  # noqa: E402
from restore.config import Config  # noqa: E402
from restore.edits.apply import apply_edits  # noqa: E402
from restore.review.decisions import apply_decisions  # noqa: E402
from restore.errors import (ConfigError, InputError, LexiconError, ModelError, OutputError,  # noqa: E402
                            RestoreError)
from restore.pipeline import (detect, detect_batch, restore_and_explain, restore_batch, restore_text,  # noqa: E402
                       signature_of)
from restore.types import Detection, Edit, Result, Span  # noqa: E402

__all__ = [
    "__version__", "Config", "Detection", "Edit", "Result", "Segment", "Span",
    "RestoreError", "InputError", "OutputError", "ConfigError", "LexiconError", "ModelError",
    "apply_decisions", "apply_edits", "detect", "detect_batch", "diff", "restore_and_explain", "restore_batch", "restore_text", "segments_from_edits",
    "signature_of",
]
