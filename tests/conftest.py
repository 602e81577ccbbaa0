import pytest

from tests.cast import Cast


@pytest.fixture(autouse=True)
def _database(db):
    """Every test here touches the database through the real stack."""


@pytest.fixture
def cast() -> Cast:
    """The county's people and units (tests/cast.py), each made when a test first names them."""
    return Cast()
