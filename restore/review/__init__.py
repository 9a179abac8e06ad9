"""Review: a person (or a script) accepts or rejects each of a run's edits, and restore applies the
decisions exactly (``restore fix --review``, ``restore apply``). No torch."""
from restore.review.decisions import (DecisionError, DecisionsBuilder, apply_decisions, check_decisions,
                                      decided_result, document_decisions, load_decisions, run_digest, text_sha256)

__all__ = ["DecisionError", "DecisionsBuilder", "apply_decisions", "check_decisions", "decided_result",
           "document_decisions", "load_decisions", "run_digest", "text_sha256"]
