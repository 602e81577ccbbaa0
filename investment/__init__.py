"""Monthly reports, reporting periods and the figures, laid out by layer (tests/test_layers.py):
views/ and management/commands/ → documents/ (briefing, notices, charts: for pages and commands)
→ services/ (writes) → selectors/ (reads) → rules/ (DESIGN.md §3: the figures' arithmetic,
periods, overruns, year settings, photo facts) → models.py; forms, filters, tables beside views/."""
