"""The workbook format (DESIGN.md §4): columns, cells, rows, what an import changed. No database writes."""
