"""Reports over a detection: ``paper`` (the tortured phrases of a paper, their density, a risk level)."""
from restore.report.paper import PaperReport, Phrase, paper_report, risk_level

__all__ = ["PaperReport", "Phrase", "paper_report", "risk_level"]
