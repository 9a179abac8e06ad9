"""Edits and diffs: ``apply`` puts edits into a text (``apply_edits``, the layout a replacement
keeps, where replacements land in the output); ``diff`` is the one word-level diff structure
(``Segment``) that every renderer draws. No torch."""
