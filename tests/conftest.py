"""Shared fixtures. Test data lives in tests/data (copied from ../shared where needed)."""

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA
