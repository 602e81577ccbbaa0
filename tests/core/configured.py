"""config/settings.py as a server reads it under a given environment, for the tests of settings
that only a deployment sets (a replica, a shared store): the module run afresh, nothing kept."""

import runpy

from config.settings import BASE_DIR


def settings_read(monkeypatch, **environment: str | None) -> dict:
    """The settings' names and values with ``environment`` over the test run's (None: unset)."""
    with monkeypatch.context() as patch:
        for name, value in environment.items():
            if value is None:
                patch.delenv(name, raising=False)
            else:
                patch.setenv(name, value)
        return runpy.run_path(str(BASE_DIR / "config" / "settings.py"))
