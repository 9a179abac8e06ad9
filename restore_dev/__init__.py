"""Development-only code."""
