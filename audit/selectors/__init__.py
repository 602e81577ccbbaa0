"""Reads: the audit log and the model history."""
