"""三个一批 (DESIGN.md §3): the province's batches (期次) of projects to sign, start and put into
production, laid out by layer (tests/test_layers.py): views.py → services.py → selectors.py and
access.py (reads, within a user's scope) → rules.py (签约率、开工率、投产率: what counts as done
by a day, and the rate) → models.py; forms and tables beside the views."""
