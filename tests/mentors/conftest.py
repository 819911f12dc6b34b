import pytest

from tests.conftest import ensure_subjects


@pytest.fixture(autouse=True)
def subjects(db):
    ensure_subjects()
