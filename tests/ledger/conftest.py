"""The browser fixtures of tests/browser, for the ledger preview's browser test."""

from tests.browser.conftest import browser, tab  # noqa: F401
