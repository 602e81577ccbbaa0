"""Writes: reports, the month's entry, photos, data quality, year settings, warning rules."""
