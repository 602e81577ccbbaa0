"""The backup and the restore: the archive, its rows written and read."""
