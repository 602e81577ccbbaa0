"""Fund applications, laid out by layer (tests/test_layers.py): views.py → services.py
→ selectors.py and access.py (reads, within a user's scope) → rules.py (amounts, dates, status)
→ models.py; forms, filters and tables beside the views."""
