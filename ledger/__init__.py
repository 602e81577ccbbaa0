"""The Excel ledger, laid out by layer (tests/test_layers.py): views.py and management/commands/
→ documents/ (the workbooks written) → services/ (the import, the demo county) → rules/ (the
workbook format, DESIGN.md §4: columns, cells, rows, results) → models.py."""
