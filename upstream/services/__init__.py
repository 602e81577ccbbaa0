"""The writes: a template uploaded, its header rows adjusted, its columns mapped (mapping.py);
the demo county's two templates (demo.py)."""
