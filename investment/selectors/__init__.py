"""Reads: the figures, the month's pages, rankings, progress, data quality."""
