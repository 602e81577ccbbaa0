"""The prebuilt counties (tests/prebuilt.py) that tests in several modules read; each is a
fixture of every test through tests/conftest.py."""

from datetime import date

from ledger.demo import seed_demo
from tests.prebuilt import prebuilt

DEMO_DAY = date(2026, 12, 3)  # a Thursday: October is due, November's reports are coming in


@prebuilt
def demo_county() -> None:
    """The demo county (ledger/demo.py) as seeded on DEMO_DAY, built once per test process."""
    seed_demo(today=DEMO_DAY)
