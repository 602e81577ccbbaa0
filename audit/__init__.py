"""The audit trail and the auditor's pages, laid out by layer (tests/test_layers.py): views.py
and middleware.py → services.py (recording) → selectors/ (the log's export)
→ models.py; filters and tables beside the views. The model history (数据变更记录) is `history`'s."""
