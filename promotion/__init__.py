"""招商引资: the log of 招商 activities (外出招商, 接待客商) and the projects signed from them,
laid out by layer (tests/test_layers.py): views.py → services.py → selectors.py and access.py
(reads, within a user's scope) → rules.py (the figures seed 004's section (五) asks for, periods)
→ models.py; forms, filters and tables beside the views."""
