"""Backup and restore (no models), laid out by layer (tests/test_layers.py):
management/commands/ → services/ (the archive, its rows written and loaded) → rules/ (the
archive's keyed checksum)."""
