"""The audit trail and the auditor's pages, laid out by layer (tests/test_layers.py): views.py
and middleware.py → services.py (recording) → selectors/ (the log, the model history)
→ models.py; filters and tables beside the views."""
