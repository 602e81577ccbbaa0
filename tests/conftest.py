import pytest


@pytest.fixture(autouse=True)
def _database(db):
    """Every test here touches the database through the real stack."""
