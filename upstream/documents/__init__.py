"""The template filled for a period (filled.py)."""
