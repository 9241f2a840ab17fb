"""Shared fixtures. Test data lives in tests/data (the R oracle is a copy kept in the repo)."""

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA
