"""Request handling, one module per group of pages."""
