"""Long work in the background (后台任务), laid out by layer (tests/test_layers.py): views.py (the
progress page) and management/commands/ (the worker) → services.py (a job started, run, its
progress written, a dead worker's job taken back) → models.py (``Job``: one piece of work, its
progress and its outcome). The work itself is each app's own (``ledger/tasks.py``)."""
