"""上报模板 (enter once, export many): an upstream body's Excel template, mapped once column by
column to our fields, downloaded filled each month. Laid out by layer (tests/test_layers.py):
views.py → documents/ (the filled workbook) → services/ (upload, layout, mapping; the demo's two
templates) → selectors.py (the covered projects' values for a period) → rules/ (the fields, the
header block, reading a template file safely) → models.py."""
