"""Writes: the import, and the demo county built through it."""
