"""The project register: units, people (the user model, here since its first migration),
projects, annual plan rows and milestones. It imports only `core` and names no other app's URL
or permission (tests/test_app_boundaries.py). Laid out by layer (tests/test_layers.py):
views/ (register.py: projects, plans, milestones; units.py: 责任单位) → services/ (register.py;
units.py: keeping and merging units; revisions.py: 项目调整) → selectors.py (what points at a
unit, where a merged unit went, the closest names) and access.py → rules.py (counted, 开工, 纳统),
deadlines.py (逾期) and codes.py → models.py; forms, filters, tables and widgets beside the views."""
