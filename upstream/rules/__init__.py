"""What a template is made of: our fields (fields.py), its header block (headers.py), and the
checks an uploaded template file passes before it is kept (template_file.py)."""
