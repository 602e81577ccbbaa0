"""Writes to the project register and its units."""
