import pytest

from tests.horloge import Horloge


@pytest.fixture
def horloge() -> Horloge:
    return Horloge()
