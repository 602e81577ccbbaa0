"""开放数据: a year's key projects as an OC4IDS 0.9 project package (DESIGN.md §4 `export_oc4ids`).

No models. `rules.py` maps our register's words to the standard's codelists (each mapping once)
and keeps personal data out; `selectors.py` reads a year's projects in a fixed number of
queries; `documents/package.py` builds the package that the office's page
(`views.py`, under Excel台账) and `manage.py export_oc4ids` both hand out.
"""
