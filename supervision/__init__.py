"""Inspections, findings and the notice model, laid out by layer (tests/test_layers.py):
views.py → services.py → selectors.py and access.py (reads, within a user's scope) → rules.py
(the 13710 clocks) → models.py; forms, filters and tables beside the views."""
